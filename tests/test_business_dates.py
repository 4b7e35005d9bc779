"""One date rule per business date (issue 10 fault 8, workflows.dates): not after today, not more than 20 years
back, not before the event it follows. The faults as reported, then a property test firing every dated
transition of the case and decision flows with dates around those bounds."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from cases import services as case_services
from cases.models import Case, Party
from notifications.models import Deadline
from review.models import Decision, DecisionState
from workflows.errors import Refusal
from workflows.models import AuditEntry, NumberSequence
from workflows.services import fire_transition

from .case_fixtures import (
    WFJS,
    add_inquiry,
    assert_refused,
    days_ago,
    fire,
    ok,
    registered_on,
    report_case,
    snapshot,
    town_fixture,  # noqa: F401 - the fixture `town`
    working_days_ago,
)
from .conftest import client_for, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 30 November 2026, 10:00 in the township: the day of the reported faults.
INSTANT = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
TODAY = INSTANT.date()


@pytest.fixture
def clock():
    with time_machine.travel(INSTANT, tick=False):
        yield


def case_history(case_id):
    return list(AuditEntry.objects.filter(object_type="cases.case", object_id=case_id)
                .values_list("transition", flat=True))


# --------------------------------------------------------------------------------------------------
# The faults as reported
# --------------------------------------------------------------------------------------------------


def test_a_case_cannot_be_filed_before_its_violation_and_report(clock, town):
    case = town.report(violation_date="2026-11-25")  # registered today, 2026-11-30
    before = snapshot(case["id"])
    for filed_on, earlier in (("2025-12-15", "2026-11-25"), ("2026-11-29", "2026-11-30")):
        data = assert_refused(fire(town.api("chief"), case["id"], "file", officers=[u.pk for u in town.pair],
                                   filed_on=filed_on), 400, rule="date 处罚法 Art 54", field="filed_on")
        assert filed_on in data["detail"] and earlier in data["detail"], data  # both dates named
        chinese = data["detail"].split(" / ")[0]
        assert "处罚法第54条" in chinese and "Art" not in chinese.replace(data["rule"], ""), data  # cited as a clerk does
        assert_unchanged_case(before, case["id"])
    assert NumberSequence.objects.filter(scope="case").count() == 0  # no number spent on a refusal
    filed = ok(fire(town.api("chief"), case["id"], "file", officers=[u.pk for u in town.pair],
                    filed_on="2026-11-30"))
    assert filed["number"] == "石综执立〔2026〕1号"
    decision_deadline = next(d for d in filed["deadlines"] if d["kind"] == "case.decision")
    assert decision_deadline["due_date"] > "2026-11-30"  # not overdue at once


def assert_unchanged_case(before, case_id):
    after = snapshot(case_id)
    assert after == before


def signed_decision(clock_at=INSTANT):
    """A decision approved by the meeting (its path is tested elsewhere) and signed by the principal at
    `clock_at`."""
    drafter, principal = make_user("drafter"), make_user("principal")
    decision = Decision(title="关于石桥镇农贸市场搬迁的决定", body="正文", category="major_decision",
                        department="党政办", created_by=drafter, state=DecisionState.APPROVED)
    decision.reviewed_fingerprint = decision.content_fingerprint()
    decision.save()
    with time_machine.travel(clock_at, tick=False):
        fire_transition("decision", decision.pk, "sign", principal, {})
    return Decision.objects.get(pk=decision.pk)


def decision_snapshot(pk):
    decision = Decision.objects.get(pk=pk)
    return {
        "fields": (decision.state, decision.published_on, decision.publication_channel),
        "deadlines": list(Deadline.objects.filter(object_type="review.decision", object_id=pk)
                          .order_by("id").values_list("kind", "status", "due_date")),
        "audit": AuditEntry.objects.count(),
    }


def test_a_decision_cannot_be_published_in_1900_or_9999_or_before_its_signature(clock):
    decision = signed_decision()  # signed 2026-11-30
    secretary = client_for(make_user("office_secretary"))
    url = f"/api/v1/decisions/{decision.pk}/transitions/publish/"
    before = decision_snapshot(decision.pk)
    for day in ("1900-01-01", "9999-12-31", "2026-11-29", "2026-12-01"):
        data = assert_refused(secretary.post(url, {"channel": "石桥镇人民政府网站", "published_on": day}, format="json"),
                              400, rule="date", field="published_on")
        assert day in data["detail"], data
        assert decision_snapshot(decision.pk) == before
    published = ok(secretary.post(url, {"channel": "石桥镇人民政府网站", "published_on": "2026-11-30"}, format="json"))
    assert published["state"] == "published"


def test_a_notice_cannot_predate_the_inquiries_it_rests_on(clock, town):
    case = town.investigating(filed_on=days_ago(20))
    ok(add_inquiry(town.api("o1"), case["id"], town.pair, held_at=INSTANT - datetime.timedelta(days=6)), 201)
    before = snapshot(case["id"])
    data = assert_refused(fire(town.api("o1"), case["id"], "notify", facts="事实", legal_basis="依据",
                               proposed_fine="500", notified_on=days_ago(7)), 400, rule="date 处罚法 Art 44",
                          field="notified_on")
    assert days_ago(7).isoformat() in data["detail"] and days_ago(6).isoformat() in data["detail"]
    assert_unchanged_case(before, case["id"])
    ok(fire(town.api("o1"), case["id"], "notify", facts="事实", legal_basis="依据", proposed_fine="500",
            notified_on=days_ago(6)))


def test_a_violation_more_than_twenty_years_back_is_a_typing_error(clock, town):
    cases = Case.objects.count()
    floor = TODAY.replace(year=TODAY.year - 20)
    assert_refused(report_case(town.api("o1"), violation_date=(floor - datetime.timedelta(days=1)).isoformat()),
                   400, rule="date", field="violation_date")
    assert Case.objects.count() == cases
    ok(report_case(town.api("o1"), violation_date=floor.isoformat()), 201)


# --------------------------------------------------------------------------------------------------
# Property: every dated transition, with dates around its bounds
# --------------------------------------------------------------------------------------------------

# Dates drawn around the bounds: the event the date follows, today, the 20-year floor, and the extremes.
ANCHORS = ("previous", "today", "floor", "far_past", "far_future")


def draw_day(anchor: str, offset: int, previous: datetime.date) -> datetime.date:
    base = {"previous": previous, "today": TODAY, "floor": TODAY.replace(year=TODAY.year - 20),
            "far_past": datetime.date(1900, 1, 1), "far_future": datetime.date(9999, 12, 25)}[anchor]
    return base + datetime.timedelta(days=offset)


def case_setup(town, name):
    """(case id, the date the transition's date follows, the user firing it, the other fields)."""
    if name == "file":
        case = town.report(violation_date=days_ago(60).isoformat())
        registered_on(case["id"], days_ago(30))
        return case["id"], days_ago(30), town.u["chief"], {"officers": [u.pk for u in town.pair]}
    if name == "mediation_succeeded":
        case = town.mediating(filed_on=days_ago(20))
        return case["id"], days_ago(20), town.u["o1"], {"agreement": "双方自愿达成调解协议", "violation_corrected": True}
    if name == "notify":
        case = town.investigating(filed_on=days_ago(20))
        ok(add_inquiry(town.api("o1"), case["id"], town.pair, held_at=INSTANT - datetime.timedelta(days=9)), 201)
        return case["id"], days_ago(9), town.u["o1"], {"facts": "事实", "legal_basis": "依据", "proposed_fine": "500"}
    if name == "request_hearing":
        notified_on = working_days_ago(2)  # the 5-working-day hearing window (Art 64) runs past today
        case = town.notified("20000", violation_type=WFJS, notified_on=notified_on)
        return case["id"], notified_on, town.u["o1"], {}
    if name == "decide":
        case = town.deciding(notified_on=days_ago(20))
        return case["id"], days_ago(20), town.u["principal"], {"outcome": "penalty", "fine": "500"}
    if name == "serve":
        case = town.deciding(notified_on=days_ago(20))
        ok(fire(town.api("principal"), case["id"], "decide", outcome="penalty", fine="500", decided_on=days_ago(10)))
        return case["id"], days_ago(10), town.u["o1"], {"method": "直接送达"}
    if name == "record_execution":
        case = town.deciding(notified_on=days_ago(20))
        ok(fire(town.api("principal"), case["id"], "decide", outcome="penalty", fine="500", decided_on=days_ago(10)))
        ok(fire(town.api("o1"), case["id"], "serve", method="直接送达", served_on=days_ago(8)))
        return case["id"], days_ago(8), town.u["o1"], {"detail": "罚款已缴纳"}
    raise AssertionError(name)


DATE_FIELD = {"file": "filed_on", "mediation_succeeded": "concluded_on", "notify": "notified_on",
              "request_hearing": "requested_on", "decide": "decided_on", "serve": "served_on",
              "record_execution": "executed_on"}

PROPERTY_SETTINGS = hypothesis_settings(
    max_examples=20, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def within_rule(day, previous) -> bool:
    return previous <= day <= TODAY and day >= TODAY.replace(year=TODAY.year - 20)


def expect_date_refusal(refusal, field):
    assert refusal is not None, "accepted a date outside the rule"
    assert refusal.status == 400 and (refusal.rule or "").startswith("date"), (refusal.status, refusal.detail)
    assert field in refusal.fields, refusal.fields


@pytest.mark.parametrize("name", list(DATE_FIELD))
def test_every_dated_case_transition_accepts_exactly_the_dates_within_the_rule(clock, town, name):
    case_id, previous, user, fields = case_setup(town, name)
    field = DATE_FIELD[name]
    seen = set()

    @PROPERTY_SETTINGS
    @given(anchor=st.sampled_from(ANCHORS), offset=st.integers(min_value=-2, max_value=2))
    def fire_on(anchor, offset):
        day = draw_day(anchor, offset, previous)
        with transaction.atomic():  # each example is rolled back: the next one starts from the same case
            before = snapshot(case_id)
            refusal = None
            try:
                fire_transition("case", case_id, name, user, {**fields, field: day.isoformat()})
            except Refusal as refused:
                refusal = refused
            if within_rule(day, previous):
                assert refusal is None, (day, refusal.detail)
                assert Case.objects.get(pk=case_id).state != before["fields"]["state"]
                seen.add(True)
            else:
                expect_date_refusal(refusal, field)
                assert snapshot(case_id) == before  # state, number counters, deadlines, audit unchanged
                seen.add(False)
            transaction.set_rollback(True)

    fire_on()
    assert seen == {True, False}  # both sides of the rule were tried


def test_reporting_accepts_exactly_the_violation_dates_within_the_rule(clock, town):
    officer = town.u["o1"]
    floor = TODAY.replace(year=TODAY.year - 20)

    @PROPERTY_SETTINGS
    @given(anchor=st.sampled_from(ANCHORS), offset=st.integers(min_value=-2, max_value=2))
    def report_on(anchor, offset):
        day = draw_day(anchor, offset, floor)
        with transaction.atomic():
            counts = (Case.objects.count(), Party.objects.count(), AuditEntry.objects.count(),
                      Deadline.objects.count())
            refusal = None
            try:
                case_services.create_case(user=officer, source="patrol", description="巡查发现占道经营。",
                                          village=town.village, violation_type=town.zdjy, violation_date=day,
                                          party={"name": "王某某", "kind": "person"})
            except Refusal as refused:
                refusal = refused
            if within_rule(day, floor):
                assert refusal is None, (day, refusal.detail)
            else:
                expect_date_refusal(refusal, "violation_date")
                assert (Case.objects.count(), Party.objects.count(), AuditEntry.objects.count(),
                        Deadline.objects.count()) == counts
            transaction.set_rollback(True)

    report_on()


def test_publishing_accepts_exactly_the_dates_within_the_rule(clock):
    signed_on = TODAY - datetime.timedelta(days=10)
    decision = signed_decision(clock_at=INSTANT - datetime.timedelta(days=10))
    secretary = make_user("office_secretary")

    @PROPERTY_SETTINGS
    @given(anchor=st.sampled_from(ANCHORS), offset=st.integers(min_value=-2, max_value=2))
    def publish_on(anchor, offset):
        day = draw_day(anchor, offset, signed_on)
        with transaction.atomic():
            before = decision_snapshot(decision.pk)
            refusal = None
            try:
                fire_transition("decision", decision.pk, "publish", secretary,
                                {"channel": "石桥镇人民政府网站", "published_on": day.isoformat()})
            except Refusal as refused:
                refusal = refused
            if within_rule(day, signed_on):
                assert refusal is None, (day, refusal.detail)
                assert Decision.objects.get(pk=decision.pk).published_on == day
            else:
                expect_date_refusal(refusal, "published_on")
                assert decision_snapshot(decision.pk) == before
            transaction.set_rollback(True)

    publish_on()
