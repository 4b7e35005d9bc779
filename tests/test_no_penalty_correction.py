"""Issue 13: no penalty (处罚法 Art 33, 30, 31, 57 ¶1), the 首违不罚 list, correction orders (Art 28 ¶1) and the
transfer receipt (Art 27), each path end to end through the API (and the pages where a user acts)."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from cases.models import CorrectionOrder, FirstOffenceExemption
from notifications.models import Deadline, Reminder
from notifications.reminder_texts import compose
from notifications.reminders import recipients

from .case_fixtures import (
    INBOX,
    WFJS,
    ZDJY,
    assert_refused,
    case_url,
    days_ago,
    fire,
    get_case,
    has_deadline,
    ok,
    party,
    resident_id_with_check,
    today,
    town_fixture,  # noqa: F401 - the fixture `town`
    transition_names,
)
from .conftest import make_user

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

FIRST_OFFENCE_LIST = "/api/v1/first-offence-list/"
PUBLIC_LIST = "/public/first-offence-list/"
EDUCATION = "已对当事人进行批评教育，当事人当场改正。"


def list_zdjy(town, active=True):
    """The admin publishes 占道经营 on the 首违不罚 list (the admin site writes this row)."""
    return FirstOffenceExemption.objects.create(violation_type=town.zdjy, conditions="首次违法、危害后果轻微、及时改正",
                                                correction_days=3, published_on=days_ago(30), active=active)


def inbox_ids(client) -> set[int]:
    return {item["id"] for item in ok(client.get(INBOX))["results"] if item["kind"] == "case"}


def no_penalty_notice(town, **report):
    """A notice that proposes no penalty (不予行政处罚告知, Art 33, 44), the party's waiver, submitted for decision."""
    return town.deciding(fine=None, **report)


# --- the 首违不罚 list (Art 33 ¶1) ------------------------------------------------------------------------


def test_the_list_is_read_by_any_logged_in_user_and_published_without_login(town, client):
    list_zdjy(town)
    FirstOffenceExemption.objects.create(violation_type=town.wfjs, conditions="已撤下", published_on=days_ago(5),
                                         active=False)
    rows = ok(town.api("drafter").get(FIRST_OFFENCE_LIST))
    assert [row["violation_type"] for row in rows] == [ZDJY]
    assert rows[0]["violation_type_name"] == "占道经营"
    assert rows[0]["legal_basis"] == town.zdjy.legal_basis
    assert rows[0]["conditions"] == "首次违法、危害后果轻微、及时改正"
    assert client.get(FIRST_OFFENCE_LIST).status_code in (401, 403)
    page = client.get(PUBLIC_LIST)
    assert page.status_code == 200
    text = page.content.decode()
    assert "占道经营" in text and town.zdjy.legal_basis in text and "首次违法、危害后果轻微、及时改正" in text
    assert "违法建设" not in text  # inactive entries are not published


def test_admin_edits_the_list_in_the_admin_site(town, client):
    admin = make_user("admin", username="site-admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/admin/cases/firstoffenceexemption/add/")
    assert page.status_code == 200
    answer = client.post("/admin/cases/firstoffenceexemption/add/", {
        "violation_type": town.zdjy.pk, "conditions": "首次违法、及时改正", "correction_days": "",
        "published_on": today().isoformat(), "active": "on"})
    assert answer.status_code == 302, answer.content[:2000]
    assert FirstOffenceExemption.objects.filter(violation_type=town.zdjy, active=True).exists()


def test_first_offence_on_the_list_is_decided_served_and_closed_without_payment_or_publicity(town):
    list_zdjy(town)
    case = no_penalty_notice(town)
    case = ok(fire(town.api("principal"), case["id"], "decide", outcome="no_penalty",
                   no_penalty_ground="first_offence", education=EDUCATION))
    assert case["state"] == "decided" and case["no_penalty_ground"] == "first_offence"
    assert case["education"] == EDUCATION and case["decided_by"] == "principal"
    assert not has_deadline(case, "case.publicity")  # Art 48 covers penalty decisions only
    case = ok(fire(town.api("o1"), case["id"], "serve", method="直接送达"))
    assert not has_deadline(case, "case.payment")  # nothing to pay (Art 67)
    assert case["id"] in inbox_ids(town.api("chief"))  # the chief closes a served no-penalty case
    case = ok(fire(town.api("chief"), case["id"], "close", summary="不予处罚，已教育，结案。"))
    assert case["state"] == "closed" and case["executed_on"] is None


def test_first_offence_off_the_list_is_refused_naming_art_33(town):
    case = no_penalty_notice(town, violation_type=WFJS)
    answer = fire(town.api("principal"), case["id"], "decide", outcome="no_penalty",
                  no_penalty_ground="first_offence", education=EDUCATION)
    assert_refused(answer, 409, rule="Art 33 ¶1", english="first-offence list")
    assert get_case(town.api("principal"), case["id"])["state"] == "deciding"


def test_an_inactive_entry_does_not_count(town):
    list_zdjy(town, active=False)
    case = no_penalty_notice(town)
    assert_refused(fire(town.api("principal"), case["id"], "decide", outcome="no_penalty",
                        no_penalty_ground="first_offence", education=EDUCATION), 409, rule="Art 33 ¶1")


def test_a_second_offence_of_the_same_party_is_refused_another_party_passes(town):
    list_zdjy(town)
    town.decided(fine="500")  # the party (by its ID number) was fined for 占道经营 before
    case = no_penalty_notice(town)
    assert_refused(fire(town.api("principal"), case["id"], "decide", outcome="no_penalty",
                        no_penalty_ground="first_offence", education=EDUCATION), 409, rule="Art 33 ¶1",
                   english="not a first offence")
    other = no_penalty_notice(town, party=party(name="李某", id_number=resident_id_with_check("11010519800101001")))
    ok(fire(town.api("principal"), other["id"], "decide", outcome="no_penalty", no_penalty_ground="first_offence",
            education=EDUCATION))


def test_a_first_offence_already_let_off_is_not_a_first_offence_again(town):
    list_zdjy(town)
    first = no_penalty_notice(town)
    ok(fire(town.api("principal"), first["id"], "decide", outcome="no_penalty", no_penalty_ground="first_offence",
            education=EDUCATION))
    again = no_penalty_notice(town)
    assert_refused(fire(town.api("principal"), again["id"], "decide", outcome="no_penalty",
                        no_penalty_ground="first_offence", education=EDUCATION), 409, rule="Art 33 ¶1")


# --- facts not established: from the investigation to closed (Art 57 ¶1) --------------------------------------


def test_facts_not_established_goes_from_investigation_to_closed_without_a_notice(town):
    case = town.investigating()
    assert_refused(fire(town.api("o1"), case["id"], "propose_no_penalty", ground="first_offence",
                        reason="首次违法"), 400, field="ground")
    assert_refused(fire(town.api("o3"), case["id"], "propose_no_penalty", ground="facts_not_established",
                        reason="x"), 403)  # not a case officer
    case = ok(fire(town.api("o1"), case["id"], "propose_no_penalty", ground="facts_not_established",
                   reason="现场核查，摊位系村委会临时便民点，不构成占道经营。"))
    assert case["state"] == "deciding" and case["notified_on"] is None
    assert case["proposed_no_penalty_ground"] == "facts_not_established"
    principal = town.api("principal")
    assert case["id"] in inbox_ids(principal)
    assert_refused(fire(principal, case["id"], "decide", outcome="penalty", fine="500"), 409, rule="Art 44")
    assert_refused(fire(principal, case["id"], "decide", outcome="no_penalty", no_penalty_ground="minor_corrected",
                        education=EDUCATION), 409, rule="Art 44")
    case = ok(fire(principal, case["id"], "decide", outcome="no_penalty", no_penalty_ground="facts_not_established"))
    assert case["state"] == "decided" and not has_deadline(case, "case.publicity")
    case = ok(fire(town.api("o1"), case["id"], "serve", method="直接送达"))
    assert not has_deadline(case, "case.payment")
    case = ok(fire(town.api("chief"), case["id"], "close", summary="违法事实不能成立，不予行政处罚。"))
    assert case["state"] == "closed"
    assert "propose_no_penalty" in [h["transition"] for h in case["history"]]


# --- 责令改正 (Art 28 ¶1) --------------------------------------------------------------------------------------


def issue(town, case_id, due_on, who="o1", **fields):
    return town.api(who).post(case_url(case_id, "correction-orders/"),
                              {"measure": "三日内撤除占道摊位，恢复道路通行。", "due_on": due_on.isoformat(), **fields},
                              format="json")


def verify(town, order_id, corrected, who="o1", **fields):
    data = {"corrected": corrected, **{k: v.isoformat() if isinstance(v, datetime.date) else v
                                        for k, v in fields.items()}}
    return town.api(who).post(f"/api/v1/correction-orders/{order_id}/verify/", data, format="json")


def test_a_correction_order_opens_its_deadline_on_the_day_it_names_with_reminders(town):
    case = town.investigating()
    due_on = today() + datetime.timedelta(days=6)
    orders = ok(issue(town, case["id"], due_on), 201)
    order = orders[0]
    assert order["status"] == "open" and order["due_on"] == due_on.isoformat()
    assert order["issued_on"] == today().isoformat()
    deadline = Deadline.objects.get(object_type="cases.correctionorder", object_id=order["id"])
    assert deadline.kind == "case.correction" and deadline.due_date == due_on and deadline.status == "open"
    # Reminded 3 and 1 calendar days ahead and on the day (deadline_rules.json), to the case officers.
    before = {r.offset: timezone.localdate(r.send_at) for r in Reminder.objects.filter(deadline=deadline,
                                                                                       stage="before")}
    assert before == {3: due_on - datetime.timedelta(days=3), 1: due_on - datetime.timedelta(days=1)}
    assert Reminder.objects.filter(deadline=deadline, stage="due", due_date=due_on).exists()
    reminder = Reminder.objects.filter(deadline=deadline).first()
    order_row = CorrectionOrder.objects.get(pk=order["id"])
    users, _robots = recipients(reminder, order_row)
    assert {u.username for u in users} == {"officer-o1", "officer-o2"}
    assert compose(reminder, order_row).link.endswith(f"/cases/cases/{case['id']}/")
    case = get_case(town.api("o1"), case["id"])
    assert case["correction_orders"][0]["measure"].startswith("三日内撤除")
    assert "issue_correction_order" in [h["transition"] for h in case["history"]]


def test_issuing_is_for_the_case_officers_on_a_filed_open_case(town):
    reported = town.report()
    assert_refused(issue(town, reported["id"], today() + datetime.timedelta(days=3)), 409, rule="Art 28")
    case = town.investigating()
    assert_refused(issue(town, case["id"], today() + datetime.timedelta(days=3), who="o3"), 403)
    assert_refused(issue(town, case["id"], today() + datetime.timedelta(days=3), who="chief"), 403)
    assert_refused(issue(town, case["id"], today() - datetime.timedelta(days=1)), 400, field="due_on")
    assert_refused(issue(town, case["id"], today() + datetime.timedelta(days=3),
                         issued_on=(today() + datetime.timedelta(days=1)).isoformat()), 400, field="issued_on")


def test_not_corrected_only_on_the_due_day_then_the_chief_sees_it_until_acknowledged(town, clock):
    case = town.investigating()
    due_on = today() + datetime.timedelta(days=3)
    order = ok(issue(town, case["id"], due_on), 201)[0]
    clock.move_to(due_on - datetime.timedelta(days=1))  # the last day before the term ends
    assert_refused(verify(town, order["id"], False, note="未改正"), 409, rule="Art 28")
    clock.move_to(due_on)
    assert_refused(verify(town, order["id"], False, checked_on=due_on + datetime.timedelta(days=1)), 400,
                   field="checked_on")
    checked = ok(verify(town, order["id"], False, note="复查时摊位仍在"))
    assert checked["status"] == "not_corrected" and checked["checked_on"] == due_on.isoformat()
    assert Deadline.objects.get(object_type="cases.correctionorder", object_id=order["id"]).status == "closed"
    case = get_case(town.api("o1"), case["id"])
    assert case["state"] == "investigating"  # the case goes on
    assert "verify_correction_order" in [h["transition"] for h in case["history"]]
    assert case["id"] in inbox_ids(town.api("chief"))
    assert_refused(verify(town, order["id"], True), 409)  # checked once
    assert_refused(town.api("o1").post(f"/api/v1/correction-orders/{order['id']}/acknowledge/"), 403)
    ok(town.api("chief").post(f"/api/v1/correction-orders/{order['id']}/acknowledge/"))
    assert case["id"] not in inbox_ids(town.api("chief"))


def test_corrected_may_be_recorded_before_the_due_day(town):
    case = town.investigating()
    order = ok(issue(town, case["id"], today() + datetime.timedelta(days=10)), 201)[0]
    checked = ok(verify(town, order["id"], True, note="已撤除摊位"))
    assert checked["status"] == "corrected" and checked["checked_by"] == "officer-o1"
    assert case["id"] not in inbox_ids(town.api("chief"))


def test_the_case_page_shows_the_orders_and_issues_and_checks_them(town, client):
    case = town.investigating()
    client.force_login(town.u["o1"])
    due_on = today() + datetime.timedelta(days=5)
    answer = client.post(f"/cases/cases/{case['id']}/correction-orders/add/",
                         {"measure": "限期拆除违法搭建的雨棚", "due_on": due_on.isoformat()})
    assert answer.status_code == 302, answer.content[:3000]
    page = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert "限期拆除违法搭建的雨棚" in page and due_on.isoformat() in page
    order = get_case(town.api("o1"), case["id"])["correction_orders"][0]
    check_url = f"/cases/cases/{case['id']}/correction-orders/{order['id']}/verify/"
    assert client.get(check_url).status_code == 200
    answer = client.post(check_url, {"corrected": "yes", "note": "已拆除"})
    assert answer.status_code == 302, answer.content[:3000]
    page = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert "已拆除" in page


# --- transfer and its receipt (Art 27) ----------------------------------------------------------------------


def test_a_transfer_waits_for_its_receipt_in_the_chiefs_inbox(town):
    case = town.report()
    case = ok(fire(town.api("chief"), case["id"], "transfer", to="县公安局", reason="涉嫌犯罪，依法移送。"))
    assert case["state"] == "transferred"
    assert case["id"] in inbox_ids(town.api("chief"))
    assert_refused(fire(town.api("chief"), case["id"], "record_transfer_receipt", received_on=today() +
                        datetime.timedelta(days=1), receiver="张警官"), 400, field="received_on")
    case = ok(fire(town.api("chief"), case["id"], "record_transfer_receipt", received_on=today(),
                   receiver="县公安局 张警官", receipt_note="已签收移送书及证据材料"))
    assert case["state"] == "transferred" and case["transfer_received_on"] == today().isoformat()
    assert case["transfer_receiver"] == "县公安局 张警官" and case["transferred_to"] == "县公安局"
    assert case["id"] not in inbox_ids(town.api("chief"))
    assert_refused(fire(town.api("chief"), case["id"], "record_transfer_receipt", received_on=today(),
                        receiver="又一次"), 409)


def test_the_chiefs_inbox_page_shows_the_follow_ups_and_the_case_page_the_receipt(town, client, clock):
    transferred = town.report()
    ok(fire(town.api("chief"), transferred["id"], "transfer", to="县公安局", reason="涉嫌犯罪，依法移送。"))
    case = town.investigating()
    due_on = today() + datetime.timedelta(days=2)
    order = ok(issue(town, case["id"], due_on), 201)[0]
    clock.move_to(due_on)
    ok(verify(town, order["id"], False, note="复查时摊位仍在"))
    client.force_login(town.u["chief"])
    inbox = client.get("/inbox/").content.decode()
    assert "移送待回执" in inbox and "逾期未改正" in inbox
    page = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert "复查时摊位仍在" in page and "未改正" in page
    answer = client.post(f"/cases/cases/{case['id']}/correction-orders/{order['id']}/acknowledge/")
    assert answer.status_code == 302
    assert "逾期未改正" not in client.get("/inbox/").content.decode()
    form = client.get(f"/cases/cases/{transferred['id']}/transitions/record_transfer_receipt/")
    assert form.status_code == 200 and "接收人" in form.content.decode()
    answer = client.post(f"/cases/cases/{transferred['id']}/transitions/record_transfer_receipt/",
                         {"received_on": due_on.isoformat(), "receiver": "县公安局 李警官", "receipt_note": "已签收"})
    assert answer.status_code == 302, answer.content[:3000]
    page = client.get(f"/cases/cases/{transferred['id']}/").content.decode()
    assert "县公安局 李警官" in page and "移送回执" in page
    assert "移送待回执" not in client.get("/inbox/").content.decode()


def test_the_decide_form_offers_the_first_offence_ground_and_the_education(town, client):
    case = no_penalty_notice(town)
    client.force_login(town.u["principal"])
    form = client.get(f"/cases/cases/{case['id']}/transitions/decide/").content.decode()
    assert 'name="education"' in form and "first_offence" in form  # the select's options are JSON


def test_the_public_list_needs_no_login_and_the_proposal_form_offers_only_grounds_without_notice(town, client):
    list_zdjy(town)
    assert "首次违法、危害后果轻微、及时改正" in client.get(PUBLIC_LIST).content.decode()
    case = town.investigating()
    client.force_login(town.u["o1"])
    form = client.get(f"/cases/cases/{case['id']}/transitions/propose_no_penalty/").content.decode()
    assert "facts_not_established" in form and "first_offence" not in form  # the select's options are JSON


def test_a_transfer_cancels_the_reminders_of_an_unchecked_order(town):
    case = town.investigating()
    order = ok(issue(town, case["id"], today() + datetime.timedelta(days=4)), 201)[0]
    ok(fire(town.api("chief"), case["id"], "transfer", to="县市场监督管理局", reason="属于市场监管部门管辖"))
    deadline = Deadline.objects.get(object_type="cases.correctionorder", object_id=order["id"])
    assert deadline.status == "cancelled"
    assert not Reminder.objects.filter(deadline=deadline, status="planned").exists()
    assert get_case(town.api("o1"), case["id"])["correction_orders"][0]["status"] == "open"
    assert_refused(issue(town, case["id"], today() + datetime.timedelta(days=4)), 409, rule="Art 28")


def test_the_transfer_is_dated_and_its_receipt_is_not_before_it(town, client, clock):
    """国务院令第310号 Art 8: the receiving body signs the receipt of a case it has received — on the day of the
    transfer at the earliest (accepted), never the day before (400). The transfer day defaults to today and is
    neither in the future nor before the report."""
    start = today()
    case = town.report()
    clock.move_to(start + datetime.timedelta(days=10))
    transfer_day = start + datetime.timedelta(days=4)
    assert_refused(fire(town.api("chief"), case["id"], "transfer", to="县公安局", reason="涉嫌犯罪，依法移送。",
                        transferred_on=(start + datetime.timedelta(days=11)).isoformat()), 400, field="transferred_on")
    assert_refused(fire(town.api("chief"), case["id"], "transfer", to="县公安局", reason="涉嫌犯罪，依法移送。",
                        transferred_on=(start - datetime.timedelta(days=1)).isoformat()), 400, field="transferred_on")
    body = ok(fire(town.api("chief"), case["id"], "transfer", to="县公安局", reason="涉嫌犯罪，依法移送。",
                   transferred_on=transfer_day.isoformat()))
    assert body["transferred_on"] == transfer_day.isoformat()
    assert_refused(fire(town.api("chief"), case["id"], "record_transfer_receipt",
                        received_on=(transfer_day - datetime.timedelta(days=1)).isoformat(), receiver="县公安局法制科"),
                   400, field="received_on")
    ok(fire(town.api("chief"), case["id"], "record_transfer_receipt", received_on=transfer_day.isoformat(),
            receiver="县公安局法制科"))
    client.force_login(town.u["chief"])
    assert transfer_day.isoformat() in client.get(f"/cases/cases/{case['id']}/").content.decode()
    other = town.report()
    assert ok(fire(town.api("chief"), other["id"], "transfer", to="县公安局",
                   reason="涉嫌犯罪。"))["transferred_on"] == today().isoformat()


def case_rows(client, case_id) -> list[dict]:
    return [row for row in ok(client.get(INBOX))["results"] if row["kind"] == "case" and row["id"] == case_id]


def test_an_order_reaching_its_due_day_unchecked_asks_the_case_officers_to_check_it(town, client, clock):
    """Art 28 ¶1: the order's term ends on its due day; the case officers then check the correction (复查整改情况:
    local practice) — a row of its own beside the case's usual one, until the check is recorded."""
    case = town.investigating()
    due_on = today() + datetime.timedelta(days=3)
    order = ok(issue(town, case["id"], due_on), 201)[0]
    clock.move_to(due_on - datetime.timedelta(days=1))
    assert [r["action"] for r in case_rows(town.api("o1"), case["id"])] == ["推进办案"]
    clock.move_to(due_on + datetime.timedelta(days=1))
    rows = case_rows(town.api("o1"), case["id"])
    assert sorted(r["action"] for r in rows) == sorted(["推进办案", "复查整改情况"]), rows
    check = next(r for r in rows if r["action"] == "复查整改情况")
    assert check["overdue"] is True and check["deadline_kind"] == "case.correction"
    assert case["id"] not in {r["id"] for r in ok(town.api("o3").get(INBOX))["results"]}  # not on the case
    client.force_login(town.u["o1"])
    assert "复查整改情况" in client.get("/inbox/").content.decode()
    ok(verify(town, order["id"], False, note="复查时摊位仍在"))
    assert [r["action"] for r in case_rows(town.api("o1"), case["id"])] == ["推进办案"]
    assert "逾期未改正" in [r["action"] for r in case_rows(town.api("chief"), case["id"])]


def test_a_decided_no_penalty_case_asks_the_officer_to_serve_the_decision(town, client):
    case = town.decided(outcome="no_penalty")
    assert [r["action"] for r in case_rows(town.api("o1"), case["id"])] == ["送达决定书"]
    client.force_login(town.u["o1"])
    page = client.get("/inbox/").content.decode()
    assert "送达决定书" in page


def test_the_case_page_shows_the_orders_deadlines_unchecked_and_a_refused_check_beside_its_field(town, client,
                                                                                                clock):
    """The orders' terms are deadlines of the orders (Art 28 ¶1): the case's deadlines card lists them, the order
    reads 未复查 until checked, and "not corrected" recorded before the due day is refused beside 复查结果."""
    case = town.investigating()
    soon, past = today() + datetime.timedelta(days=2), today() + datetime.timedelta(days=1)
    ok(issue(town, case["id"], soon, measure="限期拆除违法搭建的雨棚"), 201)
    late = ok(issue(town, case["id"], past, measure="三日内清理占道堆放的杂物"), 201)[0]
    clock.move_to(today() + datetime.timedelta(days=1))
    client.force_login(town.u["o1"])
    page = client.get(f"/cases/cases/{case['id']}/").content.decode()
    card = page[page.index('data-kind="case.correction"'):]
    assert "限期拆除违法搭建的雨棚" in card and "三日内清理占道堆放的杂物" in card
    assert soon.isoformat() in card and past.isoformat() in card
    assert "未复查" in page and "打开" not in page
    other = ok(issue(town, case["id"], today() + datetime.timedelta(days=5)), 201)[0]
    answer = client.post(f"/cases/cases/{case['id']}/correction-orders/{other['id']}/verify/",
                         {"corrected": "no", "note": "仍未撤除"})
    assert answer.status_code == 409
    form = answer.content.decode()
    field = re.search(r'<vf-field-select[^>]*name="corrected"[^>]*>', form).group(0)
    assert 'aria-invalid="true"' in field and 'error="改正期限至' in field, field
    assert "Art 28" not in form
    assert late["id"]  # the other order stays open


def test_an_order_dated_before_the_report_cites_local_practice_not_art_28(town, client):
    case = town.investigating()
    reported = get_case(town.api("o1"), case["id"])["reported_at"][:10]
    before = datetime.date.fromisoformat(reported) - datetime.timedelta(days=1)
    answer = issue(town, case["id"], today() + datetime.timedelta(days=3), issued_on=before.isoformat())
    assert_refused(answer, 400, field="issued_on")
    text = str(answer.json())
    assert "本地做法" in text and "第28条" not in text


def shown(text, page) -> bool:
    """A label on the page, as text or inside a select's JSON options."""
    return text in page or json.dumps(text)[1:-1] in page


def notice_of_no_penalty(town, ground="first_offence", **fields):
    case = town.investigating()
    body = {"facts": "经查，当事人首次占道经营，已当场撤除摊位。", "legal_basis": "《行政处罚法》第三十三条第一款",
            "intent": "no_penalty", "no_penalty_ground": ground, **fields}
    return case, fire(town.api("o1"), case["id"], "notify", **body)


def test_the_notice_form_offers_a_notice_of_no_penalty_with_its_ground_and_the_list_entry(town, client):
    """Art 33 ¶1, 44: the 事先告知 form offers 拟不予行政处罚（告知） with the ground 首违不罚 / 轻微并及时改正, and
    shows the 首违不罚 list's entry of the case's violation type when it is on the list."""
    case = town.investigating()
    client.force_login(town.u["o1"])
    form = client.get(f"/cases/cases/{case['id']}/transitions/notify/").content.decode()
    assert shown("拟不予行政处罚（告知）", form) and 'name="no_penalty_ground"' in form and "first_offence" in form
    assert "首违不罚清单" not in form
    list_zdjy(town)
    form = client.get(f"/cases/cases/{case['id']}/transitions/notify/").content.decode()
    assert "首违不罚清单" in form and "首次违法、危害后果轻微、及时改正" in form
    proposal = client.get(f"/cases/cases/{case['id']}/transitions/propose_no_penalty/").content.decode()
    assert "须先进行告知" not in proposal and "拟不予行政处罚" in proposal


def test_a_notice_of_no_penalty_names_its_ground_proposes_nothing_and_offers_no_hearing(town, client):
    list_zdjy(town)
    _case, answer = notice_of_no_penalty(town, ground="")
    assert_refused(answer, 400, field="no_penalty_ground")
    _case, answer = notice_of_no_penalty(town, ground="no_fault")
    assert_refused(answer, 400, field="no_penalty_ground")
    _case, answer = notice_of_no_penalty(town, proposed_fine="200")
    assert_refused(answer, 400, field="proposed_fine")
    case, answer = notice_of_no_penalty(town)
    body = ok(answer)
    assert body["state"] == "notified" and body["proposed_no_penalty_ground"] == "first_offence"
    assert body["proposed_fine"] is None and body["hearing_eligible"] is False
    names = transition_names(get_case(town.api("o1"), case["id"]))
    assert "record_waiver" in names and "request_hearing" not in names and "schedule_hearing" not in names
    eligible = town.notified("20000", violation_type=WFJS)  # above the hearing threshold (Art 63): offered
    assert {"request_hearing", "schedule_hearing"} <= set(transition_names(get_case(town.api("o1"), eligible["id"])))
    client.force_login(town.u["o1"])
    page = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert "transitions/request_hearing/" not in page and "transitions/schedule_hearing/" not in page
    assert "首违不罚" in page
    assert_refused(fire(town.api("o1"), case["id"], "request_hearing"), 409, rule="Art 63")
    ok(fire(town.api("o1"), case["id"], "submit_decision", waiver=True))
    decided = ok(fire(town.api("principal"), case["id"], "decide", outcome="no_penalty",
                      no_penalty_ground="first_offence", education=EDUCATION))
    assert decided["state"] == "decided"


@pytest.mark.parametrize("outcome, repeat", [("revoked", False), ("upheld", True), ("changed", True)])
def test_only_a_revoked_earlier_decision_leaves_the_next_offence_a_first_one(town, clock, outcome, repeat):
    """Art 33 ¶1 with 行政复议法 Art 64: a penalty revoked on reconsideration is void (the next case of the type is
    a first offence); one upheld or changed stands (the next one is a repeat, refused naming the earlier case)."""
    list_zdjy(town)
    first = town.served("penalty", fine="500")
    clock.move_to(today() + datetime.timedelta(days=2))
    remedy = ok(fire(town.api("o1"), first["id"], "record_remedy", kind="reconsideration", body="县人民政府"))
    extra = {"new_fine": "300"} if outcome == "changed" else {}
    ok(fire(town.api("o1"), first["id"], "record_remedy", remedy=remedy["remedies"][0]["id"], outcome=outcome,
            **extra))
    clock.move_to(today() + datetime.timedelta(days=40))
    second = town.deciding(fine=None)
    answer = fire(town.api("principal"), second["id"], "decide", outcome="no_penalty",
                  no_penalty_ground="first_offence", education=EDUCATION)
    if repeat:
        assert_refused(answer, 409, rule="Art 33 ¶1")
        assert first["number"] in answer.json()["detail"]
    else:
        assert ok(answer)["state"] == "decided"
