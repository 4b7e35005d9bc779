"""The documents of decisions and meetings (DESIGN §10, CONTRACT §6) over the API and in the web UI: the
合法性审查意见书 numbered as the judicial office gives its opinion, the 决定正文 once signed, the 会议纪要 once the
meeting is held; 409 before, 401 without login, 404 for what does not exist; reading never issues."""

import re
import urllib.parse

import pytest
from django.utils import timezone

from documents import rendering
from documents.models import IssuedDocument
from workflows.models import NumberPattern

from .case_fixtures import town_fixture  # noqa: F401 - the `town` fixture
from .document_helpers import docx_text, pdf_text, squeeze
from .test_decision_flow import BODY, OPINION, TITLE, fire_ok, ok, to_state

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def documents(client, owner, pk):
    return ok(client.get(f"/api/v1/{owner}/{pk}/documents/"))


def row(rows, kind, index=0):
    found = [r for r in rows if r["kind"] == kind]
    assert found, rows
    return found[index]


def download(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return response


def test_the_review_opinion_is_numbered_when_given_and_carries_the_review(api, users):
    decision, _ = to_state(api, users, "review_passed")
    year = timezone.localdate().year
    rows = documents(api["drafter"], "decisions", decision["id"])
    opinion = row(rows, "legality_review_opinion")
    assert opinion["available"] and opinion["number"] == f"石司法审〔{year}〕1号"
    assert opinion["title"] == "合法性审查意见书" and opinion["record_id"] and "通过" in opinion["record_label"]
    assert opinion["formats"] == ["docx", "pdf"] and set(opinion["urls"]) == {"docx", "pdf"}
    text = docx_text(download(api["drafter"], opinion["urls"]["docx"]).content)
    for expected in (f"石司法审〔{year}〕1号", "石桥镇人民政府", "合法性审查意见书", TITLE, "农业农村办", OPINION,
                     "《重大行政决策程序暂行条例》第二十五条至第二十八条", str(users["judicial"])):
        assert expected in text, expected
    response = download(api["drafter"], opinion["urls"]["pdf"])
    assert response["Content-Type"] == "application/pdf"
    assert urllib.parse.quote(f"〔{year}〕1号") in response["Content-Disposition"]
    pdf = pdf_text(response.content)
    for expected in (f"石司法审〔{year}〕1号", TITLE, OPINION, "第二十五条至第二十八条"):
        assert squeeze(expected) in pdf, expected


def test_each_opinion_is_its_own_numbered_document(api, users):
    decision, _ = to_state(api, users, "returned")
    pk = decision["id"]
    fire_ok(api["drafter"], pk, "submit_for_review", comment="已补充。")
    fire_ok(api["judicial"], pk, "fail_review", opinion="超越法定职权。", authority_ok=False)
    year = timezone.localdate().year
    opinions = [r for r in documents(api["judicial"], "decisions", pk) if r["kind"] == "legality_review_opinion"]
    assert [r["number"] for r in opinions] == [f"石司法审〔{year}〕1号", f"石司法审〔{year}〕2号"]
    second = docx_text(download(api["judicial"], opinions[1]["urls"]["docx"]).content)
    assert "超越法定职权。" in second and "请补充法律依据。" not in second


def test_before_the_opinion_there_is_none_and_the_decision_text_waits_for_the_signature(api, users):
    decision, _ = to_state(api, users, "in_review")
    rows = documents(api["drafter"], "decisions", decision["id"])
    assert not row(rows, "legality_review_opinion")["available"]
    # no opinion yet: its URL answers 409 with the list's reason (CONTRACT §6)
    refused_opinion = download(api["drafter"], row(rows, "legality_review_opinion")["urls"]["docx"], 409)
    assert refused_opinion.json()["detail"] == row(rows, "legality_review_opinion")["reason"]
    assert "司法所" in row(rows, "legality_review_opinion")["reason"]
    text = row(rows, "decision_text")
    assert not text["available"] and "签发" in text["reason"] and text["number"] == ""
    refused = download(api["drafter"], f"/api/v1/decisions/{decision['id']}/documents/decision_text.docx", 409)
    assert refused.json() == {"error": "document-unavailable", "detail": text["reason"]}


def test_the_admin_pattern_numbers_the_review_opinion(api, users):
    NumberPattern.objects.create(scope="doc:legality_review_opinion", pattern="{town}司审意〔{year}〕第{seq}号")
    decision, _ = to_state(api, users, "review_passed")
    year = timezone.localdate().year
    assert row(documents(api["drafter"], "decisions", decision["id"]),
               "legality_review_opinion")["number"] == f"石司审意〔{year}〕第1号"


def test_the_signed_decision_text_carries_its_number_body_and_signing_date(api, users):
    decision, _ = to_state(api, users, "signed", party_committee_report_required=False)
    signed = row(documents(api["secretary"], "decisions", decision["id"]), "decision_text")
    assert signed["available"] and signed["number"] == decision["number"]
    day = timezone.localdate()
    date_text = f"{day.year}年{day.month}月{day.day}日"
    response = download(api["secretary"], signed["urls"]["docx"])
    assert response["Content-Type"] == DOCX_TYPE
    text = docx_text(response.content)
    for expected in (decision["number"], "石桥镇人民政府", TITLE, BODY, date_text):
        assert expected in text, expected
    # Headed with the decision's own title, not the kind's label; a 下行文 carries no 签发人 (GB/T 9704 §7.2.6).
    assert "决定正文" not in text and "签发人" not in text and str(users["principal"]) not in text
    assert signed["title"] == "决定正文"  # the list keeps the kind's title
    pdf = pdf_text(download(api["secretary"], signed["urls"]["pdf"]).content)
    for expected in (decision["number"], TITLE, BODY, date_text):
        assert squeeze(expected) in pdf, expected
    assert "决定正文" not in pdf and "签发人" not in pdf


def test_the_minutes_exist_once_the_meeting_is_held(api, users):
    decision, meeting = to_state(api, users, "scheduled")
    early = row(documents(api["chair"], "meetings", meeting["id"]), "minutes")
    assert not early["available"] and early["reason"]
    download(api["chair"], f"/api/v1/meetings/{meeting['id']}/documents/minutes.pdf", 409)
    decision, meeting = to_state(api, users, "approved")
    minutes = row(documents(api["chair"], "meetings", meeting["id"]), "minutes")
    assert minutes["available"] and minutes["number"] == meeting["number"]
    text = docx_text(download(api["chair"], minutes["urls"]["docx"]).content)
    for expected in ("会议纪要", meeting["number"], meeting["title"], str(users["chair"]), str(users["judicial"]),
                     TITLE, "通过", "会议由镇长主持，司法所列席，逐项审议议题。"):
        assert expected in text, expected
    pdf = pdf_text(download(api["chair"], minutes["urls"]["pdf"]).content)
    for expected in (meeting["number"], TITLE, "会议由镇长主持，司法所列席，逐项审议议题。"):
        assert squeeze(expected) in pdf, expected


def test_reading_a_document_never_issues_it(api, users):
    decision, _ = to_state(api, users, "review_passed")
    issued = list(IssuedDocument.objects.values_list("kind", "number"))
    url = row(documents(api["drafter"], "decisions", decision["id"]), "legality_review_opinion")["urls"]["docx"]
    download(api["drafter"], url)
    download(api["drafter"], f"/api/v1/decisions/{decision['id']}/documents/decision_text.docx", 409)
    assert list(IssuedDocument.objects.values_list("kind", "number")) == issued
    assert [kind for kind, _ in issued] == ["legality_review_opinion"]


def test_without_login_the_documents_answer_401(api, users, client):
    decision, _ = to_state(api, users, "review_passed")
    url = row(documents(api["drafter"], "decisions", decision["id"]), "legality_review_opinion")["urls"]["docx"]
    for path in (f"/api/v1/decisions/{decision['id']}/documents/", url):
        response = client.get(path)
        assert response.status_code == 401 and response.json()["error"] == "not_authenticated"


def test_a_role_that_may_not_see_the_case_gets_403(town):
    case = town.report()
    assert town.api("o1").get(f"/api/v1/cases/{case['id']}/documents/").status_code == 200
    refused = town.api("drafter").get(f"/api/v1/cases/{case['id']}/documents/")
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"


def test_unknown_owner_kind_object_or_record_is_404(api, users):
    decision, meeting = to_state(api, users, "review_passed")
    pk = decision["id"]
    record = row(documents(api["drafter"], "decisions", pk), "legality_review_opinion")["record_id"]
    for path in (f"/api/v1/petitions/{pk}/documents/", "/api/v1/decisions/999999/documents/",
                 f"/api/v1/decisions/{pk}/documents/no_such_kind.docx",
                 f"/api/v1/decisions/{pk}/documents/minutes.docx",  # a meeting's document
                 f"/api/v1/decisions/{pk}/documents/legality_review_opinion.docx",  # per opinion: names it
                 f"/api/v1/decisions/{pk}/documents/legality_review_opinion/{record + 1000}.docx",
                 f"/api/v1/decisions/{pk}/documents/decision_text/{record}.docx"):
        response = api["drafter"].get(path)
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"


def test_without_a_chinese_font_only_word_is_offered(api, users, monkeypatch):
    decision, _ = to_state(api, users, "review_passed")
    monkeypatch.setattr(rendering, "cjk_font_family", lambda: None)
    opinion = row(documents(api["drafter"], "decisions", decision["id"]), "legality_review_opinion")
    assert opinion["formats"] == ["docx"] and set(opinion["urls"]) == {"docx"}
    assert "中文字体" in opinion["pdf_unavailable"]
    pdf_url = f"/api/v1/decisions/{decision['id']}/documents/legality_review_opinion/{opinion['record_id']}.pdf"
    refused = download(api["drafter"], pdf_url, 409)
    assert refused.json()["detail"] == opinion["pdf_unavailable"]


# --- the web UI --------------------------------------------------------------------------------------------


def test_the_decision_page_lists_its_documents_with_print_word_and_pdf(api, users, client):
    decision, _ = to_state(api, users, "review_passed")
    client.force_login(users["drafter"])
    page = client.get(f"/review/decisions/{decision['id']}/")
    html = page.content.decode()
    assert page.status_code == 200 and "文书" in html and "合法性审查意见书" in html
    year = timezone.localdate().year
    assert f"石司法审〔{year}〕1号" in html and "打印" in html and "Word" in html and "PDF" in html
    assert "签发" in html  # why the decision text is not there yet


def test_the_print_page_and_downloads_from_the_session(api, users, client):
    decision, _ = to_state(api, users, "review_passed")
    record = row(documents(api["drafter"], "decisions", decision["id"]), "legality_review_opinion")["record_id"]
    base = f"/documents/decisions/{decision['id']}/legality_review_opinion/{record}/"
    assert client.get(base + "print/").status_code == 302  # to the login page
    client.force_login(users["drafter"])
    html = client.get(base + "print/").content.decode()
    year = timezone.localdate().year
    assert f"石司法审〔{year}〕1号" in html and OPINION in html and "mdc-drawer" not in html
    assert "@page" in html and "A4" in html
    # A 打印 button and the way back to the decision, both hidden when printed (so never in the PDF).
    # The button prints through a script file (no inline handler: the Content-Security-Policy refuses those).
    assert re.search(r'<button type="button" data-lf-print>打印</button>', html) and "onclick" not in html
    assert '<script src="/static/lawflow/page-actions.js" defer></script>' in html
    assert f'href="/review/decisions/{decision["id"]}/"' in html
    assert "@media print { .print-bar { display: none; } }" in html
    word = client.get(base + "file.docx")
    assert word["Content-Type"] == DOCX_TYPE and OPINION in docx_text(word.content)
    pdf = client.get(base + "file.pdf")
    assert pdf["Content-Type"] == "application/pdf" and "打印" not in pdf_text(pdf.content)
    assert "返回" not in pdf_text(pdf.content) and squeeze(OPINION) in pdf_text(pdf.content)
    assert client.get(f"/documents/decisions/{decision['id']}/decision_text/print/").status_code == 409


def test_the_meeting_page_shows_the_minutes_card_and_the_print_view(api, users, client):
    decision, meeting = to_state(api, users, "approved")
    client.force_login(users["secretary"])
    html = client.get(f"/review/meetings/{meeting['id']}/").content.decode()
    assert "会议纪要" in html and meeting["number"] in html
    page = client.get(f"/documents/meetings/{meeting['id']}/minutes/print/").content.decode()
    assert meeting["number"] in page and TITLE in page


@pytest.fixture
def case_kind():
    """A test-only document of the case (the case's own kinds are registered by cases/documents.py)."""
    from documents import registry

    kind = registry.DocumentKind(name="test_case_note", owner="cases", title="测试文书",
                                 context=lambda case, record: {"sections": [{"heading": "", "paragraphs": ["案件测试"]}]},
                                 unavailable=lambda case, record: None)
    registry.register(kind)
    yield kind
    registry._kinds.pop(kind.name, None)


def test_the_case_documents_are_forbidden_to_a_role_that_may_not_see_the_case(town, client, case_kind):
    case = town.report()
    base = f"/documents/cases/{case['id']}/test_case_note/"
    client.force_login(town.u["o1"])
    assert "案件测试" in client.get(base + "print/").content.decode()
    client.force_login(town.u["drafter"])
    assert client.get(base + "print/").status_code == 403
    assert client.get(base + "file.docx").status_code == 403
    assert town.api("drafter").get(f"/api/v1/cases/{case['id']}/documents/test_case_note.docx").status_code == 403
    assert client.get(f"/documents/cases/{case['id']}/no_such_kind/print/").status_code == 404


def test_without_a_chinese_font_the_card_says_why_there_is_no_pdf(api, users, client, monkeypatch):
    decision, _ = to_state(api, users, "review_passed")
    monkeypatch.setattr(rendering, "cjk_font_family", lambda: None)
    client.force_login(users["drafter"])
    html = client.get(f"/review/decisions/{decision['id']}/").content.decode()
    assert "中文字体" in html and 'data-format="docx"' in html and 'data-format="pdf"' not in html


def test_the_last_page_of_the_minutes_has_body_text_with_the_date(api, users):
    """GB/T 9704: the date is never alone on the last page of the 会议纪要 (the minutes grow across a page
    break)."""
    from review.models import Meeting

    decision, meeting_row = to_state(api, users, "approved")
    meeting = Meeting.objects.get(pk=meeting_row["id"])
    date_text = f"{meeting.date.year}年{meeting.date.month}月{meeting.date.day}日"
    pages_seen = set()
    for lines in range(10, 24, 2):
        Meeting.objects.filter(pk=meeting.pk).update(
            minutes="\n".join(f"第{n}项讨论：" + "与会人员逐项审议并发表意见。" * 6 for n in range(lines)))
        meeting.refresh_from_db()
        pages = pdf_pages(rendering.render_pdf("minutes", meeting))
        pages_seen.add(len(pages))
        rest = pages[-1].replace(date_text, "").replace(f"—{len(pages)}—", "")
        assert date_text in pages[-1] and len(rest) > 20, f"{lines} lines: the last page holds {pages[-1]!r}"
    assert max(pages_seen) > 1


def pdf_pages(data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    return ["".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_the_minutes_are_issued_and_frozen_when_the_meeting_closes(api, users):
    """Every agenda item has its outcome only when the meeting closes: the 会议纪要 is a draft until then and is
    issued, with its content frozen, after the close (the history shows the close first)."""
    from review.models import Meeting
    from workflows.models import AuditEntry

    decision, meeting_row = to_state(api, users, "approved")
    meeting = Meeting.objects.get(pk=meeting_row["id"])
    assert not IssuedDocument.objects.filter(kind="minutes", owner_id=meeting.pk).exists()
    ok(api["secretary"].post(f"/api/v1/meetings/{meeting.pk}/transitions/close/", {}, format="json"))
    issued = IssuedDocument.objects.get(kind="minutes", owner_id=meeting.pk)
    assert "通过" in "".join(issued.snapshot["sections"][0]["paragraphs"])
    steps = list(AuditEntry.objects.filter(object_type="review.meeting", object_id=str(meeting.pk))
                 .order_by("id").values_list("transition", flat=True))
    assert steps.index("close") < steps.index("issue_document")
    Meeting.objects.filter(pk=meeting.pk).update(minutes="事后改写的纪要。")
    meeting.refresh_from_db()
    text = docx_text(rendering.render_docx("minutes", meeting))
    assert "会议由镇长主持，司法所列席，逐项审议议题。" in text and "事后改写的纪要" not in text
