"""The case file (案卷, issue 14 item 5, CONTRACT §6): one PDF in the canonical order — cover, index with the right
page numbers, the documents in procedure order, the evidence, the execution records, the 备考表 stating the real
page count — and a ZIP of the same; only for roles that see cases."""

import io
import re
import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader

from cases.models import Case
from documents import rendering
from documents.attachments import store_attachment
from tests.case_fixtures import town_fixture  # noqa: F401 - the fixture `town`
from tests.conftest import client_for, make_user

pytestmark = [pytest.mark.clock, pytest.mark.django_db(transaction=False)]

needs_font = pytest.mark.skipif(rendering.pdf_unavailable_reason() is not None,
                                reason="no Chinese font on this machine (CI installs one)")


def pages_text(data: bytes) -> list[str]:
    return ["".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


def a_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def with_photo(town, case_id):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    case = Case.objects.get(pk=case_id)
    store_attachment("cases", case, file=SimpleUploadedFile("scene.jpg", a_photo(), content_type="image/jpeg"),
                     category="photo", title="现场照片", user=town.u["o1"])


@needs_font
def test_the_case_file_pdf_in_canonical_order_with_right_page_numbers(town):
    body = town.served()
    with_photo(town, body["id"])
    response = town.api("chief").get(f"/api/v1/cases/{body['id']}/case-file.pdf")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert "filename" in response["Content-Disposition"]
    pages = pages_text(response.content)
    case = Case.objects.get(pk=body["id"])
    # Cover first: the file's heading, the case number, the cause and the party.
    assert "行政处罚案卷" in pages[0] and case.number in pages[0] and case.party.name in pages[0]
    assert case.violation_type.name in pages[0]
    # The index on page 2 lists each document with the page where it starts; check each against the PDF.
    index = pages[1]
    assert "卷内目录" in index
    raw_index = PdfReader(io.BytesIO(response.content)).pages[1].extract_text()
    starts = {}
    for line in raw_index.splitlines():
        # a row: serial, title (record), number, page — the page is the line's last figure
        match = re.match(r"\s*\d+\s*(立案审批表|行政处罚事先告知书|行政处罚决定书)\S*\s+\S+号\s+(\d+)\s*$", line)
        if match:
            starts.setdefault(match.group(1), int(match.group(2)))
    assert len(starts) == 3, raw_index
    # 立案审批表 before 事先告知书 before 决定书 (procedure order), and each starts on the page the index gives.
    assert starts["立案审批表"] < starts["行政处罚事先告知书"] < starts["行政处罚决定书"], raw_index
    for title, start in starts.items():
        assert title in pages[start - 1], (title, start)
    # Every page carries its number at its foot.
    for number, text in enumerate(pages, 1):
        assert f"—{number}—" in text, (number, text[-40:])
    # The evidence: the photo's title and its SHA-256.
    evidence_pages = [t for t in pages if "现场照片" in t and "SHA-256" in t]
    assert evidence_pages
    # The 备考表 is last and states the real page count.
    assert "备考表" in pages[-1]
    assert f"本卷共{len(pages)}页" in pages[-1]


@needs_font
def test_the_case_file_zip_holds_each_document_and_the_original_photo(town):
    body = town.served()
    with_photo(town, body["id"])
    response = town.api("o1").get(f"/api/v1/cases/{body['id']}/case-file.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "00-案卷.pdf" in names and "目录.txt" in names
    assert any(n.startswith("文书/") and "行政处罚决定书" in n and n.endswith(".docx") for n in names)
    assert any(n.startswith("文书/") and "行政处罚决定书" in n and n.endswith(".pdf") for n in names)
    photo = [n for n in names if n.startswith("证据/")]
    assert len(photo) == 1 and archive.read(photo[0]) == a_photo()
    assert Case.objects.get(pk=body["id"]).number in archive.read("目录.txt").decode()


def test_roles_that_do_not_see_cases_get_no_case_file(town):
    body = town.served()
    drafter = client_for(make_user("drafter", username="drafter-2"))
    for fmt in ("pdf", "zip"):
        assert drafter.get(f"/api/v1/cases/{body['id']}/case-file.{fmt}").status_code == 403
    assert town.api("chief").get("/api/v1/cases/999999/case-file.pdf").status_code == 404


def test_without_a_chinese_font_the_pdf_says_why(town, monkeypatch):
    body = town.served()
    monkeypatch.setattr(rendering, "cjk_font_family", lambda: None)
    response = town.api("chief").get(f"/api/v1/cases/{body['id']}/case-file.pdf")
    assert response.status_code == 409
    assert response.json()["error"] == "document-unavailable" and response.json()["detail"]
    # The ZIP still carries the Word files.
    zipped = town.api("chief").get(f"/api/v1/cases/{body['id']}/case-file.zip")
    assert zipped.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert any(n.endswith(".docx") for n in names) and not any(n.endswith(".pdf") for n in names)


def test_the_case_page_offers_the_case_file(town):
    from django.test import Client  # noqa: PLC0415

    body = town.served()
    client = Client()
    client.force_login(town.u["chief"])
    page = client.get(f"/cases/cases/{body['id']}/").content.decode()
    assert f"/api/v1/cases/{body['id']}/case-file.pdf" in page and f"/api/v1/cases/{body['id']}/case-file.zip" in page
