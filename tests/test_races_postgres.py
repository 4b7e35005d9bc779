"""Races on PostgreSQL (issue 17 item 2): many clients act at one moment, each on its own database connection.

1. Twenty clients fire the same transition on one object at once — every kind of flow: decision, meeting, case,
   petition, mediation. Exactly one wins; the nineteen others are told 409 (StateConflict from the service, the
   API's error body `state_conflict` over HTTP); the step is audited once and the chain stays intact; what the
   step creates (deadlines, opinions, documents, numbers) is created once.
2. Forty clients sign 200 decisions and decide 200 cases (each decision issues its numbered 处罚决定书) at once,
   and forty clients file 200 cases at once: each series is 1..200 of the year, no number repeated or skipped;
   no deadlock and no endless lock wait; every object has its number, its document and its audit entries.

Real concurrent PostgreSQL connections (row locks with SELECT … FOR UPDATE): marked `postgres`, so skipped on
SQLite and failing under CI=true when not on PostgreSQL. Run with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/lawflow_<name>. `tests/test_concurrency.py` has the two-racer
versions that run on SQLite too.
"""

import copy
import datetime
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from cases.models import Case, CaseState, Party
from documents import registry
from documents.models import IssuedDocument
from mediation.models import Mediation, MediationCommittee, MediationState, Mediator
from mediation.services import create_mediation, number_format as mediation_number_format
from notifications.models import Deadline
from petitions.flows import petition_number_format
from petitions.models import Petition, PetitionState
from petitions.services import create_petition
from review import services as review_services
from review.models import AgendaItem, Decision, DecisionState, Meeting, MeetingState, ReviewOpinion
from workflows.audit import verify_chain
from workflows.errors import StateConflict
from workflows.models import AuditChain, AuditEntry, NumberSequence
from workflows.numbering import next_number, pattern_for
from workflows.services import fire_transition, get_process

from .case_fixtures import Town, case_url, fire as fire_api, ok
from .conftest import client_for, make_user

# serialized_rollback: the flush after each test would drop the roles and deadline rules the migrations load.
# One xdist group: two 40-client races on two workers at once would come close to PostgreSQL's 100 connections.
pytestmark = [pytest.mark.postgres, pytest.mark.clock,
              pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.xdist_group("postgres_races")]

RACERS = 20  # clients firing one transition on one object
CLIENTS = 40  # clients working through the bulk series (PostgreSQL allows 100 connections on the CI server)
SERIES = 200  # objects numbered in each bulk race
# A client still waiting after this is taken for a deadlock PostgreSQL did not break or an endless lock wait
# (PostgreSQL breaks a deadlock of row locks within its deadlock_timeout, 1 s; the bulk race takes ~25–60 s).
JOIN_SECONDS = 300


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Each race makes 20–40 users; the production hasher takes ~0.4 s a user, and none of them logs in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --------------------------------------------------------------------------------------------------
# Racing
# --------------------------------------------------------------------------------------------------


def race(calls, *, join_seconds=JOIN_SECONDS):
    """Run each callable in a thread of its own — so on a database connection of its own — all released at one
    moment by a barrier; return what each returned or raised, in order. Each thread closes its connections when
    done. Fails the test when a thread is still running after `join_seconds` (a deadlock PostgreSQL did not
    break, or a lock wait that does not end)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects what each racer got
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + join_seconds
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = sum(thread.is_alive() for thread in threads)
    assert not stuck, f"{stuck} of {len(threads)} clients still waiting after {join_seconds} s: deadlock or lock wait"
    return results


def attempt(call):
    """What `call()` returned, or the exception it raised."""
    try:
        return call()
    except Exception as error:  # noqa: BLE001 - the test inspects it
        return error


def clients_work_through(jobs, clients=CLIENTS):
    """`clients` clients start at one moment; client i does jobs i, i+clients, i+2·clients… one after the other (a
    user clicking through a list). Returns each job's result or exception, in the jobs' order, and the seconds the
    whole race took."""
    shares = [list(range(i, len(jobs), clients)) for i in range(clients)]
    results = [None] * len(jobs)

    def work(share):
        for index in share:
            results[index] = attempt(jobs[index])

    started = time.monotonic()
    race([lambda share=share: work(share) for share in shares])
    return results, time.monotonic() - started


# --------------------------------------------------------------------------------------------------
# What must hold afterwards
# --------------------------------------------------------------------------------------------------


def object_type(obj) -> str:
    return obj._meta.label_lower


def entries(obj, transition):
    return AuditEntry.objects.filter(object_type=object_type(obj), object_id=str(obj.pk), transition=transition)


def deadlines(obj, kind):
    return Deadline.objects.filter(object_type=object_type(obj), object_id=obj.pk, kind=kind)


def documents(obj, kind):
    return IssuedDocument.objects.filter(kind=kind, owner_id=obj.pk, owner_type=registry.owner_of(obj).name)


def series_default(scope: str) -> str:
    """The default pattern of a number series (what next_number is given)."""
    defaults = {"decision": settings.DECISION_NUMBER_FORMAT, "case": settings.CASE_NUMBER_FORMAT,
                "case_spot": settings.CASE_SPOT_NUMBER_FORMAT, "meeting": settings.MEETING_NUMBER_FORMAT,
                "petition": petition_number_format(), "mediation": mediation_number_format()}
    if scope.startswith("doc:"):
        return registry.kind(scope.removeprefix("doc:")).number_pattern
    return defaults[scope]


def numbers_in_use(scope: str) -> list[str]:
    """Every number of the series `scope` the database holds (each test starts from an empty database)."""
    if scope.startswith("doc:"):
        rows = IssuedDocument.objects.filter(kind=scope.removeprefix("doc:"))
    else:
        model = {"decision": Decision, "case": Case, "case_spot": Case, "meeting": Meeting, "petition": Petition,
                 "mediation": Mediation}[scope]
        rows = model.objects.all()
        if model is Case:
            rows = rows.filter(procedure=Case.Procedure.SIMPLE if scope == "case_spot" else Case.Procedure.GENERAL)
    return list(rows.exclude(number=None).values_list("number", flat=True))


def assert_series_gap_free():
    """Every number series: the numbers held are exactly 1..last of its year, each once, and each numbered document
    is in the audit trail with its number."""
    for sequence in NumberSequence.objects.all():
        pattern = pattern_for(sequence.scope, series_default(sequence.scope))
        expected = [pattern.format(town=settings.TOWN_SHORT_NAME, town_name=settings.TOWN_NAME, year=sequence.year,
                                   seq=n) for n in range(1, sequence.last + 1)]
        held = numbers_in_use(sequence.scope)
        assert Counter(held) == Counter(expected), (sequence.scope, sequence.year, sequence.last,
                                                    sorted(set(held) ^ set(expected))[:10])
    audited = Counter(AuditEntry.objects.filter(transition="issue_document").exclude(fields__number="")
                      .values_list("fields__number", flat=True))
    issued = Counter(IssuedDocument.objects.exclude(number=None).values_list("number", flat=True))
    assert audited == issued, "a numbered document without its audit entry, or an entry without its document"


def assert_chain_intact():
    check = verify_chain()
    assert check.intact, check
    assert AuditChain.objects.get(pk=1).length == AuditEntry.objects.count()


# --------------------------------------------------------------------------------------------------
# The world the races run in
# --------------------------------------------------------------------------------------------------

TITLE = "石桥镇农村人居环境整治三年行动方案"
BODY = "一、总体要求。二、重点任务：垃圾分类、污水治理、村容村貌提升。三、保障措施。"
EXEMPTION = "涉及国家秘密，依法不予公开（保守国家秘密法第2条）。"
OPINION = "经审查，该决策事项属于本镇法定职权，程序完备，内容符合规定，同意提交会议审议。"
CHECKS_PASS = {"authority_ok": True, "procedure_ok": True, "content_ok": True}
MINUTES = "会议由镇长主持，司法所列席，逐项审议议题。"
URGENCY = "汛期临近，需在本周联席会议上研究（条例第26条但书）。"
WRITTEN_AGREEMENT = {"facts": "张三翻建房屋，滴水檐伸入李四宅基地约30厘米。", "responsibilities": "张三负主要责任。",
                     "terms": "张三于一个月内将滴水檐改向本家院内，并赔偿李四500元。", "performance_manner": "现金当面交付"}


class World:
    """The town of tests/case_fixtures.Town (villages, violation types, certified officers o1–o3, the brigade
    chief, the principal, the judicial office), plus the office secretary, a meeting chair, the petition office
    and a village mediation committee with its mediator."""

    def __init__(self):
        self.town = Town()
        u = self.town.u
        self.drafter, self.judicial, self.principal, self.chief = u["drafter"], u["judicial"], u["principal"], u["chief"]
        self.officers = [u["o1"], u["o2"]]
        self.secretary = make_user("office_secretary")
        self.chair = make_user("meeting_chair")
        self.petition_office = make_user("petition_office")
        self.committee = MediationCommittee.objects.create(name=f"{self.town.village.name}人民调解委员会",
                                                           village=self.town.village)
        self.mediator_user = make_user("mediator")
        self.mediator = Mediator.objects.create(name="李调解", committee=self.committee, user=self.mediator_user)

    def crowd(self, role, count=RACERS):
        """`count` different users holding `role`."""
        return [make_user(role) for _ in range(count)]

    def mediators(self, count=RACERS):
        """`count` mediator users, each an active mediator of the village committee (人民调解法 Art 19)."""
        users = self.crowd("mediator", count)
        Mediator.objects.bulk_create(Mediator(name=f"调解员{i}", committee=self.committee, user=user)
                                     for i, user in enumerate(users))
        return users


@pytest.fixture
def world(clock):
    return World()


def fire(process, obj, name, user, data=None):
    return fire_transition(process, obj.pk, name, user, data or {})


def today_iso():
    return timezone.localdate().isoformat()


# --- the preparations between the races (through the services, or the API as the brigade uses it) ----------


def new_decision(w: World) -> Decision:
    return review_services.create_decision(user=w.drafter, title=TITLE, body=BODY, category="major_decision",
                                           department="农业农村办", public_participation_required=False,
                                           participation_exemption_ground=EXEMPTION)


def new_meeting(w: World) -> Meeting:
    """A meeting dated today (so that it may be held at once), the judicial office attending (D6)."""
    return review_services.create_meeting(user=w.secretary, title="2026年第12次党政联席会议", date=timezone.localdate(),
                                          chair=w.chair, attendees=[w.judicial, w.chair, w.principal, w.secretary])


def scheduled(w: World, decision, meeting):
    fire("decision", decision, "schedule", w.secretary, {"meeting": meeting.pk, "urgency_reason": URGENCY})


def approved_decision(w: World) -> Decision:
    """A decision driven by the flow to `approved` at a meeting held today (the template of the signing race)."""
    decision = new_decision(w)
    fire("decision", decision, "submit_for_review", w.drafter)
    fire("decision", decision, "pass_review", w.judicial, {"opinion": OPINION, **CHECKS_PASS})
    meeting = new_meeting(w)
    scheduled(w, decision, meeting)
    fire("meeting", meeting, "hold", w.secretary, {"minutes": MINUTES})
    fire("decision", decision, "approve", w.chair, {"comment": "同意。"})
    return Decision.objects.get(pk=decision.pk)


def case_in(w: World, state: str) -> Case:
    """A case driven over the API by the brigade (tests/case_fixtures.Town) to `reported` or `deciding`."""
    body = {"reported": w.town.report, "deciding": w.town.deciding}[state]()
    case = Case.objects.get(pk=body["id"])
    assert case.state == state, case.state
    return case


def notified_and_submitted(w: World, case):
    """Officer o1 notifies the party (Art 44) and submits the case for decision, the party waiving statement and
    hearing in writing."""
    o1 = w.town.api("o1")
    ok(fire_api(o1, case.pk, "notify", facts="经查，当事人的行为事实清楚，证据确凿。", legal_basis="依据相关法律法规第三十六条",
                proposed_fine="500", proposed_measures=[], major=False, major_reason=""))
    ok(fire_api(o1, case.pk, "submit_decision", waiver=True))


def paid_executed_published(w: World, case):
    """The fine paid at the bank (Art 67), the execution recorded, the decision made public (Art 48): closable."""
    body = ok(w.town.api("o1").get(case_url(case.pk)))
    w.town.pay_in_full(body)
    ok(fire_api(w.town.api("o1"), case.pk, "record_execution", detail="罚款已缴纳"))
    ok(w.town.api("o1").post(case_url(case.pk, "publicity/"), {"channel": "镇政府门户网站"}, format="json"))


def new_petition(w: World) -> Petition:
    return create_petition(user=w.petition_office, channel="visit", subject="宅基地边界纠纷", content="邻居占用宅基地。",
                           received_on=timezone.localdate(), petitioners=[{"name": "张三", "phone": "13800000000"}])


def new_mediation(w: World) -> Mediation:
    parties = [{"name": name, "address": f"石桥村{i}组", "id_number": "", "phone": "13800000000"}
               for i, name in enumerate(["张三", "李四"], 1)]
    return create_mediation(user=w.mediator_user, parties=parties, dispute_type="neighbour",
                            summary="两家因宅基地边界滴水檐发生争执。", source="application", village=w.town.village)


# --------------------------------------------------------------------------------------------------
# 1. Twenty clients, one object, one step — every step of a flow in turn
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One transition raced on by 20 clients: on the flow's object of its process, fired by `actors` with `data`
    (the same JSON for the service and the API), through the service or over HTTP. What the step creates is counted
    by `once`: each count must be exactly 1 after the race."""

    process: str
    name: str
    target: str
    actors: Callable  # (world) -> users
    data: Callable  # (world) -> dict
    once: Callable  # (object) -> {what: count}
    via: str = "service"


@dataclass(frozen=True)
class Prepare:
    """A step between the races, done once: `do(world, objects)` may add objects, keyed by their process."""

    do: Callable


def crowd(role):
    return lambda w: w.crowd(role)


FLOWS = {
    # The decision and its meeting: review, the meeting held, deliberation, signature, the meeting closed.
    "decision-meeting": [
        Prepare(lambda w, o: o.update(decision=new_decision(w))),
        # Only the drafter who wrote a decision submits it (review.flows: the drafter acts as author): 20 clients of
        # that one user, e.g. the same page open in 20 tabs.
        Step("decision", "submit_for_review", DecisionState.IN_REVIEW, lambda w: [w.drafter] * RACERS,
             lambda w: {"comment": "请审查。"},
             lambda d: {"review deadline": deadlines(d, "decision.review").count()}),
        Step("decision", "pass_review", DecisionState.REVIEW_PASSED, crowd("judicial_office"),
             lambda w: {"opinion": OPINION, **CHECKS_PASS},
             lambda d: {"opinion": ReviewOpinion.objects.filter(decision=d).count(),
                        "审查意见书": documents(d, "legality_review_opinion").count()}),
        Prepare(lambda w, o: (o.update(meeting=new_meeting(w)), scheduled(w, o["decision"], o["meeting"]))),
        Step("meeting", "hold", MeetingState.HELD, crowd("office_secretary"), lambda w: {"minutes": MINUTES},
             lambda m: {"meeting number": Meeting.objects.filter(pk=m.pk).exclude(number=None).count()}),
        Step("decision", "approve", DecisionState.APPROVED, crowd("meeting_chair"), lambda w: {"comment": "同意。"},
             lambda d: {"approved agenda item": AgendaItem.objects.filter(decision=d, outcome="approved").count()}),
        Step("decision", "sign", DecisionState.SIGNED, crowd("principal"), lambda w: {},
             lambda d: {"decision number": Decision.objects.filter(pk=d.pk).exclude(number=None).count(),
                        "决定正文": documents(d, "decision_text").count(),
                        "publication deadline": deadlines(d, "decision.publication").count()},
             via="http"),
        Step("meeting", "close", MeetingState.CLOSED, crowd("office_secretary"), lambda w: {"comment": "议题均已审议。"},
             lambda m: {"会议纪要": documents(m, "minutes").count()}),
    ],
    # The enforcement case: filing, decision, service, closing.
    "case": [
        Prepare(lambda w, o: o.update(case=case_in(w, "reported"))),
        Step("case", "file", CaseState.INVESTIGATING, crowd("brigade_chief"),
             lambda w: {"officers": [officer.pk for officer in w.officers], "comment": "予以立案"},
             lambda c: {"case number": Case.objects.filter(pk=c.pk).exclude(number=None).count(),
                        "90-day deadline": deadlines(c, "case.decision").count()},
             via="http"),
        Prepare(lambda w, o: notified_and_submitted(w, o["case"])),
        Step("case", "decide", CaseState.DECIDED, crowd("principal"), lambda w: {"outcome": "penalty", "fine": "500"},
             lambda c: {"处罚决定书": documents(c, "penalty_decision").count(),
                        "service deadline": deadlines(c, "case.service").count()}),
        # Only the case's officers serve it (CASE_OFFICER_TRANSITIONS): its two officers, ten clients each.
        Step("case", "serve", CaseState.SERVED, lambda w: [w.officers[i % 2] for i in range(RACERS)],
             lambda w: {"method": "直接送达"},
             lambda c: {"payment deadline": deadlines(c, "case.payment").count(),
                        "court application deadline": deadlines(c, "case.court_application").count()}),
        Prepare(lambda w, o: paid_executed_published(w, o["case"])),
        Step("case", "close", CaseState.CLOSED, crowd("brigade_chief"), lambda w: {"summary": "罚款已缴纳，案件办结。"},
             lambda c: {"self-check kept": Case.objects.filter(pk=c.pk).exclude(self_check_at=None).count()}),
    ],
    "petition": [
        Prepare(lambda w, o: o.update(petition=new_petition(w))),
        Step("petition", "accept", PetitionState.ACCEPTED, crowd("petition_office"), lambda w: {},
             lambda p: {"受理告知书": documents(p, "petition_acceptance_notice").count(),
                        "handling deadline": deadlines(p, "petition.handling").count()},
             via="http"),
        Step("petition", "reply", PetitionState.REPLIED, crowd("petition_office"),
             lambda w: {"opinion": "经调查核实，诉求合理，予以支持。", "result": "support"},
             lambda p: {"信访处理意见书": documents(p, "petition_handling_opinion").count(),
                        "review window": deadlines(p, "petition.review_request").count()}),
    ],
    "mediation": [
        Prepare(lambda w, o: o.update(mediation=new_mediation(w))),
        Step("mediation", "start", MediationState.MEDIATING, lambda w: w.mediators(),
             lambda w: {"mediators": [w.mediator.pk], "consent": True},
             lambda m: {"mediator named": m.mediators.count()}),
        Step("mediation", "reach_agreement", MediationState.AGREED, lambda w: w.mediators(),
             lambda w: {**WRITTEN_AGREEMENT, "oral": False, "agreed_on": today_iso(), "effective_on": today_iso(),
                        "performance_due_on": (timezone.localdate() + datetime.timedelta(days=20)).isoformat()},
             lambda m: {"人民调解协议书": documents(m, "mediation_agreement").count(),
                        "confirmation deadline": deadlines(m, "mediation.confirmation").count(),
                        "performance deadline": deadlines(m, "mediation.performance").count()}),
    ],
}

API = {"decision": "/api/v1/decisions/", "meeting": "/api/v1/meetings/", "case": "/api/v1/cases/",
       "petition": "/api/v1/petitions/", "mediation": "/api/v1/mediations/"}


def race_step(w: World, step: Step, obj):
    """Twenty clients fire `step` on `obj` at one moment; assert one winner and nineteen 409s."""
    label = f"{step.process}.{step.name}"
    actors = step.actors(w)
    data = step.data(w)
    model = get_process(step.process).model
    if step.via == "service":
        results = race([lambda user=user: fire_transition(step.process, obj.pk, step.name, user, dict(data))
                        for user in actors])
        winners = [r for r in results if isinstance(r, model)]
        losers = [r for r in results if isinstance(r, StateConflict)]
        assert len(winners) == 1 and len(losers) == RACERS - 1, (
            label, [repr(r) for r in results if not isinstance(r, (model, StateConflict))])
        assert {loser.status for loser in losers} == {409}, label
    else:
        url = f"{API[step.process]}{obj.pk}/transitions/{step.name}/"
        api_clients = [client_for(user) for user in actors]
        results = race([lambda c=c: c.post(url, data, format="json") for c in api_clients])
        statuses = Counter(getattr(r, "status_code", repr(r)) for r in results)
        assert statuses == {200: 1, 409: RACERS - 1}, (label, statuses)
        for response in results:
            if response.status_code == 409:  # the API's error shape (CONTRACT §5), naming the state rule
                body = response.json()
                assert body["error"] == "state_conflict" and body["rule"] == "state", (label, body)
                assert body["detail"].startswith("[state] "), (label, body)


def assert_step_done_once(step: Step, obj):
    label = f"{step.process}.{step.name}"
    obj.refresh_from_db()
    assert obj.state == step.target, (label, obj.state)
    assert entries(obj, step.name).count() == 1, label
    made = step.once(obj)
    assert made == dict.fromkeys(made, 1), (label, made)
    # No deadline of the object open twice; every document it was issued audited once.
    open_kinds = Counter(Deadline.objects.filter(object_type=object_type(obj), object_id=obj.pk,
                                                 status=Deadline.Status.OPEN).values_list("kind", flat=True))
    assert all(n == 1 for n in open_kinds.values()), (label, open_kinds)
    issued = Counter(IssuedDocument.objects.filter(owner_type=registry.owner_of(obj).name, owner_id=obj.pk)
                     .values_list("kind", flat=True))
    assert all(n == 1 for n in issued.values()), (label, issued)
    assert entries(obj, "issue_document").count() == sum(issued.values()), label


@pytest.mark.parametrize("flow", list(FLOWS))
def test_twenty_clients_fire_each_step_one_wins_the_others_get_409(world, flow):
    """Each step of the flow in turn (tests/test_concurrency.py has the two-racer version): 20 clients fire it on
    one object at one moment; one wins, the others get 409 and write nothing."""
    objects = {}
    for item in FLOWS[flow]:
        if isinstance(item, Prepare):
            item.do(world, objects)
            continue
        obj = objects[item.process]
        assert not entries(obj, item.name).exists()
        race_step(world, item, obj)
        assert_step_done_once(item, obj)
    assert_series_gap_free()
    assert_chain_intact()


# --------------------------------------------------------------------------------------------------
# 2. Forty clients, 200 objects a series: decisions signed, cases decided (处罚决定书), cases filed
# --------------------------------------------------------------------------------------------------


def copies(obj, count, **changes):
    """`count` copies of `obj`'s row (new primary keys), made in one bulk insert with `changes` applied (a value
    that is callable is called with the copy's index)."""
    made = []
    for i in range(count):
        row = copy.copy(obj)
        row.pk = row.id = None
        row._state = copy.copy(obj._state)
        row._state.adding = True
        for field, value in changes.items():
            setattr(row, field, value(i) if callable(value) else value)
        made.append(row)
    return type(obj).objects.bulk_create(made)


def case_copies(case, count, *, numbered: bool):
    """`count` copies of `case` with their own party (a copy of its party) and the same officers. With `numbered`,
    each copy is filed with the next number of the case series, as the filing would give it."""
    parties = Party.objects.bulk_create([Party(**{f.attname: getattr(case.party, f.attname)
                                                  for f in Party._meta.concrete_fields if not f.primary_key})
                                         for _ in range(count)])
    with transaction.atomic():
        numbers = [next_number("case", case.filed_on.year, settings.CASE_NUMBER_FORMAT) if numbered else None
                   for _ in range(count)]
        made = copies(case, count, party=lambda i: parties[i], number=lambda i: numbers[i])
    officers = list(case.officers.all())
    Case.officers.through.objects.bulk_create(Case.officers.through(case_id=c.pk, user_id=o.pk)
                                              for c in made for o in officers)
    return [case, *made]


def assert_series_is_one_to_200(numbers, scope, year):
    """`numbers` are exactly 1..200 of the series `scope` in `year`, each once, and the series' counter says 200."""
    pattern = pattern_for(scope, series_default(scope))
    expected = [pattern.format(town=settings.TOWN_SHORT_NAME, town_name=settings.TOWN_NAME, year=year, seq=n)
                for n in range(1, SERIES + 1)]
    assert Counter(numbers) == Counter(expected), (scope, len(numbers), sorted(set(numbers) ^ set(expected))[:10])
    assert NumberSequence.objects.get(scope=scope, year=year).last == SERIES, scope


def test_forty_clients_sign_200_decisions_and_decide_200_cases_at_once(world, clock, record_property):
    """40 clients at one moment, each working through its share of 400 steps, the two kinds interleaved: 200
    decisions signed (D8: 石政〔Y〕N号) and 200 cases decided, each decision issuing its numbered 处罚决定书 (DESIGN
    §10). The two take their locks in opposite orders — the signature takes the decision's number before the audit
    chain, the case's decision takes the 处罚决定书's number after it — so running them together is what would reveal
    a lock-order deadlock. Every step succeeds (no deadlock, no endless lock wait, no serialization failure); both
    series are 1..200 of the year; each object has its number, its document and its audit entries."""
    to_sign = [approved_decision(world)]
    to_sign += copies(to_sign[0], SERIES - 1)
    to_decide = case_copies(case_in(world, "deciding"), SERIES - 1, numbered=True)
    principals = world.crowd("principal", CLIENTS)
    clock.freeze()  # every number of the race in one year, even when the run starts at 31 December 23:59
    year = timezone.localdate().year
    jobs = []
    for i in range(SERIES):
        principal = principals[i % CLIENTS]
        jobs.append(lambda d=to_sign[i], p=principal: fire_transition("decision", d.pk, "sign", p, {}))
        jobs.append(lambda c=to_decide[i], p=principal: fire_transition("case", c.pk, "decide", p,
                                                                        {"outcome": "penalty", "fine": "500"}))

    results, seconds = clients_work_through(jobs)
    record_property("race_seconds", round(seconds, 1))

    assert_all_succeeded(results)
    signed = Decision.objects.filter(pk__in=[d.pk for d in to_sign])
    assert set(signed.values_list("state", flat=True)) == {DecisionState.SIGNED}
    assert_series_is_one_to_200(list(signed.values_list("number", flat=True)), "decision", year)
    decided = Case.objects.filter(pk__in=[c.pk for c in to_decide])
    assert set(decided.values_list("state", flat=True)) == {CaseState.DECIDED}
    penalty_decisions = IssuedDocument.objects.filter(kind="penalty_decision")
    assert_series_is_one_to_200(list(penalty_decisions.values_list("number", flat=True)), "doc:penalty_decision",
                                year)
    assert sorted(penalty_decisions.values_list("owner_id", flat=True)) == sorted(c.pk for c in to_decide)
    for decision in signed:  # its number, its 决定正文, one signature in the trail, one publication deadline
        assert entries(decision, "sign").count() == 1
        assert documents(decision, "decision_text").count() == 1
        assert deadlines(decision, "decision.publication").count() == 1
    for case in decided:  # its 处罚决定书 (in the trail with its number), one decision entry, one service deadline
        assert entries(case, "decide").count() == 1
        assert entries(case, "issue_document").filter(fields__kind="penalty_decision").count() == 1
        assert deadlines(case, "case.service").count() == 1
    assert_series_gap_free()
    assert_chain_intact()


def test_forty_clients_file_200_cases_numbers_1_to_200(world, clock, record_property):
    """40 clients at one moment file 200 reported cases (C2, 处罚法 Art 54: 石综执立〔Y〕N号), each client its share
    one after another. The series' row does not exist yet: the clients also race to create it. Every filing
    succeeds; the case numbers are 1..200 of the year; each case has its number, its officers, its 90-day deadline
    (Art 60) and one filing entry in the audit trail."""
    to_file = case_copies(case_in(world, "reported"), SERIES - 1, numbered=False)
    chiefs = world.crowd("brigade_chief", CLIENTS)
    officers = [officer.pk for officer in world.officers]
    assert not NumberSequence.objects.filter(scope="case").exists()
    clock.freeze()
    jobs = [lambda c=c, chief=chiefs[i % CLIENTS]: fire_transition("case", c.pk, "file", chief,
                                                                    {"officers": officers, "comment": "予以立案"})
            for i, c in enumerate(to_file)]

    results, seconds = clients_work_through(jobs)
    record_property("race_seconds", round(seconds, 1))

    assert_all_succeeded(results)
    filed = Case.objects.filter(pk__in=[c.pk for c in to_file])
    assert set(filed.values_list("state", flat=True)) == {CaseState.INVESTIGATING}
    assert_series_is_one_to_200(list(filed.values_list("number", flat=True)), "case", timezone.localdate().year)
    for case in filed:
        assert entries(case, "file").count() == 1
        assert deadlines(case, "case.decision").count() == 1
        assert case.officers.count() == 2
    assert_series_gap_free()
    assert_chain_intact()


def assert_all_succeeded(results):
    failures = [repr(r) for r in results if isinstance(r, BaseException)]
    assert not failures, f"{len(failures)} of {len(results)} failed: {Counter(failures).most_common(5)}"
