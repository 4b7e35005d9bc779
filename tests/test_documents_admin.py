"""The admin of documents: a replacement Word template is tried before it is kept and then used; a number
pattern without {year} and {seq} is refused; issued documents are read only."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from docx import Document

from documents import rendering, services
from documents.models import DocumentTemplate, IssuedDocument
from review.models import Decision, Meeting
from workflows.models import NumberPattern, User

from .conftest import make_user
from .document_helpers import docx_text

pytestmark = pytest.mark.django_db

ADD_TEMPLATE = "/admin/documents/documenttemplate/add/"


@pytest.fixture
def admin_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    return client


def word_file(*paragraphs) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(client, data: bytes, kind="minutes", name="t.docx"):
    return client.post(ADD_TEMPLATE, {"kind": kind, "note": "本镇格式",
                                      "file": SimpleUploadedFile(name, data)})


def test_the_help_text_lists_the_context_keys(admin_client):
    html = admin_client.get(ADD_TEMPLATE).content.decode()
    for key in ("issuer", "number", "fields", "sections", "rights", "signatures", "seal", "footnote"):
        assert key in html
    assert "会议纪要" in html  # the kinds offered


def test_a_file_that_is_not_a_word_file_is_refused(admin_client):
    response = upload(admin_client, b"just text, not a zip", name="fake.docx")
    assert response.status_code == 200 and "不是 Word 文件" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_a_template_whose_tags_cannot_be_filled_is_refused(admin_client):
    response = upload(admin_client, word_file("{{ number }", "{% for x in %}"))
    assert response.status_code == 200 and "模板标记" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_an_uploaded_template_replaces_the_bundled_one(admin_client):
    response = upload(admin_client, word_file("本镇纪要 {{ title }} 编号：{{ number }}",
                                              "{%p for s in sections %}", "{{ s.heading }}", "{%p endfor %}"))
    assert response.status_code == 302, response.content.decode()[:2000]
    template = DocumentTemplate.objects.get(kind="minutes")
    assert template.uploaded_by.username == "root"
    chair = make_user("meeting_chair")
    meeting = Meeting.objects.create(title="第3次党政联席会议", date="2026-03-02", chair=chair, created_by=chair)
    Meeting.objects.filter(pk=meeting.pk).update(held_at="2026-03-02T10:00:00+08:00", number="2026年第3次党政联席会议",
                                                 state="held", minutes="议定事项。")
    meeting.refresh_from_db()
    text = docx_text(rendering.render_docx("minutes", meeting))
    assert "本镇纪要 会议纪要 编号：2026年第3次党政联席会议" in text
    assert "二、会议纪要" in text and "石桥镇人民政府" not in text  # the admin's layout, not the bundled one


def test_a_number_pattern_without_seq_is_refused_in_the_admin(admin_client):
    response = admin_client.post("/admin/workflows/numberpattern/add/",
                                 {"scope": "doc:legality_review_opinion", "pattern": "{town}司法审〔{year}〕号"})
    assert response.status_code == 200 and "{seq}" in response.content.decode()
    assert not NumberPattern.objects.exists()
    response = admin_client.post("/admin/workflows/numberpattern/add/",
                                 {"scope": "doc:legality_review_opinion", "pattern": "{town}司法审〔{year}〕{seq}号"})
    assert response.status_code == 302
    assert NumberPattern.objects.get().pattern == "{town}司法审〔{year}〕{seq}号"


def test_issued_documents_are_read_only_in_the_admin(admin_client):
    drafter = make_user("drafter")
    decision = Decision.objects.create(title="决定", body="正文", category="major_decision", department="党政办",
                                       created_by=drafter)
    with transaction.atomic():
        issued = services.issue("decision_text", decision, on=datetime.date(2026, 5, 6))
    assert admin_client.get("/admin/documents/issueddocument/").status_code == 200
    assert admin_client.get("/admin/documents/issueddocument/add/").status_code == 403
    response = admin_client.post(f"/admin/documents/issueddocument/{issued.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and IssuedDocument.objects.filter(pk=issued.pk).exists()


def test_the_admin_site_names_documents_and_number_series_in_chinese(admin_client):
    html = admin_client.get("/admin/").content.decode()
    for name in ("文书模板", "已制发文书", "编号序列"):
        assert name in html, name
    for english in ("Document templates", "Issued documents", "Number sequences"):
        assert english not in html, english
