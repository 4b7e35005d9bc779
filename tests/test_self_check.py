"""The pre-closure self-check (案卷评查, DESIGN §10, CONTRACT §6): each veto in turn keeps `close` refused with rule
`case-file`; a clean file passes with its documented score; the score is kept once the case is closed.

A legitimately processed case cannot carry a veto (the flow refuses each defect at its step), so each veto is
made by changing the stored file behind the flow's back — a file imported from paper, or altered in the database.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, OfficerCertificate, Payment, ViolationType
from cases.self_check import vetoes
from documents.models import Attachment
from notifications.models import Deadline

from .case_fixtures import (
    ZDJY,
    add_inquiry,
    assert_refused,
    case_url,
    fire,
    ok,
    town_fixture,  # noqa: F401 (the `town` fixture)
    transition_names,
)

pytestmark = pytest.mark.clock  # certificates, decisions and deadlines are dated from today


def self_check(town, case_id, who="chief"):
    return ok(town.api(who).get(case_url(case_id, "self-check/")))


def close(town, case_id):
    return fire(town.api("chief"), case_id, "close", summary="案件已执行完毕，予以结案。")


def clean_case(town) -> dict:
    """A general-procedure penalty with an inquiry record on file, executed and made public: nothing to deduct."""
    case = town.investigating()
    ok(add_inquiry(town.api("o1"), case["id"], town.pair), 201)
    ok(fire(town.api("o1"), case["id"], "notify", facts="经查，当事人在主干道占道摆摊经营，事实清楚，证据确凿。",
            legal_basis="依据《城市市容和环境卫生管理条例》第三十六条", proposed_fine="500"))
    ok(fire(town.api("o1"), case["id"], "submit_decision", waiver=True))
    ok(fire(town.api("principal"), case["id"], "decide", outcome="penalty", fine="500"))
    served = ok(fire(town.api("o1"), case["id"], "serve", method="直接送达"))
    town.pay_in_full(served)  # the bank's receipt (Art 67): an executed fine is paid
    ok(fire(town.api("o1"), case["id"], "record_execution", detail="罚款已缴纳"))
    return ok(town.api("o1").post(case_url(case["id"], "publicity/"), {"channel": "镇政府门户网站"}, format="json"))


def assert_close_refused_for(town, case_id, code):
    check = self_check(town, case_id)
    assert check["passed"] is False
    assert code in [item["code"] for item in check["vetoes"]], check
    veto = next(item for item in check["vetoes"] if item["code"] == code)
    data = assert_refused(close(town, case_id), 409, rule="case-file")
    assert veto["detail"].rstrip("。") in data["detail"] and "。；" not in data["detail"]
    assert Case.objects.get(pk=case_id).state == "executed"
    assert Case.objects.get(pk=case_id).self_check_score is None
    return veto


# --- a clean file ---------------------------------------------------------------------------------------------


def test_a_clean_file_passes_with_full_marks_and_the_score_is_kept_on_close(town):
    case = clean_case(town)
    check = self_check(town, case["id"])
    assert check == {"passed": True, "score": 100, "vetoes": [], "deductions": []}
    assert "close" in transition_names(ok(town.api("chief").get(case_url(case["id"]))))
    closed = ok(close(town, case["id"]))
    assert closed["state"] == "closed"
    row = Case.objects.get(pk=case["id"])
    assert row.self_check_score == 100 and row.self_check_at is not None
    assert row.self_check_result["passed"] is True
    assert closed["self_check_score"] == 100


def test_a_file_without_evidence_loses_the_documented_points_and_still_closes(town):
    case = town.executed()  # no inquiry record, no evidence uploaded
    check = self_check(town, case["id"])
    assert check["passed"] is True
    assert [(item["code"], item["points"]) for item in check["deductions"]] == [("evidence_missing", 15)]
    assert check["score"] == 85
    ok(close(town, case["id"]))
    assert Case.objects.get(pk=case["id"]).self_check_score == 85
    # kept: evidence uploaded after closing does not change the kept score
    Attachment.objects.create(owner_type="cases", owner_id=case["id"], file="x.jpg", title="现场照片",
                              category="photo", content_type="image/jpeg", size=1, sha256="0" * 64,
                              uploaded_by=town.u["o1"])
    assert Case.objects.get(pk=case["id"]).self_check_score == 85


def test_evidence_uploaded_without_a_signed_scan_deducts_the_form_points(town):
    case = clean_case(town)
    Attachment.objects.create(owner_type="cases", owner_id=case["id"], file="x.jpg", title="现场照片",
                              category="photo", content_type="image/jpeg", size=1, sha256="0" * 64,
                              uploaded_by=town.u["o1"])
    check = self_check(town, case["id"])
    assert [item["code"] for item in check["deductions"]] == ["signed_scans_missing"]
    assert check["score"] == 95
    Attachment.objects.create(owner_type="cases", owner_id=case["id"], file="y.pdf", title="送达回证",
                              category="service_proof", content_type="application/pdf", size=1, sha256="1" * 64,
                              uploaded_by=town.u["o1"])
    assert self_check(town, case["id"])["score"] == 100


def test_a_fine_outside_the_range_and_a_missed_deadline_lower_the_score(town):
    case = clean_case(town)
    Case.objects.filter(pk=case["id"]).update(fine=Decimal("2000.01"))  # ZDJY: 0–2,000 yuan
    codes = {item["code"]: item["points"] for item in self_check(town, case["id"])["deductions"]}
    assert codes == {"discretion": 15}
    Case.objects.filter(pk=case["id"]).update(fine=Decimal("2000"))  # the boundary: within the range
    assert self_check(town, case["id"])["score"] == 100


# --- each veto in turn ----------------------------------------------------------------------------------------


def test_wrong_body_an_inactive_violation_type(town):
    case = clean_case(town)
    ViolationType.objects.filter(code=ZDJY).update(active=False)
    assert_close_refused_for(town, case["id"], "wrong_body")


def test_uncertified_officer_on_the_day_of_filing(town):
    case = clean_case(town)
    filed_on = datetime.date.fromisoformat(case["filed_on"])
    # the certificate of o2 was issued the day after the filing: not valid when o2 was assigned (Art 42)
    OfficerCertificate.objects.filter(officer=town.u["o2"]).update(issued_on=filed_on + datetime.timedelta(days=1))
    veto = assert_close_refused_for(town, case["id"], "uncertified_officer")
    assert town.u["o2"].display_name in veto["detail"]
    # the boundary: issued on the very day is valid
    OfficerCertificate.objects.filter(officer=town.u["o2"]).update(issued_on=filed_on)
    assert self_check(town, case["id"])["passed"] is True


def test_fewer_than_two_officers(town):
    case = clean_case(town)
    Case.objects.get(pk=case["id"]).officers.remove(town.u["o2"])
    assert_close_refused_for(town, case["id"], "too_few_officers")


def test_no_prior_notice_before_the_penalty(town):
    case = clean_case(town)
    decided_on = datetime.date.fromisoformat(case["decided_on"])
    Case.objects.filter(pk=case["id"]).update(notified_on=None)
    assert_close_refused_for(town, case["id"], "no_prior_notice")
    Case.objects.filter(pk=case["id"]).update(notified_on=decided_on + datetime.timedelta(days=1))
    assert_close_refused_for(town, case["id"], "no_prior_notice")
    # the boundary: notified the same day (the party waived its period in writing) is a notice before the decision
    Case.objects.filter(pk=case["id"]).update(notified_on=decided_on)
    assert self_check(town, case["id"])["passed"] is True


def test_no_service_proof(town):
    case = clean_case(town)
    Case.objects.filter(pk=case["id"]).update(service_method="")
    assert_close_refused_for(town, case["id"], "no_service_proof")


def test_no_legal_review_for_a_major_case(town):
    case = clean_case(town)
    Case.objects.filter(pk=case["id"]).update(major=True, major_reason="涉及重大公共利益")
    assert_close_refused_for(town, case["id"], "no_legal_review")


def test_wrong_procedure_a_hearing_eligible_fine_without_the_hearing_offered(town):
    case = clean_case(town)
    ViolationType.objects.filter(code=ZDJY).update(hearing_threshold=Decimal("500"))  # 500 ≥ 500: eligible
    assert_close_refused_for(town, case["id"], "wrong_procedure")
    ViolationType.objects.filter(code=ZDJY).update(hearing_threshold=Decimal("500.01"))
    assert self_check(town, case["id"])["passed"] is True


def test_wrong_procedure_on_the_spot_beyond_the_limit(town):
    case = town.on_the_spot(fine="100")
    ok(fire(town.api("chief"), case["id"], "acknowledge_spot_filing", note="已备案"))
    ok(fire(town.api("o1"), case["id"], "record_handover", bank_receipt="JK-2"))
    Case.objects.filter(pk=case["id"]).update(fine=Decimal("200.01"))  # Art 51: a person, at most 200 yuan
    assert_close_refused_for(town, case["id"], "wrong_procedure")
    Case.objects.filter(pk=case["id"]).update(fine=Decimal("200"))
    Payment.objects.filter(case_id=case["id"]).update(amount=Decimal("200"))  # the file as altered: paid in full
    assert self_check(town, case["id"])["passed"] is True
    assert ok(close(town, case["id"]))["state"] == "closed"


# --- the page ---------------------------------------------------------------------------------------------------


def test_the_page_shows_the_vetoes_and_refuses_to_close(town):
    case = clean_case(town)
    Case.objects.filter(pk=case["id"]).update(service_method="")
    client = Client()
    client.force_login(town.u["chief"])
    page = client.get(reverse("cases:cases:detail", args=[case["id"]])).content.decode()
    assert 'data-card="self-check"' in page and "案卷自查" in page
    assert 'data-veto="no_service_proof"' in page and "送达" in page
    response = client.post(reverse("cases:cases:transition", args=[case["id"], "close"]),
                           {"summary": "结案"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "案卷自查" in text or "评查" in text
    assert "case-file" not in text  # a clerk's words, no rule code
    assert Case.objects.get(pk=case["id"]).state == "executed"


def test_every_role_that_sees_the_case_sees_the_kept_score(town):
    case = clean_case(town)
    ok(close(town, case["id"]))
    for who in ("o1", "principal", "judicial"):
        client = Client()
        client.force_login(town.u[who])
        page = client.get(reverse("cases:cases:detail", args=[case["id"]])).content.decode()
        assert 'data-field="self_check_score"' in page and "100" in page
    listing = Client()
    listing.force_login(town.u["judicial"])
    text = listing.get(reverse("cases:cases:index") + "?scope=all").content.decode()
    assert 'data-field="self_check_score"' in text



# --- findings of the new-user walk (issue 14) ---------------------------------------------------------------------

INBOX = "/api/v1/inbox/"


def pay(town, case_id, amount, receipt):
    return town.api("o1").post(case_url(case_id, "payments/"), {
        "amount": amount, "receipt_number": receipt, "bank": "农业银行石桥支行",
        "paid_on": Case.objects.get(pk=case_id).executed_on.isoformat(),  # the bank's date: the execution's day
    }, format="json")


def chief_inbox_actions(town, case_id) -> list[str]:
    return [row["action"] for row in ok(town.api("chief").get(INBOX))["results"]
            if row["kind"] == "case" and row["id"] == case_id]


def test_an_executed_fine_not_covered_by_its_receipts_is_vetoed_naming_the_balance(town):
    """Art 66-67, 72 statute; 行政强制法 Art 53: execution recorded in words only ("罚款已缴纳") while no receipt
    covers the fine is a file closed with the fine owed. The veto names the balance; the chief's inbox says the
    file needs correcting; the officer records the late receipts, and at the boundary (paid in full) it closes."""
    case = town.served()
    ok(fire(town.api("o1"), case["id"], "record_execution", detail="罚款已缴纳"))
    ok(town.api("o1").post(case_url(case["id"], "publicity/"), {"channel": "镇政府门户网站"}, format="json"))
    veto = assert_close_refused_for(town, case["id"], "fine_unpaid")
    assert "尚欠500.00元" in veto["detail"] and "登记的缴款凭证合计只有0.00元" in veto["detail"]
    assert "缴款凭证" in veto["fix"] and "申请人民法院强制执行" in veto["fix"]
    assert chief_inbox_actions(town, case["id"]) == ["结案前须纠正（案卷自查有否决项）"]
    # the receipts recorded after the execution: one cent short is still a veto (the boundary) …
    ok(pay(town, case["id"], "499.99", "NB-0001"), 201)
    veto = assert_close_refused_for(town, case["id"], "fine_unpaid")
    assert "尚欠0.01元" in veto["detail"]
    # … the whole fine is not
    ok(pay(town, case["id"], "0.01", "NB-0002"), 201)
    assert self_check(town, case["id"])["passed"] is True
    assert chief_inbox_actions(town, case["id"]) == ["结案"]
    assert ok(close(town, case["id"]))["state"] == "closed"


def test_a_fine_enforced_by_the_court_is_not_vetoed_as_unpaid(town):
    """行政强制法 Art 57-58: the court's enforcement executes the decision; no bank receipt of the town's is needed."""
    case = clean_case(town)
    Payment.objects.filter(case_id=case["id"]).delete()
    assert "fine_unpaid" in [v["code"] for v in self_check(town, case["id"])["vetoes"]]
    Case.objects.filter(pk=case["id"]).update(court_outcome=Case.CourtOutcome.ENFORCED)
    assert "fine_unpaid" not in [v["code"] for v in self_check(town, case["id"])["vetoes"]]


def test_the_veto_names_the_officer_in_chinese_order(town):
    town.u["o2"].last_name, town.u["o2"].first_name = "何", "平"
    town.u["o2"].save()
    case = clean_case(town)
    filed_on = datetime.date.fromisoformat(case["filed_on"])
    OfficerCertificate.objects.filter(officer=town.u["o2"]).update(issued_on=filed_on + datetime.timedelta(days=1))
    veto = assert_close_refused_for(town, case["id"], "uncertified_officer")
    assert veto["detail"].startswith("何平在") and "平 何" not in veto["detail"]


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_case_page_and_the_close_page_say_why_closing_is_refused(town):
    case = clean_case(town)
    Case.objects.filter(pk=case["id"]).update(service_method="")
    client = Client()
    client.force_login(town.u["chief"])
    html = client.get(reverse("cases:cases:detail", args=[case["id"]])).content.decode()
    # the button stays, disabled, with the reasons and what to do beside it
    assert 'data-transition="close"' not in html and 'data-blocked-transition="close"' in html
    text = plain(html)
    assert "暂不能结案" in text and "案卷自查有否决项，不能结案：无送达凭证：" in text
    assert "请按送达回证补录决定书的送达日期和送达方式" in text and "请纠正后再结案" in text
    assert "[case-file]" not in text and "。；" not in text
    # the close page opened directly: the vetoes, not the generic notice
    url = reverse("cases:cases:transition", args=[case["id"], "close"])
    page = plain(client.get(url).content.decode())
    assert "案卷自查有否决项" in page and "请按送达回证补录" in page
    assert "您目前无法对此对象执行此操作" not in page
    response = client.post(url, {"summary": "结案"})
    posted = plain(response.content.decode())
    assert response.status_code == 409 and "无送达凭证" in posted and "请按送达回证补录" in posted
    assert "您目前无法对此对象执行此操作" not in posted and "fails the self-check" not in posted
    assert "结案" in posted  # what was typed is kept
    # an officer (who may not close) sees no blocked button
    officer = Client()
    officer.force_login(town.u["o1"])
    assert 'data-blocked-transition="close"' not in officer.get(reverse("cases:cases:detail",
                                                                        args=[case["id"]])).content.decode()


def test_a_closed_case_shows_its_kept_check_in_chinese(town):
    case = clean_case(town)
    ok(close(town, case["id"]))
    client = Client()
    client.force_login(town.u["chief"])
    text = plain(client.get(reverse("cases:cases:detail", args=[case["id"]])).content.decode())
    assert "结案时（" in text and "保存的自查结果" in text and "As kept" not in text


def test_a_missed_deadline_is_named_with_its_due_date(town):
    case = clean_case(town)
    deadline = Deadline.objects.filter(object_type="cases.case", object_id=case["id"],
                                       status=Deadline.Status.CLOSED).select_related("rule").first()
    late = deadline.due_date + datetime.timedelta(days=1)
    Deadline.objects.filter(pk=deadline.pk).update(closed_on=late)
    item = next(d for d in self_check(town, case["id"])["deductions"] if d["code"] == "deadlines_missed")
    assert item["points"] == 5
    assert item["detail"] == f"{deadline.rule.name}：{deadline.due_date}到期，{late}才完成"
    # the boundary: met on the due date is not missed
    Deadline.objects.filter(pk=deadline.pk).update(closed_on=deadline.due_date)
    assert "deadlines_missed" not in [d["code"] for d in self_check(town, case["id"])["deductions"]]


def test_a_transferred_case_is_not_checked_as_a_wrong_body(town):
    """Art 27: transferring a case that is not the town's is the lawful step; the self-check does not apply."""
    case = town.case_in("transferred")
    response = town.api("chief").get(case_url(case["id"], "self-check/"))
    data = assert_refused(response, 409)
    assert "不适用结案前的案卷自查" in data["detail"]
    assert vetoes(Case.objects.get(pk=case["id"])) == []
