"""Two users racing on one object: exactly one wins, the other gets 409, and one audit entry is written.

These run against the configured database with real concurrent connections: the SQLite file in the default
pass, PostgreSQL in the CI pass with DATABASE_URL=postgres://… (row locks with SELECT … FOR UPDATE).
"""

import threading
import time

import pytest
from django.db import connections

from review.models import Decision, DecisionState, ReviewOpinion
from workflows.audit import verify_chain
from workflows.errors import StateConflict
from workflows.models import AuditEntry
from workflows.services import fire_transition

from .conftest import client_for, make_user

# serialized_rollback: the flush after each test would drop the roles and deadline rules the migrations load.
pytestmark = [pytest.mark.clock, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def race(*calls):
    """Run the callables at the same moment in threads; return their results or exceptions in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects what each racer got
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def slow_opinions(monkeypatch):
    """Widen the race window: the winner holds its transaction open a while after reading the state.
    Without the row lock both racers would read `in_review` and both would pass."""
    original = ReviewOpinion.objects.create

    def slow_create(**kwargs):
        time.sleep(0.4)
        return original(**kwargs)

    monkeypatch.setattr(ReviewOpinion.objects, "create", slow_create)


def submitted_decision():
    drafter = make_user("drafter")
    decision = Decision.objects.create(
        title="关于石桥镇农村人居环境整治的决定", body="正文", category="major_decision", department="农业农村办",
        created_by=drafter, public_participation_required=False, participation_exemption_ground="涉及国家秘密，依法不予公开（保守国家秘密法第2条）。",
    )
    fire_transition("decision", decision.pk, "submit_for_review", drafter, {})
    return decision


def test_two_reviewers_race_one_wins_the_other_gets_409(slow_opinions):
    decision = submitted_decision()
    first, second = make_user("judicial_office"), make_user("judicial_office")
    results = race(
        lambda: fire_transition("decision", decision.pk, "pass_review", first, {"opinion": "合法，同意", "authority_ok": True, "procedure_ok": True,
                                                                          "content_ok": True}),
        lambda: fire_transition("decision", decision.pk, "fail_review", second, {"opinion": "越权，不予通过", "authority_ok": False}),
    )
    winners = [r for r in results if isinstance(r, Decision)]
    losers = [r for r in results if isinstance(r, StateConflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].status == 409
    decision.refresh_from_db()
    assert decision.state in (DecisionState.REVIEW_PASSED, DecisionState.REVIEW_FAILED)
    outcomes = AuditEntry.objects.filter(object_id=decision.pk, transition__in=["pass_review", "fail_review"])
    assert outcomes.count() == 1
    assert ReviewOpinion.objects.filter(decision=decision).count() == 1
    assert verify_chain().intact


def test_same_transition_twice_over_the_api(slow_opinions):
    decision = submitted_decision()
    reviewers = [client_for(make_user("judicial_office")) for _ in range(2)]
    results = race(*[
        (lambda c=c: c.post(f"/api/v1/decisions/{decision.pk}/transitions/pass_review/",
                            {"opinion": "经审查，符合法定权限和程序", "authority_ok": True,
                             "procedure_ok": True, "content_ok": True}, format="json"))
        for c in reviewers
    ])
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409], [getattr(r, "content", r) for r in results]
    conflict = next(r for r in results if r.status_code == 409).json()
    assert conflict["error"] == "state_conflict"
    assert AuditEntry.objects.filter(object_id=decision.pk, transition="pass_review").count() == 1


def test_concurrent_signatures_get_distinct_gap_free_numbers(settings):
    principals = [make_user("principal") for _ in range(4)]
    decisions = _approved_decisions(4)
    results = race(*[
        (lambda d=d, p=p: fire_transition("decision", d.pk, "sign", p, {})) for d, p in zip(decisions, principals, strict=True)
    ])
    assert all(isinstance(r, Decision) for r in results), results
    numbers = sorted(Decision.objects.filter(pk__in=[d.pk for d in decisions]).values_list("number", flat=True))
    year = results[0].signed_at.year
    assert numbers == sorted(settings.DECISION_NUMBER_FORMAT.format(town="石", year=year, seq=i) for i in range(1, 5))
    assert verify_chain().intact


def _approved_decisions(count):
    """Decisions already approved by a held meeting, written directly (their path is tested elsewhere)."""
    drafter = make_user("drafter")
    made = []
    for i in range(count):
        decision = Decision(title=f"决策{i}", body="正文", category="major_decision", department="党政办",
                            created_by=drafter, state=DecisionState.APPROVED)
        decision.reviewed_fingerprint = decision.content_fingerprint()
        decision.save()
        made.append(decision)
    return made

