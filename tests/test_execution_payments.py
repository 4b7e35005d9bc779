"""Execution (issue 13, DESIGN §9, CONTRACT §7 "Execution"): payments recorded from the bank's receipts
(罚缴分离, 行政处罚法 Art 67 ¶1), the balance and the Art 72 surcharge, and deferral or instalments approved by the
principal (Art 66 ¶2), end to end through the API on the controlled clock."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from notifications.models import Deadline, Reminder

from .case_fixtures import (  # noqa: F401 - town_fixture is the `town` fixture
    INBOX,
    assert_refused,
    case_url,
    deadline,
    due,
    fire,
    get_case,
    history_names,
    ok,
    town_fixture,
)

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

D = datetime.date
DAY = datetime.timedelta(days=1)
SERVED_ON = D(2026, 6, 10)  # a Wednesday; the Art 67 term ends on a working day


def pay(town, case_id, amount, receipt, paid_on=None, who="o1", **extra):
    body = {"amount": str(amount), "receipt_number": receipt, "bank": "农业银行石桥支行",
            "paid_on": (paid_on or timezone.localdate()).isoformat(), **extra}
    return town.api(who).post(case_url(case_id, "payments/"), body, format="json")


def status_of(town, case_id, who="o1") -> dict:
    return get_case(town.api(who), case_id)["payment_status"]


def served(town, clock, fine="500"):
    clock.move_to(SERVED_ON)
    case = town.served("penalty", fine=fine)
    return case, due(case, "case.payment")


def case_deadlines(case_id, kind):
    return list(Deadline.objects.filter(object_type="cases.case", object_id=case_id, kind=kind).order_by("due_date"))


def test_partial_payment_balance_second_payment_then_execution(town, clock):
    case, payment_due = served(town, clock)
    assert status_of(town, case["id"]) == {
        "fine": "500.00", "paid": "0.00", "balance": "500.00", "surcharge": "0.00", "surcharge_paid": "0.00",
        "total_owed": "500.00", "next_due_on": payment_due.isoformat(), "overdue_days": 0, "plan": None,
        "schedule": [{"due_on": payment_due.isoformat(), "amount": "500.00", "paid": "0.00", "cleared_on": None,
                      "surcharge": "0.00"}]}
    clock.move_to(SERVED_ON + 2 * DAY)
    rows = ok(pay(town, case["id"], "200", "NB-0001"), 201)
    assert [(r["amount"], r["receipt_number"], r["recorded_by"]) for r in rows] == [("200.00", "NB-0001",
                                                                                     "officer-o1")]
    status = status_of(town, case["id"])
    assert (status["paid"], status["balance"], status["total_owed"]) == ("200.00", "300.00", "300.00")
    assert status["next_due_on"] == payment_due.isoformat()
    assert deadline(get_case(town.api("o1"), case["id"]), "case.payment")["status"] == "open"
    # Payments exist and 300 is unpaid: no execution yet (409).
    assert_refused(fire(town.api("o1"), case["id"], "record_execution", detail="已缴纳"), 409, rule="Art 67",
                   english="300.00 yuan of the fine is still unpaid")
    # The case page shows the card.
    client = Client()
    client.force_login(town.u["o1"])
    html = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert 'data-card="payment"' in html and 'data-field="balance">300.00' in html
    ok(pay(town, case["id"], "300", "NB-0002"), 201)
    body = get_case(town.api("o1"), case["id"])
    assert body["payment_status"]["balance"] == "0.00" and body["payment_status"]["next_due_on"] is None
    assert deadline(body, "case.payment")["status"] == "closed"
    assert history_names(body).count("record_payment") == 2
    assert ok(town.api("o1").get(case_url(case["id"], "payments/")))[1]["receipt_number"] == "NB-0002"
    executed = ok(fire(town.api("o1"), case["id"], "record_execution", detail="罚款已分两次缴清"))
    assert executed["state"] == "executed"


def test_record_execution_without_payments_keeps_working(town, clock):
    """The older way: the execution's text says how the fine was paid (no Payment rows)."""
    case, _due = served(town, clock)
    assert ok(fire(town.api("o1"), case["id"], "record_execution", detail="当事人已缴纳罚款"))["state"] == "executed"


@pytest.mark.parametrize("offset,surcharge,owed", [
    (0, "0.00", "500.00"),  # the due date itself: none (Art 67, 72)
    (1, "15.00", "515.00"),  # the day after: 500 × 3%
    (33, "495.00", "995.00"),
    (34, "500.00", "1000.00"),  # 510 capped at the fine (Art 72)
    (60, "500.00", "1000.00"),
])
def test_the_surcharge_boundary(town, clock, offset, surcharge, owed):
    case, payment_due = served(town, clock)
    clock.move_to(payment_due + offset * DAY)
    status = status_of(town, case["id"])
    assert (status["surcharge"], status["total_owed"], status["overdue_days"]) == (surcharge, owed, offset)


def test_paying_the_fine_stops_the_surcharge_and_too_much_is_refused(town, clock):
    case, payment_due = served(town, clock)
    clock.move_to(payment_due + DAY)
    assert_refused(pay(town, case["id"], "515.01", "NB-1"), 409, field="amount")  # owed: 500 + 15
    ok(pay(town, case["id"], "500", "NB-1"), 201)  # the fine first
    clock.move_to(payment_due + 10 * DAY)
    status = status_of(town, case["id"])
    assert (status["balance"], status["surcharge"], status["total_owed"]) == ("0.00", "15.00", "15.00")
    assert_refused(pay(town, case["id"], "15.01", "NB-2"), 409)
    ok(pay(town, case["id"], "15", "NB-2"), 201)
    status = status_of(town, case["id"])
    assert (status["surcharge_paid"], status["total_owed"]) == ("15.00", "0.00")


def test_payment_refusals(town, clock):
    case, _due = served(town, clock)
    clock.move_to(SERVED_ON + 3 * DAY)
    assert_refused(pay(town, case["id"], "0", "R-0"), 400, field="amount")
    assert_refused(pay(town, case["id"], "-5", "R-0"), 400, field="amount")
    assert_refused(pay(town, case["id"], "100", "R-1", paid_on=SERVED_ON + 4 * DAY), 400, field="paid_on")
    assert_refused(pay(town, case["id"], "100", "R-1", paid_on=SERVED_ON - DAY), 400, field="paid_on")
    ok(pay(town, case["id"], "100", "R-1", paid_on=SERVED_ON), 201)  # the day of service: accepted
    assert_refused(pay(town, case["id"], "100", "R-1"), 409, field="receipt_number")  # duplicate receipt
    assert_refused(pay(town, case["id"], "100", "R-2", who="o3"), 403)  # not an officer of the case
    assert_refused(pay(town, case["id"], "100", "R-2", who="chief"), 403)
    none = town.served("no_penalty")
    assert_refused(pay(town, none["id"], "100", "R-9"), 409)


def apply(town, case_id, rows, kind="instalments", who="o1", **extra):
    body = {"kind": kind, "reason": "当事人家庭经济困难，提交了村委会证明", "instalments": rows, **extra}
    return town.api(who).post(case_url(case_id, "payment-plans/"), body, format="json")


def decide(town, plan_id, who, verb="approve", note=""):
    return town.api(who).post(f"/api/v1/payment-plans/{plan_id}/{verb}/", {"note": note}, format="json")


def test_instalment_plan_applied_approved_by_the_principal_with_its_deadlines_and_surcharge(town, clock):
    case, payment_due = served(town, clock)
    first, second = payment_due + 20 * DAY, payment_due + 50 * DAY
    rows = [{"due_on": first.isoformat(), "amount": "250"}, {"due_on": second.isoformat(), "amount": "250"}]
    assert_refused(apply(town, case["id"], rows[:1]), 400, field="instalments")  # at least two
    assert_refused(apply(town, case["id"], [rows[0], {"due_on": second.isoformat(), "amount": "200"}]), 400,
                   field="instalments")  # adds up to 450, not the unpaid 500
    plan = ok(apply(town, case["id"], rows), 201)
    assert (plan["status"], [r["due_on"] for r in plan["instalments"]]) == ("pending", [first.isoformat(),
                                                                                        second.isoformat()])
    assert_refused(apply(town, case["id"], rows), 409)  # one pending application at a time
    inbox = ok(town.api("principal").get(INBOX, HTTP_ACCEPT_LANGUAGE="zh-hans"))["results"]
    row = next(item for item in inbox if item["kind"] == "payment_plan" and item["id"] == plan["id"])
    assert row["action"] == "分期/延期缴纳待审批"
    for who in ("o2", "chief"):
        assert_refused(decide(town, plan["id"], who), 403)
    approved = ok(decide(town, plan["id"], "principal", note="同意分两期缴纳"))
    assert (approved["status"], approved["decided_by"]) == ("approved", "principal")
    assert_refused(decide(town, plan["id"], "principal"), 409)  # decided already
    payment = case_deadlines(case["id"], "case.payment")
    assert [d.status for d in payment] == ["cancelled"]  # superseded, kept in the history
    instalments = case_deadlines(case["id"], "case.instalment")
    assert [(d.due_date, d.status) for d in instalments] == [(first, "open"), (second, "open")]
    reminders = {timezone.localdate(r.send_at) for r in Reminder.objects.filter(deadline=instalments[0],
                                                                                stage=Reminder.Stage.BEFORE)}
    assert reminders == {first - 3 * DAY, first - DAY}
    # The Art 67 date has passed, but the plan governs: no surcharge before a due date.
    clock.move_to(first)
    status = status_of(town, case["id"])
    assert (status["surcharge"], status["next_due_on"], status["plan"]["status"]) == ("0.00", first.isoformat(),
                                                                                      "approved")
    clock.move_to(first + DAY)  # the first instalment missed: 3% of 250
    assert status_of(town, case["id"])["surcharge"] == "7.50"
    ok(pay(town, case["id"], "250", "FQ-1"), 201)
    assert [d.status for d in case_deadlines(case["id"], "case.instalment")] == ["closed", "open"]
    clock.move_to(second)
    status = status_of(town, case["id"])
    assert (status["surcharge"], status["balance"], status["next_due_on"]) == ("7.50", "250.00", second.isoformat())
    clock.move_to(second + DAY)
    assert status_of(town, case["id"])["surcharge"] == "15.00"
    assert "approve_payment_plan" in history_names(get_case(town.api("o1"), case["id"]))


def test_a_deferral_rejected_needs_a_reason_and_the_payment_deadline_runs_on(town, clock):
    case, payment_due = served(town, clock)
    later = payment_due + 30 * DAY
    assert_refused(apply(town, case["id"], [{"due_on": payment_due.isoformat()}], kind="deferral"), 400)
    plan = ok(apply(town, case["id"], [], kind="deferral", due_dates=[later.isoformat()]), 201)
    assert [(r["due_on"], r["amount"]) for r in plan["instalments"]] == [(later.isoformat(), "500.00")]
    assert_refused(decide(town, plan["id"], "principal", "reject"), 400, field="note")
    assert ok(decide(town, plan["id"], "principal", "reject", note="未提供经济困难证明"))["status"] == "rejected"
    assert [d.status for d in case_deadlines(case["id"], "case.payment")] == ["open"]
    clock.move_to(payment_due + DAY)
    assert status_of(town, case["id"])["surcharge"] == "15.00"
    # After the payment period an application is refused (local reading: a plan never undoes a surcharge).
    assert_refused(apply(town, case["id"], [], kind="deferral", due_dates=[later.isoformat()]), 409)


# --------------------------------------------------------------------------------------------------
# The web UI: the forms on the case page and the principal's decision from the inbox
# --------------------------------------------------------------------------------------------------


def browser(town, who):
    client = Client()
    client.force_login(town.u[who])
    return client


def test_the_payment_form_keeps_what_was_typed_and_shows_the_refusal_beside_the_field(town, clock):
    case, payment_due = served(town, clock)
    client = browser(town, "o1")
    page = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert 'data-action="payment"' in page and "下一缴款期限" in page and "加处罚款（截至今日）" in page
    url = f"/cases/cases/{case['id']}/payments/add/"
    form = {"amount": "600", "paid_on": SERVED_ON.isoformat(), "receipt_number": "NB-77", "bank": "农业银行"}
    response = client.post(url, form)
    html = response.content.decode()
    assert response.status_code == 409
    assert "超过尚欠的500.00元" in html and 'value="NB-77"' in html and 'value="农业银行"' in html
    assert "Art 67" not in html  # the page shows the Chinese text only, no rule code
    response = client.post(url, {**form, "amount": "500"})
    assert response.status_code == 302
    page = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert 'data-field="balance">0.00' in page and "NB-77" in page and "登记缴款" in page


def test_the_plan_form_and_the_principals_decision_page(town, clock):
    case, payment_due = served(town, clock)
    first, second = payment_due + 10 * DAY, payment_due + 40 * DAY
    officer = browser(town, "o1")
    url = f"/cases/cases/{case['id']}/payment-plans/add/"
    form = {"kind": "instalments", "applied_on": SERVED_ON.isoformat(), "reason": "家庭困难",
            "instalments": f"{first.isoformat()} 200\n{second.isoformat()} 200"}
    response = officer.post(url, form)
    html = response.content.decode()
    assert response.status_code == 400 and "应等于未缴罚款500.00元" in html and "家庭困难" in html
    assert officer.post(url, {**form, "instalments": "明天 200"}).status_code == 400  # not a date: beside the field
    assert officer.post(url, {**form, "instalments": f"{first.isoformat()} 250\n{second.isoformat()} 250"}
                        ).status_code == 302
    principal = browser(town, "principal")
    row = next(item for item in ok(town.api("principal").get(INBOX))["results"] if item["kind"] == "payment_plan")
    page = principal.get(row["url"])
    assert page.status_code == 200 and "家庭困难" in page.content.decode()
    other = browser(town, "chief").get(row["url"]).content.decode()
    assert "您目前无法对此对象执行此操作" in other
    assert principal.post(row["url"], {"decision": "reject"}).status_code == 400  # a rejection needs its reason
    assert principal.post(row["url"], {"decision": "approve", "note": "同意"}).status_code == 302
    assert [d.due_date for d in case_deadlines(case["id"], "case.instalment")] == [first, second]
    text = re.sub(r"<[^>]+>", "", officer.get(f"/cases/cases/{case['id']}/").content.decode())
    assert "分期缴纳 · 已批准" in text and "下一缴款期限" in text


def test_whoever_recorded_the_application_does_not_approve_it(town, clock):
    """Art 66 ¶2: the agency's approval is a second person's; an officer who also holds the principal's role
    records the party's application but may not approve it (403); nothing changes."""
    from django.contrib.auth.models import Group

    case, payment_due = served(town, clock)
    town.u["o1"].groups.add(Group.objects.get(name="principal"))
    plan = ok(apply(town, case["id"], [], kind="deferral", due_dates=[(payment_due + 30 * DAY).isoformat()]), 201)
    assert_refused(decide(town, plan["id"], "o1"), 403)
    assert ok(town.api("o1").get(case_url(case["id"], "payment-plans/")))[0]["status"] == "pending"
    assert [d.status for d in case_deadlines(case["id"], "case.payment")] == ["open"]


# --------------------------------------------------------------------------------------------------
# A plan and the decision it divides (issue 13 fixes): a fine changed on reconsideration cuts the plan down from
# its last due dates; a revoked decision's plans lapse (local readings, cases.payment_plans)
# --------------------------------------------------------------------------------------------------


def file_remedy(town, case_id, kind="reconsideration"):
    return ok(fire(town.api("o1"), case_id, "record_remedy", kind=kind, body="县人民政府"))["remedies"][0]


def remedy_outcome(town, case_id, remedy_id, outcome, **fields):
    return ok(fire(town.api("o1"), case_id, "record_remedy", remedy=remedy_id, outcome=outcome, **fields))


def approved_plan_of_two(town, case, payment_due):
    first, second = payment_due + 20 * DAY, payment_due + 50 * DAY
    rows = [{"due_on": first.isoformat(), "amount": "250"}, {"due_on": second.isoformat(), "amount": "250"}]
    plan = ok(apply(town, case["id"], rows), 201)
    ok(decide(town, plan["id"], "principal", note="同意"))
    return plan, first, second


def schedule_of(status):
    return [(row["due_on"], row["amount"]) for row in status["schedule"]]


def test_a_fine_lowered_on_reconsideration_cuts_the_plan_from_its_last_due_dates(town, clock):
    """500 in 250 + 250; the fine is changed to 200: the first due date keeps 200, the second has nothing left —
    it leaves the schedule and its instalment deadline is cancelled; the surcharge of a missed first date is 3%
    of the 200 due on it, from the day after (boundary)."""
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    _plan, first, second = approved_plan_of_two(town, case, payment_due)
    remedy = file_remedy(town, case["id"])
    remedy_outcome(town, case["id"], remedy["id"], "changed", new_fine="200")
    status = status_of(town, case["id"])
    assert (status["balance"], schedule_of(status)) == ("200.00", [(first.isoformat(), "200.00")])
    assert [(d.due_date, d.status) for d in case_deadlines(case["id"], "case.instalment")] == [
        (first, "open"), (second, "cancelled")]
    assert status["plan"]["status"] == "approved"  # the plan stays; its dates govern
    clock.move_to(first)
    assert (status_of(town, case["id"])["surcharge"], status_of(town, case["id"])["next_due_on"]) == (
        "0.00", first.isoformat())
    clock.move_to(first + DAY)
    assert status_of(town, case["id"])["surcharge"] == "6.00"


def test_a_fine_lowered_after_the_first_instalment_was_paid_leaves_the_rest_on_the_last_date(town, clock):
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    _plan, first, second = approved_plan_of_two(town, case, payment_due)
    ok(pay(town, case["id"], "250", "FQ-1"), 201)
    remedy = file_remedy(town, case["id"])
    remedy_outcome(town, case["id"], remedy["id"], "changed", new_fine="300")
    status = status_of(town, case["id"])
    assert schedule_of(status) == [(first.isoformat(), "250.00"), (second.isoformat(), "50.00")]
    assert (status["balance"], status["next_due_on"]) == ("50.00", second.isoformat())
    assert [(d.due_date, d.status) for d in case_deadlines(case["id"], "case.instalment")] == [
        (first, "closed"), (second, "open")]


def test_a_revoked_decision_lapses_its_approved_plan_and_keeps_the_payments(town, clock):
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    plan, first, second = approved_plan_of_two(town, case, payment_due)
    ok(pay(town, case["id"], "100", "FQ-1"), 201)
    remedy = file_remedy(town, case["id"])
    body = remedy_outcome(town, case["id"], remedy["id"], "revoked", note="复议机关撤销")
    assert body["state"] == "closed" and "lapse_payment_plan" in history_names(body)
    plans = ok(town.api("o1").get(case_url(case["id"], "payment-plans/")))
    assert [(p["id"], p["status"]) for p in plans] == [(plan["id"], "lapsed")]
    assert {d.status for d in case_deadlines(case["id"], "case.instalment")} == {"cancelled"}
    text = re.sub(r"<[^>]+>", "", browser(town, "o1").get(f"/cases/cases/{case['id']}/").content.decode())
    assert "分期缴纳 · 已失效" in text and "FQ-1" in text and "缴款计划随被撤销的决定失效" in text
    # The principal cannot approve it any more.
    assert_refused(decide(town, plan["id"], "principal"), 409)


def test_after_a_redo_a_pending_plan_lapses_and_the_party_may_apply_again_on_the_new_decision(town, clock):
    case, payment_due = served(town, clock)
    clock.move_to(SERVED_ON + 2 * DAY)
    rows = [{"due_on": (payment_due + 20 * DAY).isoformat(), "amount": "250"},
            {"due_on": (payment_due + 50 * DAY).isoformat(), "amount": "250"}]
    plan = ok(apply(town, case["id"], rows), 201)
    remedy = file_remedy(town, case["id"])
    remedy_outcome(town, case["id"], remedy["id"], "revoked_redo", note="事实不清，责令重新作出")
    inbox = ok(town.api("principal").get(INBOX))["results"]
    assert not [row for row in inbox if row["kind"] == "payment_plan" and row["id"] == plan["id"]]
    ok(fire(town.api("o1"), case["id"], "notify", facts="经重新调查，事实清楚。", legal_basis="依据第三十六条",
            proposed_fine="300", proposed_measures=[], major=False, major_reason=""))
    ok(fire(town.api("o1"), case["id"], "submit_decision", waiver=True))
    ok(fire(town.api("principal"), case["id"], "decide", outcome="penalty", fine="300"))
    body = ok(fire(town.api("o1"), case["id"], "serve", method="直接送达"))
    new_due = due(body, "case.payment")
    assert body["payment_status"]["plan"] is None
    assert schedule_of(body["payment_status"]) == [(new_due.isoformat(), "300.00")]
    again = [{"due_on": (new_due + 20 * DAY).isoformat(), "amount": "150"},
             {"due_on": (new_due + 50 * DAY).isoformat(), "amount": "150"}]
    assert ok(apply(town, case["id"], again), 201)["status"] == "pending"
    statuses = sorted(p["status"] for p in ok(town.api("o1").get(case_url(case["id"], "payment-plans/"))))
    assert statuses == ["lapsed", "pending"]


def test_the_principal_approves_a_plan_in_words_of_his_own_not_the_meetings(town, clock):
    case, payment_due = served(town, clock)
    plan = ok(apply(town, case["id"], [], kind="deferral", due_dates=[(payment_due + 30 * DAY).isoformat()]), 201)
    html = browser(town, "principal").get(f"/cases/cases/{case['id']}/payment-plans/{plan['id']}/").content.decode()
    import html as html_lib
    import json

    field = re.search(r'<vf-field-radio-select[^>]*name="decision"[^>]*label="([^"]*)"[^>]*optgroups="([^"]*)"', html)
    options = [group["options"]["label"] for group in json.loads(html_lib.unescape(field.group(2)))]
    assert (field.group(1), options) == ("审批结果", ["批准", "不予批准"])
    assert "审议通过" not in html and "审议不通过" not in html


def test_the_payment_forms_note_is_labelled_remarks(town, clock):
    case, _payment_due = served(town, clock)
    html = browser(town, "o1").get(f"/cases/cases/{case['id']}/payments/add/").content.decode()
    assert "备注" in html and "审批意见" not in html


def test_the_payment_card_says_how_payments_are_applied_in_chinese(town, clock):
    case, _payment_due = served(town, clock)
    text = re.sub(r"<[^>]+>", "", browser(town, "o1").get(f"/cases/cases/{case['id']}/").content.decode())
    assert "逾期每日3%，不超过罚款数额" in text and "3% a day" not in text and "3%%" not in text


@pytest.mark.parametrize("typed", [
    "{y}-{m}-{d} 250", "{y}/{m}/{d} 250", "{y}-{m:02d}-{d:02d} 250", "{y}年{m}月{d}日 250元",
    "{fy}／{m}／{d}　２５０", "{fy}－{m}－{d}，250",
])
def test_instalment_dates_typed_as_people_write_them_are_accepted(town, clock, typed):
    case, payment_due = served(town, clock)
    days = [payment_due + 40 * DAY, payment_due + 250 * DAY]  # the second in the next year

    def line(day):
        full_year = str(day.year).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return typed.format(y=day.year, m=day.month, d=day.day, fy=full_year)

    url = f"/cases/cases/{case['id']}/payment-plans/add/"
    form = {"kind": "instalments", "applied_on": SERVED_ON.isoformat(), "reason": "家庭困难",
            "instalments": "\n".join(line(day) for day in days)}
    response = browser(town, "o1").post(url, form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    plan = ok(town.api("o1").get(case_url(case["id"], "payment-plans/")))[0]
    assert [(r["due_on"], r["amount"]) for r in plan["instalments"]] == [
        (days[0].isoformat(), "250.00"), (days[1].isoformat(), "250.00")]


@pytest.mark.parametrize("typed", ["2027-2-30 250", "2027-13-1 250", "2027/1 250", "15/1/2027 250"])
def test_an_instalment_date_that_is_no_date_is_refused_beside_the_field(town, clock, typed):
    case, payment_due = served(town, clock)
    url = f"/cases/cases/{case['id']}/payment-plans/add/"
    form = {"kind": "instalments", "applied_on": SERVED_ON.isoformat(), "reason": "家庭困难",
            "instalments": f"{(payment_due + 40 * DAY).isoformat()} 250\n{typed}"}
    response = browser(town, "o1").post(url, form)
    html = response.content.decode()
    assert response.status_code == 400 and "第2行" in html and typed.split()[0] in html
