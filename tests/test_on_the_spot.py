"""简易程序 — the on-the-spot decision (行政处罚法 Art 51–53, 68–71; DESIGN §9; CONTRACT §7 "On-the-spot").

Through the REST API, as the brigade uses it: the officer decides on the spot (POST /api/v1/cases/on-the-spot/),
the limits of Art 51 at their boundaries, the party rules (Art 30), collection on the spot (Art 68–70), the
hand-over deadline (Art 71, 85) and its reminders, the brigade chief's filing (备案, Art 52) from the inbox, and who
may do what.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import Case
from notifications import calendar
from notifications.models import Deadline, Reminder
from workflows.models import NumberSequence

from .case_fixtures import (
    INBOX,
    VALID_CREDIT_CODE,
    VALID_ID,
    WFJS,
    ZDJY,
    assert_refused,
    body_of,
    case_url,
    deadline,
    fire,
    has_deadline,
    history_names,
    ok,
    party,
    resident_id_with_check,
    town_fixture,  # noqa: F401 (the `town` fixture)
    transition_names,
)
from .clock import LOCAL

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

SPOT = "/api/v1/cases/on-the-spot/"


def org_party(**overrides):
    data = {"name": "石桥镇鲜果商贸有限公司", "kind": "org", "id_number": VALID_CREDIT_CODE, "phone": "13800138000"}
    data.update(overrides)
    return data


def payload(town, **overrides) -> dict:
    data = {
        "party": party(), "village": town.village.pk, "violation_type": ZDJY,
        "facts": "当事人在石桥村主干道人行道上摆摊销售水果，占道约3平方米，执法队员当场查实。",
        "legal_basis": "《城市市容和环境卫生管理条例》第十四条、第三十六条",
        "fine": "150", "officers": [town.u["o1"].pk], "certificates_shown": True,
        "party_statement": "当事人称刚到，愿意马上收摊。", "violation_place": "石桥村主干道人行道",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def decide(town, who="o1", **overrides):
    return town.api(who).post(SPOT, payload(town, **overrides), format="json")


def expected_number(year, seq):
    return settings.CASE_SPOT_NUMBER_FORMAT.format(town=settings.TOWN_SHORT_NAME, town_name=settings.TOWN_NAME,
                                                   year=year, seq=seq)


def born_years_ago(years, extra_days=0) -> str:
    """A resident ID number of a person who turns `years` `extra_days` days from today (so is years-1 now)."""
    today = timezone.localdate()
    try:
        birth = today.replace(year=today.year - years)
    except ValueError:
        birth = today.replace(year=today.year - years, day=28)
    birth += datetime.timedelta(days=extra_days)
    return resident_id_with_check(f"110105{birth:%Y%m%d}123")


def nothing_written(before_cases, before_numbers):
    assert Case.objects.count() == before_cases
    assert sorted(NumberSequence.objects.values_list("scope", "year", "last")) == before_numbers


def snapshot_counts():
    return Case.objects.count(), sorted(NumberSequence.objects.values_list("scope", "year", "last"))


# --- the decision ------------------------------------------------------------------------------------------


def test_officer_decides_on_the_spot_served_numbered_and_payment_runs(town, clock):
    clock.move_to(datetime.datetime(2026, 6, 10, 10, 0, tzinfo=LOCAL))  # a Wednesday, no holiday near
    today = timezone.localdate()
    case = ok(decide(town), 201)
    assert case["procedure"] == "simple"
    assert case["number"] == expected_number(today.year, 1)
    assert case["state"] == "served"
    assert case["outcome"] == "penalty" and Decimal(case["fine"]) == Decimal("150")
    assert case["measures"] == ["fine"]
    assert case["decided_on"] == case["served_on"] == today.isoformat()  # handed over on the spot (Art 52)
    assert case["certificates_shown"] is True and case["party_statement"].startswith("当事人称")
    assert case["on_the_spot_decision"] is None  # printed by the documents module (issue 14)
    assert [o["id"] for o in case["officers"]] == [town.u["o1"].pk]  # one officer may act alone (Art 52)
    # One history entry, 当场处罚, with its number; no report, no filing (简易程序 has none)
    assert history_names(case) == ["decide_on_the_spot"]
    assert case["history"][0]["comment"] == case["number"]
    # Art 67: 15 days to pay, from the decision handed over on the spot
    payment = deadline(case, "case.payment")
    assert payment["due_date"] == "2026-06-25" and payment["status"] == "open"
    assert not has_deadline(case, "case.spot_handover") and not has_deadline(case, "case.decision")
    # the ordinary execution follows
    executed = ok(fire(town.api("o1"), case["id"], "record_execution", detail="当事人已到银行缴纳罚款"))
    assert executed["state"] == "executed"
    # the next decision takes the next number of its own series; the general series is untouched
    second = ok(decide(town, party=party(name="李某某")), 201)
    assert second["number"] == expected_number(today.year, 2)
    assert not NumberSequence.objects.filter(scope="case").exists()


def test_a_warning_is_executed_when_announced(town):
    case = ok(decide(town, fine=None, warning=True), 201)
    assert case["state"] == "executed" and case["fine"] is None and case["measures"] == ["warning"]
    assert not has_deadline(case, "case.payment") and not has_deadline(case, "case.spot_handover")


@pytest.mark.parametrize("overrides", [{"fine": "100", "warning": True}, {"fine": None, "warning": False}])
def test_exactly_one_of_fine_or_warning(town, overrides):
    before = snapshot_counts()
    assert_refused(decide(town, **overrides), 400, field="fine")
    nothing_written(*before)


# --- Art 51's limits, at the boundaries ------------------------------------------------------------------------


def test_a_person_up_to_200_yuan(town):
    ok(decide(town, fine="200"), 201)
    before = snapshot_counts()
    assert_refused(decide(town, fine="200.01"), 409, rule="Art 51", english="Art 51")
    nothing_written(*before)


def test_an_organisation_up_to_3000_yuan(town):
    ok(decide(town, party=org_party(), violation_type=WFJS, fine="3000"), 201)
    before = snapshot_counts()
    assert_refused(decide(town, party=org_party(), violation_type=WFJS, fine="3000.01"), 409, rule="Art 51")
    nothing_written(*before)


def test_the_violation_types_range_still_applies(town):
    # 违法建设 starts at 1,000 yuan: 150 is within Art 51 but outside the discretion range (C7)
    assert_refused(decide(town, violation_type=WFJS), 409, rule="C7")
    assert_refused(decide(town, fine="0"), 409, rule="Art 33")


# --- the party (Art 30, 31) -----------------------------------------------------------------------------------


def test_a_child_under_fourteen_is_not_penalised(town):
    child = party(name="小明", id_number=born_years_ago(14, extra_days=30), phone="")
    assert_refused(decide(town, party=child), 409, rule="Art 30")


def test_a_minor_needs_a_lighter_penalty_and_not_a_reduced_one(town):
    minor = party(name="小刚", id_number=born_years_ago(18, extra_days=30), phone="")
    assert_refused(decide(town, party=minor), 409, rule="Art 30")
    assert_refused(decide(town, party=minor, fine="50", mitigation="reduced", mitigation_ground="minor"), 409,
                   rule="local rule")
    case = ok(decide(town, party=minor, fine="50", mitigation="lighter", mitigation_ground="minor"), 201)
    assert case["mitigation"] == "lighter" and case["party_age_band"] == "minor"


# --- collection on the spot (Art 68–70) ------------------------------------------------------------------------


def test_collected_small_amount_executes_and_opens_the_hand_over(town):
    case = ok(decide(town, fine="100", collected_on_spot=True, collection_ground="small_amount",
                     receipt_number="NO.0012345"), 201)
    assert case["state"] == "executed" and case["executed_on"] == timezone.localdate().isoformat()
    assert case["receipt_number"] == "NO.0012345"
    assert deadline(case, "case.spot_handover")["status"] == "open"
    assert not has_deadline(case, "case.payment")


def test_collection_refusals(town):
    before = snapshot_counts()
    assert_refused(decide(town, fine="100.01", collected_on_spot=True, collection_ground="small_amount",
                          receipt_number="NO.1"), 409, rule="Art 68")
    assert_refused(decide(town, fine="100", collected_on_spot=True, collection_ground="small_amount"), 400,
                   field="receipt_number")
    assert_refused(decide(town, fine="100", collected_on_spot=True, receipt_number="NO.1"), 400,
                   field="collection_ground")
    assert_refused(decide(town, fine="150", collected_on_spot=True, collection_ground="hard_to_pay_later",
                          receipt_number="NO.1"), 400, field="collection_reason")
    assert_refused(decide(town, fine=None, warning=True, collected_on_spot=True, collection_ground="small_amount",
                          receipt_number="NO.1"), 400, field="collected_on_spot")
    nothing_written(*before)
    case = ok(decide(town, fine="180", collected_on_spot=True, collection_ground="hard_to_pay_later",
                     collection_reason="河口村渡口对岸，当事人往返银行须乘船半日", receipt_number="NO.2"), 201)
    assert case["state"] == "executed" and case["collection_ground"] == "hard_to_pay_later"


def test_hand_over_due_on_the_second_working_day_over_a_weekend(town, clock):
    """Art 71 ¶1, 85: collected on Friday 2026-06-05 → due Tuesday 2026-06-09 (Saturday and Sunday do not count);
    reminded the working day before, on the due day, and escalated on the next working day."""
    clock.move_to(datetime.datetime(2026, 6, 5, 16, 0, tzinfo=LOCAL))
    case = ok(decide(town, fine="50", collected_on_spot=True, collection_ground="small_amount",
                     receipt_number="NO.3"), 201)
    handover = deadline(case, "case.spot_handover")
    assert handover["due_date"] == "2026-06-09"
    row = Deadline.objects.get(object_type="cases.case", object_id=case["id"], kind="case.spot_handover")
    stages = {(r.stage, r.offset): timezone.localdate(r.send_at)
              for r in Reminder.objects.filter(deadline=row, status=Reminder.Status.PLANNED)}
    assert stages[(Reminder.Stage.BEFORE, 1)] == datetime.date(2026, 6, 8)
    assert stages[(Reminder.Stage.DUE, 0)] == datetime.date(2026, 6, 9)
    assert stages[(Reminder.Stage.OVERDUE, 1)] == datetime.date(2026, 6, 10)
    assert calendar.add_working_days(datetime.date(2026, 6, 5), 2).date == datetime.date(2026, 6, 9)

    # the officer's inbox: the hand-over, not overdue on its last day, overdue the day after
    clock.move_to(datetime.datetime(2026, 6, 9, 17, 0, tzinfo=LOCAL))
    item = inbox_item(town, "o1", case["id"])
    assert item["action"] == "上交当场收缴的罚款" and item["overdue"] is False
    clock.move_to(datetime.datetime(2026, 6, 10, 9, 0, tzinfo=LOCAL))
    assert inbox_item(town, "o1", case["id"])["overdue"] is True

    # recorded (late): the deadline closes, the item leaves the inbox
    assert_refused(fire(town.api("o1"), case["id"], "record_handover"), 400, field="bank_receipt")
    assert_refused(fire(town.api("o1"), case["id"], "record_handover", handed_over_on="2026-06-04",
                        bank_receipt="JK-1"), 400, field="handed_over_on")
    assert_refused(fire(town.api("chief"), case["id"], "record_handover", bank_receipt="JK-1"), 403)
    done = ok(fire(town.api("o1"), case["id"], "record_handover", handed_over_on="2026-06-10",
                   bank_receipt="镇财政所收据 JK-0610"))
    assert done["handed_over_on"] == "2026-06-10" and done["state"] == "executed"
    assert deadline(done, "case.spot_handover")["status"] == "closed"
    assert "record_handover" in history_names(done)
    assert inbox_item(town, "o1", case["id"]) is None
    assert_refused(fire(town.api("o1"), case["id"], "record_handover", bank_receipt="again"), 409)


def inbox_item(town, who, case_id):
    data = ok(town.api(who).get(INBOX))
    rows = data["results"] if isinstance(data, dict) else data
    return next((row for row in rows if row["kind"] == "case" and row["id"] == case_id), None)


# --- 备案 (Art 52) ------------------------------------------------------------------------------------------


def test_the_chief_records_the_filing_from_the_inbox_and_then_closes(town):
    case = ok(decide(town, fine="80", collected_on_spot=True, collection_ground="small_amount",
                     receipt_number="NO.4"), 201)
    item = inbox_item(town, "chief", case["id"])
    assert item is not None and item["action"] == "当场处罚待备案" and item["number"] == case["number"]
    chief_view = ok(town.api("chief").get(case_url(case["id"])))
    assert "acknowledge_spot_filing" in transition_names(chief_view)
    assert_refused(fire(town.api("chief"), case["id"], "close", summary="结案"), 409, rule="Art 52")
    assert_refused(fire(town.api("o1"), case["id"], "acknowledge_spot_filing"), 403)
    assert_refused(fire(town.api("chief"), case["id"], "acknowledge_spot_filing",
                        filed_on=(timezone.localdate() - datetime.timedelta(days=1)).isoformat()), 400)
    filed = ok(fire(town.api("chief"), case["id"], "acknowledge_spot_filing", note="已备案"))
    assert filed["spot_filed_on"] == timezone.localdate().isoformat()
    assert filed["spot_filed_by"] == town.u["chief"].username
    assert history_names(filed) == ["decide_on_the_spot", "acknowledge_spot_filing"]
    assert inbox_item(town, "chief", case["id"])["action"] != "当场处罚待备案"
    assert_refused(fire(town.api("chief"), case["id"], "acknowledge_spot_filing"), 409)
    # Art 71: the collected money is handed over before the case closes
    assert_refused(fire(town.api("chief"), case["id"], "close", summary="结案"), 409, rule="Art 71")
    ok(fire(town.api("o1"), case["id"], "record_handover", bank_receipt="JK-2"))
    closed = ok(fire(town.api("chief"), case["id"], "close", summary="当场处罚已执行、备案，罚款已上交。"))
    assert closed["state"] == "closed"


def test_a_general_case_has_no_spot_filing(town):
    case = town.executed()
    assert "acknowledge_spot_filing" not in transition_names(ok(town.api("chief").get(case_url(case["id"]))))
    assert_refused(fire(town.api("chief"), case["id"], "acknowledge_spot_filing"), 409, rule="Art 52")


# --- who may, and the officers (Art 42, 52) ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["principal", "judicial", "chief"])
def test_only_an_enforcement_officer_decides_on_the_spot(town, role):
    before = snapshot_counts()
    response = town.api(role).post(SPOT, payload(town), format="json")
    assert_refused(response, 403)
    nothing_written(*before)


def test_the_officers_certificates(town):
    before = snapshot_counts()
    assert_refused(decide(town, certificates_shown=False), 409, rule="Art 52")
    assert_refused(decide(town, officers=[town.u["o2"].pk]), 400, field="officers")  # the caller must be one
    assert_refused(decide(town, officers=[town.u["o1"].pk, town.u["expired"].pk]), 409, rule="Art 42")
    assert_refused(decide(town, who="uncertified", officers=[town.u["uncertified"].pk]), 409, rule="Art 42")
    assert_refused(decide(town, officers=[town.u["o1"].pk, town.u["chief"].pk]), 400, field="officers")
    nothing_written(*before)
    two = ok(decide(town, officers=[town.u["o1"].pk, town.u["o2"].pk]), 201)
    assert sorted(o["id"] for o in two["officers"]) == sorted([town.u["o1"].pk, town.u["o2"].pk])


def test_decision_time(town):
    future = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    assert_refused(decide(town, decided_at=future), 400, field="decided_at")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    case = ok(decide(town, decided_on=yesterday.isoformat()), 201)
    assert case["decided_on"] == case["served_on"] == case["violation_date"] == yesterday.isoformat()
    body = body_of(decide(town, decided_on=yesterday.isoformat(),
                          violation_date=timezone.localdate().isoformat()))
    assert "decided_at" in (body.get("fields") or {}), body


# --- the page (新建当场处罚) ------------------------------------------------------------------------------------

SPOT_PAGE = "/cases/cases/on-the-spot/"


def form_data(town, **overrides) -> dict:
    data = {"party_name": "赵某某", "party_kind": "person", "party_id_number": VALID_ID, "party_phone": "",
            "party_address": "", "village": str(town.village.pk), "violation_type": ZDJY,
            "facts": "当事人在石桥村主干道人行道上摆摊销售蔬菜。", "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
            "penalty": "fine", "fine": "120", "officers": [str(town.u["o1"].pk)], "certificates_shown": "on",
            "party_statement": "当事人表示马上收摊。", "violation_place": "石桥村主干道人行道"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_page_decides_and_the_case_page_shows_the_number(client, town):
    client.force_login(town.u["o1"])
    home = client.get("/inbox/").content.decode()
    assert "新建当场处罚" in home and SPOT_PAGE in home
    assert "新建当场处罚" in client.get("/cases/cases/").content.decode()
    page = client.get(SPOT_PAGE)
    assert page.status_code == 200 and "当场作出处罚决定" in page.content.decode()

    # refused above Art 51: the Chinese reason beside the fine, nothing typed lost, no rule code
    refused = client.post(SPOT_PAGE, form_data(town, fine="200.01", party_statement="我只是临时停一下"))
    html = refused.content.decode()
    assert refused.status_code == 409
    assert "超过当场处罚的限额" in html and "Art 51" not in html
    assert "我只是临时停一下" in html and "200.01" in html and "赵某某" in html
    assert not Case.objects.filter(procedure="simple").exists()

    response = client.post(SPOT_PAGE, form_data(town))
    assert response.status_code == 302
    case = Case.objects.get(procedure="simple")
    html = client.get(response["Location"]).content.decode()
    assert case.number in html and "当场处罚决定书" in html and "120" in html
    assert "当场处罚" in html  # the history entry


def test_the_page_is_refused_to_a_principal(client, town):
    client.force_login(town.u["principal"])
    assert "新建当场处罚" not in client.get("/inbox/").content.decode()
    response = client.post(SPOT_PAGE, form_data(town))
    assert response.status_code == 403
    assert not Case.objects.filter(procedure="simple").exists()


def test_filing_and_hand_over_pages_from_the_inbox(client, town):
    case = town.on_the_spot()
    detail = f"/cases/cases/{case['id']}/"
    client.force_login(town.u["chief"])
    home = client.get("/inbox/").content.decode()
    assert "当场处罚待备案" in home and detail in home
    filing = f"{detail}transitions/acknowledge_spot_filing/"
    assert filing in client.get(detail).content.decode()
    assert "当场处罚备案" in client.get(filing).content.decode()
    assert client.post(filing, {"filed_on": timezone.localdate().isoformat(), "note": "已备案"}).status_code == 302
    assert "当场处罚待备案" not in client.get("/inbox/").content.decode()

    client.force_login(town.u["o2"])
    home = client.get("/inbox/").content.decode()
    assert "上交当场收缴的罚款" in home
    handover = f"{detail}transitions/record_handover/"
    refused = client.post(handover, {"note": ""})
    assert refused.status_code == 400 and "请填写上交凭据号码或上交说明" in refused.content.decode()
    assert client.post(handover, {"bank_receipt": "镇财政所收据 JK-0001"}).status_code == 302
    page = client.get(detail).content.decode()
    assert "镇财政所收据 JK-0001" in page and "上交当场收缴的罚款" not in client.get("/inbox/").content.decode()


def field_text(html: str, field: str) -> str:
    match = re.search(rf'data-field="{field}"[^>]*>(.*?)</td>', html, re.S)
    assert match, f"no {field} on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_a_fine_collected_on_the_spot_reads_paid_on_the_payment_card(client, town):
    """Art 68–70: the 50 yuan collected on the spot against the official receipt IS the party's payment. The case
    is 已执行 and its 罚款缴纳 card reads 已缴 50.00, 未缴 0.00, 尚欠合计 0.00, the payment listed with its receipt
    number, the decision day and the channel 当场收缴 (the new user saw 未缴 50.00 on an executed case)."""
    case = town.on_the_spot(fine="50", receipt_number="豫财罚0012345")
    assert case["state"] == "executed"
    client.force_login(town.u["o1"])
    html = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert field_text(html, "paid") == "50.00"
    assert field_text(html, "balance") == "0.00"
    assert field_text(html, "total_owed") == "0.00"
    payments = re.search(r'data-table="payments".*?</table>', html, re.S).group(0)
    assert "豫财罚0012345" in payments and "当场收缴" in payments
    assert timezone.localdate().isoformat() in payments
    # nothing is left to pay: a further payment is refused
    response = town.api("o1").post(case_url(case["id"], "payments/"), {
        "amount": "50", "receipt_number": "X-1", "bank": "农业银行", "paid_on": timezone.localdate().isoformat()},
        format="json")
    assert response.status_code == 409


def test_an_uncollected_fine_has_no_payment_and_reads_owed(client, town):
    case = ok(decide(town), 201)
    client.force_login(town.u["o1"])
    html = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert field_text(html, "paid") == "0.00" and field_text(html, "balance") == "150.00"


def test_the_case_page_says_to_write_the_number_on_the_pre_printed_form(client, town):
    """Art 52: the officer fills in a pre-printed, numbered 当场处罚决定书; the case page gives the number to write
    on it, with no reference to a development item (the new user saw '文书模块上线后打印（第14项）')."""
    case = town.on_the_spot()
    client.force_login(town.u["o1"])
    html = client.get(f"/cases/cases/{case['id']}/").content.decode()
    cell = field_text(html, "spot_document")
    assert cell.startswith(case["number"])
    assert "预定格式、编有号码的当场处罚决定书" in cell
    for word in ("第14项", "文书模块", "issue"):
        assert word not in html, word
    page = client.get(SPOT_PAGE).content.decode()
    assert "第14项" not in page and "issue" not in page


def test_the_filing_and_hand_over_forms_name_their_fields(client, town):
    """备案 is dated 备案日期 with a 备案说明; the hand-over has 备注 — neither 立案日期 nor 审批意见."""
    case = town.on_the_spot()
    detail = f"/cases/cases/{case['id']}/"
    client.force_login(town.u["chief"])
    filing = client.get(f"{detail}transitions/acknowledge_spot_filing/").content.decode()
    assert "备案日期" in filing and "备案说明" in filing
    assert "立案日期" not in filing and "审批意见" not in filing
    client.force_login(town.u["o1"])
    handover = client.get(f"{detail}transitions/record_handover/").content.decode()
    assert "备注" in handover and "审批意见" not in handover


def test_the_api_gives_every_input_error_at_once(town):
    """One request missing the place, the collection ground and the receipt: one 400 naming all three fields (the
    new user needed three submissions to see three errors); nothing is written."""
    before = snapshot_counts()
    response = decide(town, fine="100", violation_place="", collected_on_spot=True)
    assert response.status_code == 400
    fields = body_of(response)["fields"]
    assert {"violation_place", "collection_ground", "receipt_number"} <= set(fields), fields
    nothing_written(*before)


def test_the_place_of_the_violation_is_required_and_shown(client, town, clock):
    """Art 52: the on-the-spot decision states the time and place of the violation."""
    assert_refused(decide(town, violation_place="  "), 400, field="violation_place")
    clock.move_to(datetime.datetime(2026, 6, 10, 10, 30, tzinfo=LOCAL))
    case = ok(decide(town, violation_date="2026-06-10", violation_time="09:45", violation_place="石桥村东口"), 201)
    assert case["violation_place"] == "石桥村东口" and case["violation_time"].startswith("09:45")
    client.force_login(town.u["o1"])
    html = client.get(f"/cases/cases/{case['id']}/").content.decode()
    assert field_text(html, "violation_place") == "2026-06-10 09:45 · 石桥村东口"
    # not after the decision: 10:31 the same day is refused, 10:30 accepted
    assert_refused(decide(town, violation_date="2026-06-10", violation_time="10:31", violation_place="东口"), 400,
                   field="violation_time")
    ok(decide(town, violation_date="2026-06-10", violation_time="10:30", violation_place="东口"), 201)


def test_the_page_shows_every_error_after_one_submission(client, town):
    """The phone form: no place, certificate not ticked, collected without ground or receipt — one 400 page with
    every message beside its field, before any rule is checked."""
    client.force_login(town.u["o1"])
    response = client.post(SPOT_PAGE, form_data(town, violation_place="", certificates_shown=None,
                                                 collected_on_spot="on", fine="100"))
    html = response.content.decode()
    assert response.status_code == 400
    for text in ("请填写违法地点", "出示执法证件", "请选择当场收缴罚款的情形", "请填写票据号码"):
        assert text in html, text
    assert not Case.objects.filter(procedure="simple").exists()


def test_the_page_records_the_time_and_place(client, town, clock):
    clock.move_to(datetime.datetime(2026, 6, 10, 10, 30, tzinfo=LOCAL))
    client.force_login(town.u["o1"])
    page = client.get(SPOT_PAGE).content.decode()
    assert "违法地点" in page and "违法时间" in page and "2026-06-10 10:30" in page  # default now
    response = client.post(SPOT_PAGE, form_data(town, violation_at="2026-06-10 09:40", violation_place="石桥村东口"))
    assert response.status_code == 302
    case = Case.objects.get(procedure="simple")
    assert (case.violation_date, case.violation_time, case.violation_place) == (
        datetime.date(2026, 6, 10), datetime.time(9, 40), "石桥村东口")


def test_the_chiefs_filing_row_carries_no_deadline_of_the_officers(client, town):
    """Art 52 sets no period for the filing: the chief's 当场处罚待备案 row shows no date — not the officer's hand-over
    deadline (Art 71), which stays in the officer's own row."""
    case = town.on_the_spot()
    rows = [row for row in ok(town.api("chief").get(INBOX))["results"] if row["kind"] == "case"
            and row["id"] == case["id"]]
    assert len(rows) == 1 and rows[0]["due_at"] is None and rows[0]["deadline_kind"] is None, rows
    officer = [row for row in ok(town.api("o1").get(INBOX))["results"] if row["kind"] == "case"
               and row["id"] == case["id"]]
    assert officer and officer[0]["deadline_kind"] == "case.spot_handover", officer


def test_the_filing_page_shows_what_the_chief_signs_off(client, town):
    """The 备案 page's side card: the fine, when and where, the collection and its receipt number."""
    case = town.on_the_spot(receipt_number="豫财罚0012345", violation_place="石桥村东口")
    client.force_login(town.u["chief"])
    html = client.get(f"/cases/cases/{case['id']}/transitions/acknowledge_spot_filing/").content.decode()
    side = html[html.index('id="case-summary"'):]
    assert "罚款100.00元" in field_text(side, "spot_penalty")
    assert "石桥村东口" in field_text(side, "spot_violation")
    assert "豫财罚0012345" in field_text(side, "spot_collected")
    assert "尚未上交" in field_text(side, "spot_handed_over")


def test_the_hand_over_after_a_revocation_stays_in_the_officers_inbox(town, clock):
    """Art 71 ¶1: the decision revoked on reconsideration (closed) the next day, the cash not handed over — the
    officer's inbox still asks for the hand-over, and it can be recorded."""
    case = town.on_the_spot()
    clock.move_to(timezone.localdate() + datetime.timedelta(days=1))
    remedy = ok(fire(town.api("o1"), case["id"], "record_remedy", kind="reconsideration", body="县人民政府"))
    remedy_id = remedy["remedies"][0]["id"]
    assert ok(fire(town.api("o1"), case["id"], "record_remedy", remedy=remedy_id, outcome="revoked",
                   note="复议机关撤销"))["state"] == "closed"
    rows = [row for row in ok(town.api("o1").get(INBOX))["results"] if row["kind"] == "case"
            and row["id"] == case["id"]]
    assert rows and rows[0]["action"] == "上交当场收缴的罚款", rows
    body = ok(fire(town.api("o1"), case["id"], "record_handover", bank_receipt="JK-9"))
    assert body["state"] == "closed" and body["handed_over_on"] == timezone.localdate().isoformat()


def test_the_same_form_sent_twice_records_one_decision(client, town):
    """A second tap / a re-sent form: the form's one-time token is used once; the second sending records nothing and
    shows the case already recorded, with a warning. The page disables its button on submit (data-lf-once)."""
    client.force_login(town.u["o1"])
    page = client.get(SPOT_PAGE).content.decode()
    assert "data-lf-once" in page and "submit-once.js" in page
    token = re.search(r'name="submission" value="([0-9a-f]+)"', page).group(1)
    first = client.post(SPOT_PAGE, form_data(town, submission=token))
    assert first.status_code == 302
    second = client.post(SPOT_PAGE, form_data(town, submission=token))
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Case.objects.filter(procedure="simple").count() == 1
    html = client.get(second["Location"]).content.decode()
    assert "该表单已经提交过" in html
    # a new form (a new token) is a new decision
    token2 = re.search(r'name="submission" value="([0-9a-f]+)"', client.get(SPOT_PAGE).content.decode()).group(1)
    assert token2 != token
    assert client.post(SPOT_PAGE, form_data(town, submission=token2, party_name="钱某某")).status_code == 302
    assert Case.objects.filter(procedure="simple").count() == 2


def test_a_hand_over_dated_tomorrow_reads_as_a_date_not_after_today(client, town):
    """The refusal reads 上交日期不得晚于今日 (the new user saw '当场收缴罚款的上交2026-12-05晚于今日')."""
    case = town.on_the_spot()
    client.force_login(town.u["o1"])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(f"/cases/cases/{case['id']}/transitions/record_handover/",
                           {"handed_over_on": tomorrow, "bank_receipt": "JK-1"})
    html = response.content.decode()
    assert response.status_code == 400 and "上交日期不得晚于今日" in html, html[:2000]
    assert_refused(fire(town.api("o1"), case["id"], "record_handover", handed_over_on=tomorrow, bank_receipt="JK"),
                   400, field="handed_over_on")
