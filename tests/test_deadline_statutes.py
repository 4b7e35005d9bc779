"""Issue 12, the deadline rules a legal reader checks: each test tries to break one rule at its boundary.

- 民法典 Art 203 (民事诉讼法 Art 85 by analogy): a party's calendar-day period whose last day is a rest day ends on
  the next working day (case.payment, Art 67's 15 days; mediation.confirmation, 调解法 Art 33's 30 days); the
  agency's own calendar-day deadline (case.decision, Art 60) does not move; working-day periods are unaffected.
- 行政处罚法 Art 72: the 3% daily surcharge runs from the day after the (rolled-over) due date, capped at the fine.
- A statutory rule's length and unit cannot be changed (409 naming the article); a local rule's can.
- Art 60's extension: a sector rule's (规章), bounded (30 days, once, configurable), approved by the principal,
  never by the one who asked.
- Units: months (民法典 Art 202) and a fixed yearly date.
- Migration 0007: the rules' new fields come from the JSON, open deadlines are recomputed; twice changes nothing.
"""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils import timezone

from notifications import calendar
from notifications.deadlines import compute_due, end_of_day
from notifications.models import Deadline, DeadlineAdjustment, DeadlineRule, Reminder
from workflows.models import AuditEntry

from .case_fixtures import (  # noqa: F401 - town_fixture is the `town` fixture
    assert_refused,
    get_case,
    ok,
    town_fixture,
)
from .conftest import make_user

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

D = datetime.date
DEADLINES = "/api/v1/deadlines/"
ADJUSTMENTS = "/api/v1/deadline-adjustments/"
REASON = "案情复杂，需委托第三方进行工程质量鉴定，无法在九十日内作出决定。"


def rule(kind) -> DeadlineRule:
    return DeadlineRule.objects.get(kind=kind)


def deadline_of(case_id, kind) -> Deadline:
    return Deadline.objects.filter(object_type="cases.case", object_id=case_id, kind=kind).latest("id")


# --------------------------------------------------------------------------------------------------
# 1. 民法典 Art 203: the last day on a rest day moves to the next working day (party periods only)
# --------------------------------------------------------------------------------------------------


def test_payment_due_on_national_day_rolls_to_the_first_working_day_after_the_holiday(town, clock):
    """Finding: served 2026-09-16, 15 days (Art 67, the start day excluded, Art 201) end on 10-01, National Day.
    The 2026 notice as chinesecalendar 1.11 carries it makes 10-01…10-07 rest days and Thursday 10-08 a working
    day, so the payment is due on 10-08 (not 10-09 as the issue assumed)."""
    assert not calendar.is_workday(D(2026, 10, 7)) and calendar.is_workday(D(2026, 10, 8))
    clock.move_to(D(2026, 9, 16))
    case = town.served("penalty", fine="500")
    payment = deadline_of(case["id"], "case.payment")
    assert (payment.anchor_date, payment.due_date, payment.provisional) == (D(2026, 9, 16), D(2026, 10, 8), False)
    shown = next(d for d in get_case(town.api("o1"), case["id"])["deadlines"] if d["kind"] == "case.payment")
    assert shown["due_at"].startswith("2026-10-08")


def test_a_payment_due_on_a_working_day_does_not_move(db):
    # The day before the boundary: served 09-15, 15 days end on Wednesday 09-30, a working day.
    assert compute_due(rule("case.payment"), D(2026, 9, 15)).date == D(2026, 9, 30)
    # Served 09-30: 15 days end on Thursday 10-15, a working day (holidays inside the period are not skipped).
    assert compute_due(rule("case.payment"), D(2026, 9, 30)).date == D(2026, 10, 15)
    # Served 10-02: 10-17 is a Saturday, so the last day is Monday 10-19.
    assert compute_due(rule("case.payment"), D(2026, 10, 2)).date == D(2026, 10, 19)


def test_the_mediation_confirmation_window_rolls_over_a_weekend(db):
    # 人民调解法 Art 33: 30 days from 2026-06-03 end on Friday 07-03; from 06-04, on Saturday 07-04 → Monday 07-06.
    assert compute_due(rule("mediation.confirmation"), D(2026, 6, 3)).date == D(2026, 7, 3)
    assert compute_due(rule("mediation.confirmation"), D(2026, 6, 4)).date == D(2026, 7, 6)


def test_the_agencys_own_ninety_days_do_not_roll_over(db):
    # Art 60: the agency's own deadline; filed 2026-07-03, the 90th day is 10-01 and stays 10-01 (reminded early).
    decision = rule("case.decision")
    assert not decision.rolls_over_rest_day
    assert compute_due(decision, D(2026, 7, 3)).date == D(2026, 10, 1)


def test_working_day_periods_are_unaffected(db):
    # Art 85: 5 working days from Wednesday 2026-09-30 are 10-08, 10-09, 10-10 (make-up), 10-12, 10-13; the
    # period counts working days already and nothing moves.
    assert compute_due(rule("case.hearing_request"), D(2026, 9, 30)).date == D(2026, 10, 13)


def test_a_year_without_calendar_data_rolls_over_provisionally(db):
    # 2027 is unknown to chinesecalendar 1.11: 15 days from 2027-09-16 end on 10-01 (National Day by the rules),
    # moved past the statutory holidays python-holidays knows, flagged provisional; no crash.
    result = compute_due(rule("case.payment"), D(2027, 9, 16))
    assert result.provisional is True
    assert result.date > D(2027, 10, 1) and calendar.is_workday(result.date)


def test_the_rollover_is_data_on_the_rule_not_a_list_of_kinds(db):
    flags = dict(DeadlineRule.objects.values_list("kind", "rolls_over_rest_day"))
    # The party's own periods (民法典 Art 203): the fine, the confirmation window, the petitioner's review window.
    assert {kind for kind, rolls in flags.items() if rolls} == {"case.payment", "mediation.confirmation",
                                                               "petition.review_request"}
    # A local rule switched on by the admin rolls over too.
    DeadlineRule.objects.filter(kind="case.decision").update(rolls_over_rest_day=True)
    assert compute_due(rule("case.decision"), D(2026, 7, 3)).date == D(2026, 10, 8)


# --------------------------------------------------------------------------------------------------
# 2. Art 72: the surcharge runs from the day after the (rolled-over) due date, capped at the fine
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("day,expected", [
    (D(2026, 10, 2), None),  # finding: 15.00 on the old code
    (D(2026, 10, 7), None),  # the last holiday
    (D(2026, 10, 8), None),  # the due date itself: nothing owed (finding: 105.00 on the old code)
    (D(2026, 10, 9), "15.00"),  # the day after: 500 × 3% × 1
    (D(2026, 11, 10), "495.00"),  # 33 days, just below the fine
    (D(2026, 11, 11), "500.00"),  # 34 days: 510 capped at the fine
])
def test_the_surcharge_runs_from_the_day_after_the_rolled_over_due_date(town, clock, day, expected):
    clock.move_to(D(2026, 9, 16))
    case = town.served("penalty", fine="500")
    clock.move_to(day)
    assert get_case(town.api("o1"), case["id"])["late_payment_surcharge"] == expected


def test_the_case_page_shows_no_surcharge_during_the_holiday_and_one_day_after(town, clock):
    clock.move_to(D(2026, 9, 16))
    case = town.served("penalty", fine="500")
    client = Client()
    clock.move_to(D(2026, 10, 8))
    client.force_login(town.u["o1"])  # a session opened today
    response = client.get(f"/cases/cases/{case['id']}/")
    assert response.status_code == 200
    assert 'data-warning="surcharge"' not in response.content.decode()
    clock.move_to(D(2026, 10, 9))
    client.force_login(town.u["o1"])
    html = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert 'data-warning="surcharge"' in html and "15.00" in html


def test_the_surcharge_follows_the_payment_deadline_when_it_moves(town, clock):
    from cases import selectors
    from cases.models import Case

    clock.move_to(D(2026, 9, 16))
    case = town.served("penalty", fine="500")
    payment = deadline_of(case["id"], "case.payment")
    payment.due_date = D(2026, 10, 20)  # e.g. an approved deferral moved it
    payment.save(update_fields=["due_date"])
    served = Case.objects.get(pk=case["id"])
    assert selectors.late_payment_surcharge(served, today=D(2026, 10, 20)) is None
    assert selectors.late_payment_surcharge(served, today=D(2026, 10, 21)) == Decimal("15.00")
    # Art 73 ¶3 hook (the remedy records come with issue 13): days of a pending reconsideration do not count.
    assert selectors.late_payment_surcharge(served, today=D(2026, 10, 22), paused_days=1) == Decimal("15.00")


def test_a_suspended_payment_deadline_still_bears_the_surcharge_and_no_extension_wipes_it(town, clock, api):
    """Issue 12 D4: the surcharge is read from the payment deadline whether open or suspended (a suspended one
    used to show none), and an extension asked afterwards is refused (409 Art 67), so the accrued 3% stays."""
    from cases import selectors
    from cases.models import Case

    clock.move_to(D(2026, 9, 16))
    case = town.served("penalty", fine="500")
    payment = deadline_of(case["id"], "case.payment")
    late = payment.due_date + datetime.timedelta(days=2)
    served = Case.objects.get(pk=case["id"])
    assert selectors.late_payment_surcharge(served, today=late) == Decimal("30.00")
    Deadline.objects.filter(pk=payment.pk).update(status=Deadline.Status.SUSPENDED, suspended_on=payment.due_date)
    assert selectors.late_payment_surcharge(served, today=late) == Decimal("30.00")
    Deadline.objects.filter(pk=payment.pk).update(status=Deadline.Status.OPEN, suspended_on=None)
    clock.move_to(late)
    assert_refused(ask(town.api("chief"), payment, 365), 409, rule="行政处罚法第67条")
    assert selectors.late_payment_surcharge(served, today=late) == Decimal("30.00")


# --------------------------------------------------------------------------------------------------
# 3. Statutory vs local rules
# --------------------------------------------------------------------------------------------------

STATUTORY = {"case.decision", "case.hearing_request", "case.payment", "case.service", "mediation.confirmation",
             "case.spot_handover", "case.demand_period", "case.court_application",  # 处罚法 Art 71, 85; 行政强制法 Art 53, 54, 69
             "petition.acceptance", "petition.handling", "petition.review_request",  # 信访工作条例 Art 23, 34, 35-36
             "case.publicity_withdrawal"}  # 处罚法 Art 48 ¶2, 85: 3 working days


def test_each_rule_says_whether_a_statute_fixes_it_and_which_source(api):
    rules = {r["kind"]: r for r in api["drafter"].get("/api/v1/deadline-rules/").json()["results"]}
    assert {kind for kind, r in rules.items() if r["statutory"]} == STATUTORY
    for kind, r in rules.items():
        assert r["configurable"] is (not r["statutory"])
        assert ("本地做法" in r["local_rule"]) is (not r["statutory"]), kind
    assert "第64条" in rules["case.hearing_request"]["local_rule"]
    assert "118号" in rules["case.publicity"]["local_rule"] and not rules["case.publicity"]["statutory"]
    assert not rules["officer.certificate"]["statutory"]  # a reminder lead, not a length a statute fixes


def test_a_statutory_rule_cannot_be_patched_to_three_calendar_days(api):
    """Finding: an admin could PATCH case.hearing_request to 3 calendar days while its basis said 5 working days."""
    before = list(DeadlineRule.objects.filter(kind="case.hearing_request").values())
    audit = AuditEntry.objects.count()
    for body in ({"length": 3, "unit": "calendar_days"}, {"length": 3}, {"unit": "calendar_days"}):
        response = api["admin"].patch("/api/v1/deadline-rules/case.hearing_request/", body, format="json")
        data = assert_refused(response, 409, rule="行政处罚法第64条")
        assert "由法律规定" in data["detail"] and "fixed by statute" in data["detail"]
    assert list(DeadlineRule.objects.filter(kind="case.hearing_request").values()) == before
    assert AuditEntry.objects.count() == audit
    # Its reminders and escalation are local practice: they may change; so may an unchanged length be sent.
    response = api["admin"].patch("/api/v1/deadline-rules/case.hearing_request/",
                                  {"length": 5, "unit": "working_days", "remind_before": [2]}, format="json")
    assert response.status_code == 200 and response.json()["remind_before"] == [2]


@pytest.mark.parametrize("kind,body", [
    ("case.hearing_request", {"escalate_to": "brigade_chief"}),  # D6: a party window made suspendable
    ("case.decision", {"escalate_to": "enforcement_officer"}),  # D6: any officer would suspend Art 60's period
    ("case.decision", {"max_extensions": None}),  # D16: the ceiling cleared to "unlimited"
    ("case.decision", {"max_extension_days": 365}),
    ("case.payment", {"rolls_over_rest_day": False}),
    ("case.payment", {"statutory": False}),
])
def test_a_statutory_rules_source_fields_are_not_patched(api, kind, body):
    """Issue 12 D6/D16: 409 naming the field and the article, nothing written (it used to answer 200 and either
    change escalate_to or silently ignore the read-only field)."""
    before = list(DeadlineRule.objects.filter(kind=kind).values())
    audit = AuditEntry.objects.count()
    response = api["admin"].patch(f"/api/v1/deadline-rules/{kind}/", body, format="json")
    data = assert_refused(response, 409, rule=rule(kind).local_rule)
    assert next(iter(body)) in data["detail"] and "cannot be changed here" in data["detail"]
    assert list(DeadlineRule.objects.filter(kind=kind).values()) == before
    assert AuditEntry.objects.count() == audit
    # The same value sent back is no change.
    same = {k: getattr(rule(kind), k) for k in body}
    assert api["admin"].patch(f"/api/v1/deadline-rules/{kind}/", same, format="json").status_code == 200


def test_a_local_rules_read_only_field_is_refused_not_ignored(api):
    """Issue 12 D16: a local rule's basis is data, not editable: 400 naming the field instead of a silent 200."""
    response = api["admin"].patch("/api/v1/deadline-rules/case.statement_window/", {"basis": "x"}, format="json")
    assert_refused(response, 400, field="basis")
    assert rule("case.statement_window").basis != "x"


def test_a_local_rule_may_change_its_length(api):
    response = api["admin"].patch("/api/v1/deadline-rules/case.statement_window/", {"length": 5}, format="json")
    assert response.status_code == 200 and response.json()["length"] == 5


def test_the_admin_site_makes_a_statutory_rules_length_read_only():
    from django.contrib import admin

    from notifications.admin import DeadlineRuleAdmin

    model_admin = DeadlineRuleAdmin(DeadlineRule, admin.site)
    assert {"length", "unit"} <= set(model_admin.get_readonly_fields(None, rule("case.payment")))
    assert "length" not in model_admin.get_readonly_fields(None, rule("case.statement_window"))
    # Issue 12 D7: who approves, the ceiling and the escalation of Art 60's period are read-only too.
    assert {"extension_approver", "max_extensions", "max_extension_days", "escalate_to", "extension_rule",
            "rolls_over_rest_day", "statutory"} <= set(model_admin.get_readonly_fields(None, rule("case.decision")))
    assert "escalate_to" not in model_admin.get_readonly_fields(None, rule("case.filing"))


# --------------------------------------------------------------------------------------------------
# 4. Art 60 extension: a sector rule's, bounded, approved by the principal, never self-approved
# --------------------------------------------------------------------------------------------------


def ask(client, deadline, days, reason=REASON):
    return client.post(f"{DEADLINES}{deadline.pk}/adjustments/", {"action": "extend", "reason": reason,
                                                                  "days": days}, format="json")


def approve(client, adjustment_id):
    return client.post(f"{ADJUSTMENTS}{adjustment_id}/approve/", {"note": "同意"}, format="json")


@pytest.fixture
def ninety(town):
    case = town.deciding("500")
    return deadline_of(case["id"], "case.decision")


def test_the_chief_cannot_grant_himself_365_days_twice(town, ninety):
    """Finding: the brigade chief requested 365 days and approved it himself, twice (due in 2028)."""
    due = ninety.due_date
    data = assert_refused(ask(town.api("chief"), ninety, 365), 409, rule="extension")
    assert "30" in data["detail"] and "规定" in data["detail"]
    asked = ok(ask(town.api("chief"), ninety, 30), 201)
    assert asked["status"] == "requested"  # not approved by the one who asked
    assert_refused(approve(town.api("chief"), asked["id"]), 403, rule="roles")
    ninety.refresh_from_db()
    assert (ninety.due_date, ninety.extended_days) == (due, 0)


def test_the_ceiling_thirty_days_accepted_thirty_one_refused(town, ninety):
    assert_refused(ask(town.api("o1"), ninety, 31), 409, rule="extension")
    assert not DeadlineAdjustment.objects.exists()
    asked = ok(ask(town.api("o1"), ninety, 30), 201)
    assert ok(approve(town.api("principal"), asked["id"]))["status"] == "approved"
    ninety.refresh_from_db()
    assert ninety.extended_days == 30
    entry = AuditEntry.objects.filter(transition="approve_deadline_extend").get()
    assert entry.fields["reason"] == REASON


def test_a_second_extension_is_refused(town, ninety):
    ok(approve(town.api("principal"), ok(ask(town.api("o1"), ninety, 10), 201)["id"]))
    due = Deadline.objects.get(pk=ninety.pk).due_date
    data = assert_refused(ask(town.api("o1"), ninety, 5), 409, rule="extension")
    assert "1" in data["detail"]
    assert Deadline.objects.get(pk=ninety.pk).due_date == due


def test_the_principal_who_asks_does_not_approve_his_own_request(town, ninety):
    """Finding: the principal was refused. He may ask; another principal (a deputy head) approves."""
    asked = ok(ask(town.api("principal"), ninety, 20), 201)
    assert asked["status"] == "requested"
    data = assert_refused(approve(town.api("principal"), asked["id"]), 403, rule="no_self_approval")
    assert "another" in data["detail"] or "other" in data["detail"]
    deputy = make_user("principal", username="deputy-head")
    from .conftest import client_for

    assert ok(approve(client_for(deputy), asked["id"]))["status"] == "approved"
    ninety.refresh_from_db()
    assert ninety.extended_days == 20


def test_no_self_approval_applies_to_every_extension(town, clock):
    # case.filing (a local rule): the principal (its escalation role) asks; he may not approve his own extension.
    # (Updated for issue 12 D3: this used case.service, which a statute fixes and no source lets anyone extend.)
    case = town.report()
    filing = deadline_of(case["id"], "case.filing")
    asked = ok(ask(town.api("principal"), filing, 3), 201)
    assert asked["status"] == "requested"
    assert_refused(approve(town.api("principal"), asked["id"]), 403, rule="no_self_approval")


def _ask_action(client, deadline, action, days=None):
    data = {"action": action, "reason": REASON, **({"days": days} if days is not None else {})}
    return client.post(f"{DEADLINES}{deadline.pk}/adjustments/", data, format="json")


@pytest.mark.parametrize("kind,article", [("case.service", "第61条"), ("case.payment", "第67条"),
                                          ("case.hearing_request", "第64条")])
def test_a_statutory_period_without_a_source_is_neither_suspended_nor_extended(town, clock, kind, article):
    """Issue 12 D3/D6: Art 61's 7 working days, Art 67's 15 days, Art 64's 5 working days: no one suspends or
    extends them (deferral of a fine is an Art 66 ¶2 payment plan, issue 13) — not even after an admin set the
    rule's escalation role to the brigade chief: 409 naming the article, nothing written."""
    DeadlineRule.objects.filter(kind=kind).update(escalate_to="brigade_chief")  # D6: what a PATCH used to allow
    case = town.served("penalty", fine="500") if kind == "case.payment" else (
        town.decided("penalty") if kind == "case.service" else town.notified("15000", violation_type="WFJS"))
    deadline = deadline_of(case["id"], kind)
    before = (deadline.due_date, deadline.status, AuditEntry.objects.count())
    for name in ("chief", "principal", "o1"):
        for action, days in (("extend", 1), ("suspend", None)):
            data = assert_refused(_ask_action(town.api(name), deadline, action, days), 409)
            assert article in data["detail"] and article in data["rule"]
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.status, AuditEntry.objects.count()) == before
    assert not DeadlineAdjustment.objects.filter(deadline=deadline).exists()


def test_the_extension_ceiling_is_configurable_and_labelled_a_sector_rule(db):
    decision = rule("case.decision")
    assert (decision.max_extension_days, decision.max_extensions, decision.extension_approver) == (30, 1, "principal")
    assert "规章" in decision.extension_rule and "市场监督管理行政处罚程序规定第64条" in decision.extension_rule


# --------------------------------------------------------------------------------------------------
# 5. Units: months (民法典 Art 202) and a fixed yearly date
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("anchor,months,due", [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),  # no 31st in February: its last day
    (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year
    (D(2026, 1, 15), 1, D(2026, 2, 15)),  # the corresponding day
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2026, 3, 31), 12, D(2027, 3, 31)),
])
def test_a_period_in_months_ends_on_the_corresponding_day(db, anchor, months, due):
    months_rule = DeadlineRule(kind="x.months", length=months, unit=DeadlineRule.Unit.MONTHS)
    assert compute_due(months_rule, anchor).date == due


@pytest.mark.parametrize("anchor,due", [
    (D(2026, 2, 28), D(2026, 3, 1)), (D(2026, 3, 1), D(2027, 3, 1)), (D(2026, 12, 31), D(2027, 3, 1)),
])
def test_a_fixed_yearly_date_is_the_next_one_after_the_anchor(db, anchor, due):
    yearly = DeadlineRule(kind="x.yearly", length=1, unit=DeadlineRule.Unit.FIXED_DATE, fixed_date="03-01")
    assert compute_due(yearly, anchor).date == due


def test_a_fixed_date_unit_needs_a_month_and_day(api):
    response = api["admin"].patch("/api/v1/deadline-rules/case.filing/", {"unit": "fixed_date"}, format="json")
    assert_refused(response, 400, field="fixed_date")
    response = api["admin"].patch("/api/v1/deadline-rules/case.filing/", {"unit": "fixed_date",
                                                                         "fixed_date": "03-01"}, format="json")
    assert response.status_code == 200 and response.json()["fixed_date"] == "03-01"


# --------------------------------------------------------------------------------------------------
# 6. decision.review is the review's own local target, not 条例 Art 26's minimum
# --------------------------------------------------------------------------------------------------


def test_the_review_target_is_a_local_default_of_fifteen_working_days(db):
    review = rule("decision.review")
    assert (review.length, review.unit, review.statutory) == (15, "working_days", False)
    assert "本地做法" in review.basis and "不少于7个工作日" in review.basis


# --------------------------------------------------------------------------------------------------
# 7. Migration 0007: new fields from the JSON, open deadlines recomputed, idempotent
# --------------------------------------------------------------------------------------------------


def upgrade():
    module = importlib.import_module("notifications.migrations.0007_rule_sources_and_recompute")
    return module.upgrade(django_apps)


def test_the_migration_restores_a_statutory_length_keeps_a_local_one_and_recomputes(town, clock):
    clock.move_to(D(2026, 9, 16))
    case = town.served("penalty", fine="500")
    payment = deadline_of(case["id"], "case.payment")
    # The rows as they were before issue 12: no roll-over, no source, the old review default, an admin's changes.
    DeadlineRule.objects.update(statutory=False, local_rule="", rolls_over_rest_day=False, max_extension_days=None,
                                max_extensions=None, extension_rule="", extension_approver="")
    DeadlineRule.objects.filter(kind="decision.review").update(length=7)
    DeadlineRule.objects.filter(kind="case.hearing_request").update(length=3, unit="calendar_days")
    DeadlineRule.objects.filter(kind="case.statement_window").update(length=5)
    DeadlineRule.objects.filter(kind="case.filing").update(remind_before=[5])
    Deadline.objects.filter(pk=payment.pk).update(due_date=D(2026, 10, 1))
    Reminder.objects.filter(deadline=payment).delete()

    assert upgrade() == [payment.pk]
    payment.refresh_from_db()
    assert payment.due_date == D(2026, 10, 8)
    assert set(Reminder.objects.filter(deadline=payment, status="planned").values_list("due_date", flat=True)) == {
        D(2026, 10, 8)}
    assert (rule("decision.review").length, rule("decision.review").statutory) == (15, False)
    assert (rule("case.hearing_request").length, rule("case.hearing_request").unit) == (5, "working_days")
    assert rule("case.statement_window").length == 5  # an admin's choice on a local rule stays
    assert rule("case.filing").remind_before == [5]
    assert rule("case.payment").rolls_over_rest_day and rule("case.payment").statutory
    assert rule("case.decision").max_extension_days == 30

    # Twice: nothing moves, nothing is planned again.
    rows = list(DeadlineRule.objects.order_by("kind").values())
    reminders = list(Reminder.objects.order_by("id").values())
    assert upgrade() == []
    assert list(DeadlineRule.objects.order_by("kind").values()) == rows
    assert list(Reminder.objects.order_by("id").values()) == reminders


def test_the_migration_keeps_the_days_an_extension_granted(db, clock):
    clock.move_to(D(2026, 9, 16))
    deadline = Deadline.objects.create(object_type="cases.case", object_id=999, rule=rule("case.payment"),
                                       kind="case.payment", anchor_date=D(2026, 9, 10), due_date=D(2026, 10, 1),
                                       due_at=end_of_day(D(2026, 10, 1)), basis="", extended_days=6)
    # 09-10 + 15 = 09-25, + 6 granted = 10-01 (National Day) → 10-08; the roll-over applies once, at the end.
    upgrade()
    deadline.refresh_from_db()
    assert deadline.due_date == D(2026, 10, 8)


def test_a_period_in_months_is_reminded_in_calendar_days_ahead(town, clock):
    # A town that counts its service period in months (local practice; the rule is local, so allowed).
    clock.move_to(D(2026, 1, 30))
    DeadlineRule.objects.filter(kind="case.filing").update(length=1, unit="months", remind_before=[3])
    case = town.report()
    filing = deadline_of(case["id"], "case.filing")
    assert filing.due_date == D(2026, 2, 28)  # 民法典 Art 202: February has no 30th
    before = Reminder.objects.get(deadline=filing, stage="before", offset=3)
    assert timezone.localtime(before.send_at).date() == D(2026, 2, 25)


def test_the_deadline_page_says_in_chinese_where_the_length_comes_from_and_that_it_rolls_over(town, clock):
    clock.move_to(D(2026, 9, 16))
    case = town.served("penalty", fine="500")
    client = Client()
    client.force_login(town.u["o1"])
    html = client.get(f"/inbox/deadlines/{deadline_of(case['id'], 'case.payment').pk}/").content.decode()
    assert "行政处罚法第67条" in html and "以其后的第一个工作日为期限的最后一日" in html
    assert "2026-10-08" in html
    html = client.get(f"/inbox/deadlines/{deadline_of(case['id'], 'case.publicity').pk}/").content.decode()
    assert "本地做法" in html and "以其后的第一个工作日" not in html


def test_the_ninety_days_page_shows_the_extension_ceiling(town):
    case = town.deciding("500")
    client = Client()
    client.force_login(town.u["chief"])
    html = client.get(f"/inbox/deadlines/{deadline_of(case['id'], 'case.decision').pk}/").content.decode()
    assert "每次延期不超过30日，共可延期1次" in html and "规章" in html


def test_a_calendar_override_moves_a_rolled_over_payment_term(town, clock, api):
    clock.move_to(D(2026, 9, 16))
    case = town.served("penalty", fine="500")
    payment = deadline_of(case["id"], "case.payment")
    assert payment.due_date == D(2026, 10, 8)
    # Say the notice were amended and 10-08 became a rest day: the term runs to Friday 10-09.
    response = api["admin"].put("/api/v1/calendar/days/2026-10-08/", {"kind": "holiday", "note": "调整"},
                                format="json")
    assert response.status_code in (200, 201), response.content
    payment.refresh_from_db()
    assert payment.due_date == D(2026, 10, 9)
    api["admin"].delete("/api/v1/calendar/days/2026-10-08/")
    payment.refresh_from_db()
    assert payment.due_date == D(2026, 10, 8)
