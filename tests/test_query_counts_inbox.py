"""The inbox (issue 18) costs a fixed, small number of SQL statements whatever the number of its rows: the API and
the home page read each process's count and first rows from plain values (no query per row, no object per row),
a page holds at most 50 rows, and every page of the API, read in turn, gives exactly the rows of the whole inbox in
its order (the merge across processes loses or repeats none).

The rows are written in bulk (the flows would take minutes for hundreds of rows); what they hold is what the
flows leave: a case in its state with its open deadline, a decision in review with its review deadline, a
petition received with its handling deadline."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, CaseState as CS, Party, Village, ViolationType
from notifications.models import Deadline, DeadlineRule
from petitions.models import Petition, PetitionState
from review.models import Decision, DecisionState as DS
from web.inbox import PAGE_SIZE, inbox
from workflows.models import User

from .conftest import client_for, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

INBOX = "/api/v1/inbox/"
# What one API page may cost, whatever the rows (17 for a user holding four roles): the token check, the roles,
# and per process its count and first rows (with the rules' kinds for the cases' deadlines, the demanded cases).
API_BOUND = 18
_serial = itertools.count(1)


def _deadlines(object_type: str, kind: str, pks, start: datetime.datetime) -> None:
    """One open deadline of `kind` per object, an hour apart from `start` (the first overdue), and a closed one."""
    rule = DeadlineRule.objects.get(kind=kind)
    today = timezone.localdate()
    rows = []
    for i, pk in enumerate(pks):
        due = start + datetime.timedelta(hours=i)
        rows.append(Deadline(object_type=object_type, object_id=pk, rule=rule, kind=kind, anchor_date=today,
                             due_date=timezone.localdate(due), due_at=due, status=Deadline.Status.OPEN,
                             basis="test"))
        rows.append(Deadline(object_type=object_type, object_id=pk, rule=rule, kind=kind, anchor_date=today,
                             due_date=today, due_at=start, status=Deadline.Status.CLOSED, basis="test"))
    Deadline.objects.bulk_create(rows)


def _cases(n: int, state: str, reporter, officers=(), *, with_deadline=True) -> list[int]:
    village = Village.objects.first() or Village.objects.create(code="QC", name="查询村")
    kind = ViolationType.objects.first() or ViolationType.objects.create(
        code="QC-1", name="占道经营", legal_basis="test", fine_max=1000, hearing_threshold=500)
    party = Party.objects.create(kind=Party.Kind.PERSON, name="张三")
    today = timezone.localdate()
    cases = Case.objects.bulk_create([
        Case(number=None if state == CS.REPORTED else f"QC-{next(_serial)}", state=state, source="patrol",
             village=village, violation_type=kind, violation_date=today - datetime.timedelta(days=10), party=party,
             reported_by=reporter, filed_on=None if state == CS.REPORTED else today)
        for _ in range(n)])
    pks = [case.pk for case in cases]
    Case.officers.through.objects.bulk_create([Case.officers.through(case_id=pk, user_id=officer.pk)
                                               for pk in pks for officer in officers])
    if with_deadline:
        kind_of_state = {CS.REPORTED: "case.filing", CS.INVESTIGATING: "case.decision"}
        _deadlines("cases.case", kind_of_state[state], pks, timezone.now() - datetime.timedelta(hours=2))
    return pks


def _decisions(n: int, author) -> list[int]:
    decisions = Decision.objects.bulk_create([
        Decision(title=f"决策事项{next(_serial)}", body="正文", category="other", department="综合办",
                 state=DS.IN_REVIEW, created_by=author) for _ in range(n)])
    pks = [decision.pk for decision in decisions]
    _deadlines("review.decision", "decision.review", pks, timezone.now() - datetime.timedelta(minutes=30))
    return pks


def _petitions(n: int, clerk) -> list[int]:
    petitions = Petition.objects.bulk_create([
        Petition(state=PetitionState.RECEIVED, channel="visit", subject=f"信访事项{next(_serial)}", content="内容",
                 received_on=timezone.localdate(), created_by=clerk) for _ in range(n)])
    pks = [petition.pk for petition in petitions]
    _deadlines("petitions.petition", "petition.acceptance", pks, timezone.now() + datetime.timedelta(minutes=10))
    return pks


def chief_rows(n):
    chief = make_user("brigade_chief")
    _cases(n, CS.REPORTED, chief)
    _cases(n // 5 + 1, CS.TRANSFERRED, chief, with_deadline=False)  # transfers awaiting their receipt
    return chief


def officer_rows(n):
    officer, other = make_user("enforcement_officer"), make_user("enforcement_officer")
    _cases(n, CS.INVESTIGATING, officer, [officer, other])
    _cases(7, CS.INVESTIGATING, other, [other])  # not his: never in his inbox
    return officer


def judicial_rows(n):
    judicial = make_user("judicial_office")
    drafter = make_user("drafter")
    _decisions(n, drafter)
    _cases(n // 2 + 1, CS.INVESTIGATING, drafter, with_deadline=True)  # not in review: not his
    return judicial


def petition_office_rows(n):
    clerk = make_user("petition_office")
    _petitions(n, clerk)
    return clerk


def mixed_rows(n):
    """One user holding several roles: the chief's reports, an officer's cases, the judicial office's reviews and
    the petition office's petitions, merged on one page by due time."""
    user = make_user("brigade_chief", "enforcement_officer", "judicial_office", "petition_office")
    _cases(n, CS.REPORTED, user)
    _cases(n, CS.INVESTIGATING, user, [user])
    _decisions(n, make_user("drafter"))
    _petitions(n, user)
    return user


SCENARIOS = {"chief": chief_rows, "officer": officer_rows, "judicial": judicial_rows,
             "petition_office": petition_office_rows, "several_roles": mixed_rows}


def _api_queries(user) -> tuple[int, dict]:
    client = client_for(user)
    client.get(INBOX)  # the token row and the translations warmed, as on a running server
    with CaptureQueriesContext(connection) as queries:
        response = client.get(INBOX)
    assert response.status_code == 200
    return len(queries), response.json()


def _fresh(user):
    return User.objects.get(pk=user.pk)  # no roles cached on the object


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_inbox_api_issues_the_same_few_statements_for_5_rows_as_for_120(scenario):
    few_user = SCENARIOS[scenario](5)
    few, few_body = _api_queries(_fresh(few_user))
    many_user = SCENARIOS[scenario](120)
    many, many_body = _api_queries(_fresh(many_user))
    assert few_body["count"] == len(few_body["results"]) >= 5
    assert many_body["count"] >= 120 and len(many_body["results"]) == PAGE_SIZE  # one page of 50, the total given
    assert many == few, f"{scenario}: {few} statements with 5 rows, {many} with 120 — a query per row?"
    assert many <= API_BOUND


@pytest.mark.parametrize("scenario", ["chief", "several_roles"])
def test_the_home_page_issues_the_same_statements_for_5_rows_as_for_120(client, scenario):
    counts = []
    for n in (5, 120):
        user = SCENARIOS[scenario](n)
        client.force_login(user)
        client.get("/inbox/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/inbox/")
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("data-kind=") == min(PAGE_SIZE, _count(user))
        counts.append(len(queries))
        client.logout()
    assert counts[0] == counts[1], f"home page: {counts[0]} statements with 5 rows, {counts[1]} with 120"


def _count(user) -> int:
    return len(inbox(_fresh(user)))


def test_the_pages_read_in_turn_are_the_whole_inbox_in_order():
    user = mixed_rows(60)  # 240 rows of four kinds
    everything = inbox(_fresh(user))
    assert len(everything) == 240
    client = client_for(user)
    seen, url, soonest = [], INBOX + "?page_size=35", None
    while url:
        body = client.get(url).json()
        assert body["count"] == 240 and len(body["results"]) <= 35
        soonest = soonest or body["soonest_due_at"]
        assert body["soonest_due_at"] == soonest
        seen += body["results"]
        url = body["next"]
    assert [(r["kind"], r["id"], r["action"]) for r in seen] == [(r["kind"], r["id"], r["action"]) for r in everything]
    dues = [r["due_at"] for r in seen]
    assert dues == sorted(dues)  # the same offset everywhere: ISO strings sort as the instants
    assert {r["kind"] for r in seen[:60]} >= {"case", "decision"}  # interleaved by due time, not by process
    assert seen[0]["due_at"] == soonest and seen[0]["overdue"] is True


def test_page_links_sizes_and_bad_pages():
    user = chief_rows(120)  # 120 reports + 25 transfers awaiting their receipt
    client = client_for(user)
    first = client.get(INBOX).json()
    assert first["count"] == 145 and first["previous"] is None and first["next"].endswith("?page=2")
    second = client.get(first["next"]).json()
    assert second["previous"].endswith(INBOX) and second["next"].endswith("?page=3")
    third = client.get(INBOX + "?page=3").json()
    assert len(third["results"]) == 45 and third["next"] is None
    # the reports with a filing deadline first, the transfers (no deadline) last
    assert third["results"][-1]["due_at"] is None and third["results"][-1]["action"] == "移送待回执"
    assert len(client.get(INBOX + "?page_size=10").json()["results"]) == 10
    assert len(client.get(INBOX + "?page_size=500").json()["results"]) == PAGE_SIZE  # capped, as DRF does
    assert len(client.get(INBOX + "?page_size=abc").json()["results"]) == PAGE_SIZE
    for bad in ("4", "0", "-1", "abc", "99999999999999999999"):
        response = client.get(INBOX + f"?page={bad}")
        assert response.status_code == 404, bad  # as every list of the API (DRF's "Invalid page.")
        assert response.json()["error"]


def test_an_empty_inbox_is_one_empty_page():
    body = client_for(make_user("drafter")).get(INBOX).json()
    assert body == {"count": 0, "next": None, "previous": None, "soonest_due_at": None, "results": []}
