"""Enforcement cases driven over the REST API from report to the end, as the brigade works them
(CONTRACT §5 "Enforcement cases", DESIGN §3 and §4): the ordinary penalty case, a mediated case, a major
case through legal review, a hearing case, transfers, a declined report, and the inbox of each role.
"""

import datetime

import pytest

from notifications import calendar
from workflows.audit import verify_chain

from .case_fixtures import (
    CASES,
    INBOX,
    WFJS,
    ZDJY,
    add_inquiry,
    assert_refused,
    assert_unchanged,
    at_nine,
    certify,
    client_for,
    deadline,
    due,
    file_case,
    fire,
    get_case,
    has_deadline,
    history_names,
    make_user,
    ok,
    registered_on,
    report_case,
    snapshot,
    today,
    town_fixture,  # noqa: F401 - the fixture `town`
    transition_names,
    working_days_after,
    working_days_ago,
)
from .clock import LOCAL

pytestmark = [pytest.mark.clock, pytest.mark.django_db]


def open_kinds(case):
    return sorted(d["kind"] for d in case["deadlines"] if d["status"] == "open")


# --------------------------------------------------------------------------------------------------
# (a) report → file → inquiry → notify → submit (waiver) → decide → serve → execute → close
# --------------------------------------------------------------------------------------------------


def test_penalty_case_from_report_to_closed(town):
    officer, chief, principal = town.api("o1"), town.api("chief"), town.api("principal")
    day = today()

    case = ok(report_case(officer), 201)
    case_id = case["id"]
    assert case["state"] == "reported" and case["number"] is None
    assert case["party"]["id_number"] == "110105********002X"  # masked; whole on an audited request (issue 17)
    assert history_names(case) == ["report"]
    assert case["history"][0]["user"] == "officer-o1"
    filing = deadline(case, "case.filing")
    assert filing["status"] == "open"
    assert due(case, "case.filing") == working_days_after(day, 15)
    assert case["limitation_warning"] is None

    as_chief = get_case(chief, case_id)
    assert {"file", "decline", "transfer"} <= set(transition_names(as_chief))
    assert transition_names(get_case(officer, case_id)) == []  # filing is the chief's

    # 立案: the number, the 90-day clock, the officers
    filed = ok(file_case(chief, case_id, town.pair, comment="符合立案条件"))
    assert filed["state"] == "investigating"
    assert filed["number"] == f"石综执立〔{day.year}〕1号"
    assert filed["filed_on"] == day.isoformat()
    assert sorted(o["username"] for o in filed["officers"]) == ["officer-o1", "officer-o2"]
    assert deadline(filed, "case.filing")["status"] == "closed"
    decision_deadline = deadline(filed, "case.decision")
    assert decision_deadline["status"] == "open"
    assert due(filed, "case.decision") == day + datetime.timedelta(days=90)
    assert "第60条" in decision_deadline["basis"]
    assert decision_deadline["due_at"].startswith(decision_deadline["due_date"])
    assert filed["history"][-1]["transition"] == "file"
    assert filed["history"][-1]["user"] == "chief"
    assert filed["history"][-1]["source"] == "reported" and filed["history"][-1]["target"] == "investigating"

    # 询问笔录 with two certified officers
    records = ok(add_inquiry(officer, case_id, town.pair, subject_name="王某某"), 201)
    assert len(records) == 1
    assert sorted(o["username"] for o in records[0]["officers"]) == ["officer-o1", "officer-o2"]
    assert records[0]["recorded_by"] == "officer-o1"
    after_inquiry = get_case(officer, case_id)
    assert len(after_inquiry["inquiries"]) == 1
    assert history_names(after_inquiry)[-1] == "record_inquiry"

    # 告知: fine inside 0–2,000; the statement window opens for 3 working days
    assert "notify" in transition_names(after_inquiry)
    notified = ok(fire(officer, case_id, "notify", facts="当事人在主干道占道经营，经劝导未改正。",
                       legal_basis="《城市市容和环境卫生管理条例》第三十六条", proposed_fine="800"))
    assert notified["state"] == "notified"
    assert notified["proposed_fine"] == "800.00"
    assert notified["notified_on"] == day.isoformat()
    assert notified["hearing_eligible"] is False and notified["major"] is False
    statement = deadline(notified, "case.statement_window")
    assert statement["status"] == "open"
    assert due(notified, "case.statement_window") == working_days_after(day, 3)
    assert not has_deadline(notified, "case.hearing_request")

    # the party waived statement in writing → decision
    deciding = ok(fire(officer, case_id, "submit_decision", waiver=True))
    assert deciding["state"] == "deciding" and deciding["waiver"] is True
    assert deadline(deciding, "case.statement_window")["status"] == "closed"
    assert "decide" in transition_names(get_case(principal, case_id))

    decided = ok(fire(principal, case_id, "decide", outcome="penalty", fine="800", measures_note="责令改正"))
    assert decided["state"] == "decided"
    assert decided["outcome"] == "penalty" and decided["fine"] == "800.00"
    assert decided["decided_by"] == "principal" and decided["decided_on"] == day.isoformat()
    assert deadline(decided, "case.decision")["status"] == "closed"
    assert deadline(decided, "case.service")["status"] == "open"
    assert due(decided, "case.service") == working_days_after(day, 7)
    assert deadline(decided, "case.publicity")["status"] == "open"

    served = ok(fire(officer, case_id, "serve", method="直接送达", served_on=day))
    assert served["state"] == "served" and served["served_on"] == day.isoformat()
    assert deadline(served, "case.service")["status"] == "closed"
    assert deadline(served, "case.payment")["status"] == "open"
    last_day = day + datetime.timedelta(days=15)  # Art 67's 15 days; the start day is excluded (民法典 Art 201)
    while not calendar.is_workday(last_day):  # 民法典 Art 203: a last day on a rest day moves to the next working day
        last_day += datetime.timedelta(days=1)
    assert due(served, "case.payment") == last_day
    assert served["late_payment_surcharge"] is None
    assert "close" not in transition_names(get_case(chief, case_id))  # C9: a penalty is executed first

    # 罚缴分离 (Art 67): the party pays at the bank; the officer records the receipt before recording execution
    # (the self-check refuses to close a file whose fine the receipts do not cover).
    ok(officer.post(f"{CASES}{case_id}/payments/", {"amount": "800", "receipt_number": "NB-0800", "bank": "农业银行石桥支行",
                                                     "paid_on": day.isoformat()}, format="json"), 201)
    executed = ok(fire(officer, case_id, "record_execution", detail="当事人已缴纳罚款800元", executed_on=day))
    assert executed["state"] == "executed"
    assert deadline(executed, "case.payment")["status"] == "closed"

    # Art 48 ¶1: not closed while the publicity period runs with no record of the decision's publicity
    before = snapshot(case_id)
    assert_refused(fire(chief, case_id, "close", summary="罚款已缴纳，案件办结。"), 409, rule="Art 48")
    assert_unchanged(before, case_id)
    ok(officer.post(f"{CASES}{case_id}/publicity/", {"channel": "镇政府门户网站", "published_on": day.isoformat()},
                    format="json"))
    closed = ok(fire(chief, case_id, "close", summary="罚款已缴纳，案件办结。"))
    assert closed["state"] == "closed"
    assert closed["closing_summary"] == "罚款已缴纳，案件办结。"
    assert transition_names(closed) == []
    # The notice and the decision are issued with their numbers right after their steps (DESIGN §10).
    assert history_names(closed) == ["report", "file", "record_inquiry", "notify", "issue_document", "submit_decision",
                                     "decide", "issue_document", "serve", "record_payment", "record_execution",
                                     "record_publicity",
                                     "close"]
    by = {h["transition"]: h["user"] for h in closed["history"]}
    assert by["decide"] == "principal" and by["close"] == "chief" and by["serve"] == "officer-o1"
    assert verify_chain().intact


# --------------------------------------------------------------------------------------------------
# (b) mediation (C8)
# --------------------------------------------------------------------------------------------------


def test_mediated_case_ends_by_the_principals_no_penalty_decision(town):
    # Issue 12 (C8): mediation_succeeded no longer closes the case; the agency head decides (Art 33 ¶1), and an
    # agreement inside a case opens no judicial-confirmation deadline (人民调解法 Art 33 covers committees only).
    officer, principal = town.api("o1"), town.api("principal")
    case = town.investigating(violation_type=ZDJY)
    assert "start_mediation" in transition_names(get_case(officer, case["id"]))

    mediating = ok(fire(officer, case["id"], "start_mediation", comment="摊主与邻近商户同意调解"))
    assert mediating["state"] == "mediating"
    assert {"mediation_succeeded", "mediation_failed"} <= set(transition_names(mediating))

    agreement = "摊主退回一米线内经营，商户不再阻拦，双方互不追究。"
    mediated = ok(fire(officer, case["id"], "mediation_succeeded", agreement=agreement, violation_corrected=True))
    assert mediated["state"] == "deciding"
    assert mediated["outcome"] == ""
    assert mediated["mediation_agreement"]["agreement"] == agreement
    assert mediated["mediation_agreement"]["concluded_on"] == today().isoformat()
    assert mediated["mediation_agreement"]["violation_corrected"] is True
    assert not has_deadline(mediated, "mediation.confirmation")
    assert deadline(mediated, "case.decision")["status"] == "open"
    # officers may give a new notice (Art 45 ¶2), never end the case themselves
    assert not {"decide", "revoke_filing", "close"} & set(transition_names(mediated))
    assert history_names(mediated)[-2:] == ["start_mediation", "mediation_succeeded"]
    assert {"decide", "revoke_filing"} <= set(transition_names(get_case(principal, case["id"])))

    decided = ok(fire(principal, case["id"], "decide", outcome="no_penalty", no_penalty_ground="minor_corrected",
                      education="已当场对当事人进行批评教育，当事人已退回线内经营。"))
    assert decided["state"] == "decided" and decided["outcome"] == "no_penalty" and decided["fine"] is None
    assert decided["no_penalty_ground"] == "minor_corrected"
    assert deadline(decided, "case.decision")["status"] == "closed"
    served = ok(fire(officer, case["id"], "serve", method="直接送达"))
    closed = ok(fire(town.api("chief"), case["id"], "close", summary="调解后不予处罚，结案"))
    assert served["state"] == "served" and closed["state"] == "closed"


def test_failed_mediation_returns_to_investigation(town):
    officer = town.api("o1")
    case = town.mediating()
    back = ok(fire(officer, case["id"], "mediation_failed", reason="双方分歧较大，调解不成"))
    assert back["state"] == "investigating"
    assert back["mediation_agreement"] is None
    assert deadline(back, "case.decision")["status"] == "open"


# --------------------------------------------------------------------------------------------------
# (c) a major case: legal review (C5) and collective discussion (C6)
# --------------------------------------------------------------------------------------------------


def test_major_case_waits_for_the_windows_then_goes_through_legal_review(town):
    officer, judicial, principal = town.api("o1"), town.api("judicial"), town.api("principal")

    # notified today: the windows are open
    fresh = town.notified("1500", violation_type=WFJS, major=True, major_reason="涉及重大公共利益")
    assert fresh["major"] is True and fresh["major_reason"] == "涉及重大公共利益"
    before = snapshot(fresh["id"])
    assert_refused(fire(officer, fresh["id"], "submit_decision", waiver=True), 409, rule="C5")
    assert_refused(fire(officer, fresh["id"], "submit_decision"), 409, rule="C5")
    assert "submit_legal_review" not in transition_names(get_case(officer, fresh["id"]))
    refused = assert_refused(fire(officer, fresh["id"], "submit_legal_review"), 409, rule="C4")
    assert due(fresh, "case.statement_window").isoformat() in refused["detail"]
    assert_unchanged(before, fresh["id"])

    # notified ten working days ago: the windows have passed
    case = town.notified("1500", violation_type=WFJS, major=True, major_reason="案情复杂",
                         notified_on=working_days_ago(10))
    case_id = case["id"]
    assert "submit_legal_review" in transition_names(get_case(officer, case_id))
    assert_refused(fire(officer, case_id, "submit_decision", waiver=True), 409, rule="C5")

    in_review = ok(fire(officer, case_id, "submit_legal_review", comment="提请法制审核"))
    assert in_review["state"] == "legal_review"
    as_judicial = get_case(judicial, case_id)
    assert {"pass_legal_review", "return_legal_review"} <= set(transition_names(as_judicial))
    assert transition_names(get_case(officer, case_id)) == []

    passed = ok(fire(judicial, case_id, "pass_legal_review", opinion="事实清楚，证据确凿，适用依据正确，程序合法。"))
    assert passed["state"] == "deciding"
    assert [(r["reviewer"], r["outcome"]) for r in passed["legal_reviews"]] == [("judicial", "passed")]

    before = snapshot(case_id)
    assert_refused(fire(principal, case_id, "decide", outcome="penalty", fine="1500"), 409, rule="C6")
    assert_refused(fire(principal, case_id, "decide", outcome="penalty", fine="1500", collective_discussion="  "),
                   409, rule="C6")
    assert_unchanged(before, case_id)

    # Art 57 ¶2: the record names who attended (at least two) besides its conclusion
    assert_refused(fire(principal, case_id, "decide", outcome="penalty", fine="1500",
                        collective_discussion="2026年镇长办公会集体讨论，同意处罚。",
                        collective_discussion_attendees=["镇长"]), 409, rule="C6")
    assert_unchanged(before, case_id)
    decided = ok(fire(principal, case_id, "decide", outcome="penalty", fine="1500",
                      collective_discussion="2026年镇长办公会集体讨论，同意处罚。",
                      collective_discussion_attendees=["镇长", "分管副镇长", "司法所所长"]))
    assert decided["collective_discussion_record"] == {
        "attendees": ["镇长", "分管副镇长", "司法所所长"], "conclusion": "2026年镇长办公会集体讨论，同意处罚。",
        "held_on": decided["decided_on"]}
    assert decided["state"] == "decided"
    assert decided["collective_discussion"].startswith("2026年镇长办公会")


# --------------------------------------------------------------------------------------------------
# (d) a hearing case (Art 63, 64)
# --------------------------------------------------------------------------------------------------


def test_hearing_case(town, clock):
    officer, judicial, principal = town.api("o1"), town.api("judicial"), town.api("principal")
    day = today()
    case = town.notified("20000", violation_type=WFJS)
    case_id = case["id"]
    assert case["hearing_eligible"] is True and case["major"] is False
    assert deadline(case, "case.hearing_request")["status"] == "open"
    assert due(case, "case.hearing_request") == working_days_after(day, 5)
    assert due(case, "case.statement_window") == working_days_after(day, 3)
    assert "request_hearing" in transition_names(case)

    hearing = ok(fire(officer, case_id, "request_hearing", requested_on=day))
    assert hearing["state"] == "hearing"
    assert hearing["hearing_requested_on"] == day.isoformat()
    assert hearing["major"] is True and hearing["major_reason"]
    assert deadline(hearing, "case.hearing_request")["status"] == "closed"

    # Art 64: no record before a hearing is scheduled (the old flow took any text right after the request)
    before = snapshot(case_id)
    assert_refused(fire(officer, case_id, "finish_hearing", hearing_record="笔录", record_signed=True), 409,
                   rule="Art 64")
    assert_unchanged(before, case_id)
    hearing_day = working_days_after(day, 7)
    scheduled = ok(fire(officer, case_id, "schedule_hearing", hearing_at=at_nine(hearing_day),
                        presiding_officer=town.u["o3"].pk, public=True))
    assert scheduled["presiding_officer"]["username"] == "officer-o3"
    assert scheduled["hearing_public"] is True and scheduled["hearing_notice_on"] == day.isoformat()

    clock.move_to(datetime.datetime.combine(hearing_day, datetime.time(11, 0), tzinfo=LOCAL))
    in_review = ok(fire(officer, case_id, "finish_hearing", hearing_record="听证会于镇政府会议室举行，当事人到场陈述。",
                        record_signed=True))
    assert in_review["state"] == "legal_review"
    assert in_review["hearing_record"].startswith("听证会") and in_review["hearing_record_signed"] is True

    ok(fire(judicial, case_id, "pass_legal_review", opinion="听证程序合法，拟处罚适当。"))
    assert_refused(fire(principal, case_id, "decide", outcome="penalty", fine="20000"), 409, rule="C6")
    decided = ok(fire(principal, case_id, "decide", outcome="penalty", fine="20000",
                      collective_discussion="镇政府负责人集体讨论决定。", collective_discussion_attendees=["镇长", "副镇长"]))
    assert decided["state"] == "decided" and decided["fine"] == "20000.00"


def test_hearing_requested_after_the_window_is_refused(town):
    officer = town.api("o1")
    notified_on = working_days_ago(10)
    case = town.notified("20000", violation_type=WFJS, notified_on=notified_on)
    window_end = due(case, "case.hearing_request")
    assert window_end == working_days_after(notified_on, 5) and window_end < today()
    before = snapshot(case["id"])
    refused = assert_refused(fire(officer, case["id"], "request_hearing", requested_on=today()), 409,
                             rule="C4 Art 64")
    assert window_end.isoformat() in refused["detail"]
    assert_unchanged(before, case["id"])
    assert get_case(officer, case["id"])["state"] == "notified"


def test_hearing_request_on_a_fine_below_the_threshold_is_refused(town):
    officer = town.api("o1")
    case = town.notified("9999.99", violation_type=WFJS)
    assert case["hearing_eligible"] is False
    assert not has_deadline(case, "case.hearing_request")
    before = snapshot(case["id"])
    assert_refused(fire(officer, case["id"], "request_hearing", requested_on=today()), 409, rule="Art 63")
    assert_unchanged(before, case["id"])


def test_hearing_threshold_itself_entitles_a_hearing(town):
    case = town.notified("10000", violation_type=WFJS)
    assert case["hearing_eligible"] is True


# --------------------------------------------------------------------------------------------------
# (e) transfer, (f) decline
# --------------------------------------------------------------------------------------------------


def test_transfer_from_reported(town):
    chief = town.api("chief")
    case = town.report(violation_type=WFJS)
    moved = ok(fire(chief, case["id"], "transfer", to="县自然资源和规划局", reason="属于规划部门管辖"))
    assert moved["state"] == "transferred"
    assert moved["transferred_to"] == "县自然资源和规划局"
    assert moved["transfer_reason"] == "属于规划部门管辖"
    assert moved["number"] is None
    assert deadline(moved, "case.filing")["status"] == "closed"
    assert open_kinds(moved) == []
    # Issue 13 (Art 27; 国务院令第310号 Art 8): only the receiving body's receipt is left to record, once.
    assert transition_names(moved) == ["record_transfer_receipt"]
    received = ok(fire(chief, case["id"], "record_transfer_receipt", received_on=moved["reported_at"][:10],
                       receiver="县自然资源和规划局 执法监察大队"))
    assert received["state"] == "transferred" and transition_names(received) == []


def test_transfer_from_investigating(town):
    chief = town.api("chief")
    case = town.investigating()
    moved = ok(fire(chief, case["id"], "transfer", to="县市场监督管理局", reason="涉嫌无照经营，移送主管部门"))
    assert moved["state"] == "transferred"
    assert moved["number"] == case["number"]
    assert deadline(moved, "case.decision")["status"] == "closed"
    assert open_kinds(moved) == []


def test_transfer_needs_a_destination_and_a_reason(town):
    chief = town.api("chief")
    case = town.report()
    before = snapshot(case["id"])
    assert_refused(fire(chief, case["id"], "transfer", reason="不属本机关管辖"), 400, field="to")
    assert_refused(fire(chief, case["id"], "transfer", to="县公安局"), 400, field="reason")
    assert_unchanged(before, case["id"])


def test_decline_to_file(town):
    chief = town.api("chief")
    case = town.report()
    before = snapshot(case["id"])
    assert_refused(fire(chief, case["id"], "decline"), 400, field="reason")
    assert_unchanged(before, case["id"])

    declined = ok(fire(chief, case["id"], "decline", reason="经核查，违法事实不存在。"))
    assert declined["state"] == "not_filed"
    assert declined["decline_reason"] == "经核查，违法事实不存在。"
    assert declined["number"] is None
    assert deadline(declined, "case.filing")["status"] == "closed"
    assert open_kinds(declined) == []
    assert transition_names(declined) == []


# --------------------------------------------------------------------------------------------------
# The inbox (DESIGN §6: each state maps to the role that acts in it)
# --------------------------------------------------------------------------------------------------


def inbox_cases(client):
    data = ok(client.get(INBOX))
    return {item["id"]: item for item in data["results"] if item["kind"] == "case"}


def test_inbox_chief_sees_reported_cases(town):
    case = town.report()
    items = inbox_cases(town.api("chief"))
    assert case["id"] in items
    assert items[case["id"]]["state"] == "reported"
    assert items[case["id"]]["deadline_kind"] == "case.filing"
    assert case["id"] not in inbox_cases(town.api("o1"))


def test_inbox_only_the_assigned_officers_see_an_investigating_case(town):
    case = town.investigating(officers=[town.u["o1"], town.u["o2"]])
    assert case["id"] in inbox_cases(town.api("o1"))
    assert case["id"] in inbox_cases(town.api("o2"))
    assert case["id"] not in inbox_cases(town.api("o3"))
    assert case["id"] not in inbox_cases(town.api("chief"))
    assert inbox_cases(town.api("o1"))[case["id"]]["deadline_kind"] == "case.decision"


def test_inbox_judicial_office_sees_cases_in_legal_review(town):
    in_review = town.legal_review()
    notified = town.notified()
    items = inbox_cases(town.api("judicial"))
    assert in_review["id"] in items and items[in_review["id"]]["state"] == "legal_review"
    assert notified["id"] not in items
    assert in_review["id"] not in inbox_cases(town.api("o1"))  # the officers wait for the review


def test_inbox_judicial_office_does_not_see_its_own_cases(town):
    reviewer = make_user("judicial_office", "enforcement_officer", username="judicial-and-officer",
                         legal_qualification=True)
    certify(reviewer, "CERT-JO")
    other = town.legal_review()  # officers o1, o2

    own = town.report(violation_type=WFJS)
    registered_on(own["id"], working_days_ago(30))
    ok(file_case(town.api("chief"), own["id"], [reviewer, town.u["o1"]], filed_on=working_days_ago(30)))
    ok(fire(town.api("o1"), own["id"], "notify", facts="事实", legal_basis="依据", proposed_fine="1500", major=True,
            major_reason="案情复杂", notified_on=working_days_ago(10)))
    ok(fire(town.api("o1"), own["id"], "submit_legal_review"))

    judicial_items = inbox_cases(town.api("judicial"))
    assert other["id"] in judicial_items and own["id"] in judicial_items
    items = inbox_cases(client_for(reviewer))
    assert other["id"] in items and items[other["id"]]["state"] == "legal_review"
    assert own["id"] not in items  # recusal (Art 58)


def test_inbox_principal_sees_cases_awaiting_decision(town):
    deciding = town.deciding()
    notified = town.notified()
    items = inbox_cases(town.api("principal"))
    assert deciding["id"] in items and items[deciding["id"]]["state"] == "deciding"
    assert notified["id"] not in items
    assert deciding["id"] not in inbox_cases(town.api("judicial"))
