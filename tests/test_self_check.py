"""The pre-closure self-check (案卷评查, DESIGN §10, CONTRACT §6): each veto in turn keeps `close` refused with rule
`case-file`; a clean file passes with its documented score; the score is kept once the case is closed.

A legitimately processed case cannot carry a veto (the flow refuses each defect at its step), so each veto is
made by changing the stored file behind the flow's back — a file imported from paper, or altered in the database.
"""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, OfficerCertificate, ViolationType
from documents.models import Attachment

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
    ok(fire(town.api("o1"), case["id"], "serve", method="直接送达"))
    ok(fire(town.api("o1"), case["id"], "record_execution", detail="罚款已缴纳"))
    return ok(town.api("o1").post(case_url(case["id"], "publicity/"), {"channel": "镇政府门户网站"}, format="json"))


def assert_close_refused_for(town, case_id, code):
    check = self_check(town, case_id)
    assert check["passed"] is False
    assert code in [item["code"] for item in check["vetoes"]], check
    veto = next(item for item in check["vetoes"] if item["code"] == code)
    data = assert_refused(close(town, case_id), 409, rule="case-file")
    assert veto["detail"] in data["detail"]
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
    assert town.u["o2"].username in veto["detail"]
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

