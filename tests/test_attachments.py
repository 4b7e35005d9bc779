"""Attachments (evidence) of cases, decisions and meetings (issue 14 item 4, DESIGN §10, CONTRACT §6): real bytes
in, the type read from them, the size limit, the SHA-256 in the audit chain and re-hashed by verify_audit, who may
see and upload, thumbnails, the storage API, and no stray file when the database write fails."""

import datetime
import hashlib
import io
from urllib.parse import quote

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.test import Client
from PIL import Image
from pypdf import PdfWriter

from documents import registry
from documents.models import Attachment
from review.models import Decision, Meeting
from workflows.models import AuditEntry

from .case_fixtures import Town, town_fixture  # noqa: F401 - the `town` fixture
from .conftest import client_for, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


# --- real sample files ---------------------------------------------------------------------------------------

def jpeg_bytes(size=(40, 20), color=(200, 30, 30), orientation=None) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 128, 0, 128)).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(padding: int = 0) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    # Bytes after %%EOF (a scanner's trailer): still a PDF to a reader, and a way to reach an exact size.
    return out.getvalue() + b"\n" * padding


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2000
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 500 + b"This program cannot be run in DOS mode"
HTML = "<!DOCTYPE html><html><body><script>alert(1)</script>现场照片</body></html>".encode()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


# --- the three owners ----------------------------------------------------------------------------------------

class Objects:
    def __init__(self, town):
        self.town = town
        case = town.investigating()
        self.case_id = case["id"]
        self.secretary = make_user("office_secretary")
        self.decision = Decision.objects.create(
            title="关于石桥镇集贸市场改造的决定", body="正文（草案）", category="major_decision", department="党政办",
            created_by=town.u["drafter"], public_participation_required=False,
            participation_exemption_ground="涉及国家秘密，依法不予公开。")
        self.meeting = Meeting.objects.create(title="第十二次党政联席会议", date=datetime.date(2026, 12, 7),
                                              chair=self.secretary, created_by=self.secretary)

    def target(self, owner):
        """(object id, the user who may attach to it, an API client for them)."""
        if owner == "cases":
            return self.case_id, self.town.u["o1"]
        if owner == "decisions":
            return self.decision.pk, self.town.u["drafter"]
        return self.meeting.pk, self.secretary


@pytest.fixture
def objs(town):
    return Objects(town)


def post(client, owner, pk, file, category="photo", title="现场照片", **extra):
    return client.post(f"/api/v1/{owner}/{pk}/attachments/",
                       {"file": file, "category": category, "title": title, **extra}, format="multipart")


def body(response):
    return response.json()


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- upload, list, download ----------------------------------------------------------------------------------

@pytest.mark.parametrize("owner", ["cases", "decisions", "meetings"])
def test_a_photo_is_stored_with_its_hash_listed_and_downloaded_by_the_api(objs, owner, media):
    pk, user = objs.target(owner)
    client = client_for(user)
    data = jpeg_bytes()
    response = post(client, owner, pk, upload("现场照片 1.jpg", data, "image/jpeg"), title="现场照片一")
    assert response.status_code == 201, response.content
    created = body(response)
    assert created["sha256"] == hashlib.sha256(data).hexdigest()
    assert created["size"] == len(data)
    assert created["content_type"] == "image/jpeg"
    assert created["category"] == "photo"
    assert created["title"] == "现场照片一"
    assert created["uploaded_by"] == user.username
    assert created["uploaded_at"]
    assert created["thumbnail_url"].endswith(f"/api/v1/attachments/{created['id']}/thumbnail/")

    listed = body(client.get(f"/api/v1/{owner}/{pk}/attachments/"))
    assert [a["id"] for a in listed] == [created["id"]]

    download = client.get(created["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert b"".join(download.streaming_content) == data
    # RFC 5987: the Chinese file name survives in filename*.
    assert f"filename*=utf-8''{quote('现场照片 1.jpg')}" in download["Content-Disposition"]

    thumbnail = client.get(created["thumbnail_url"])
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))).format == "JPEG"

    entry = AuditEntry.objects.get(transition="attach", object_id=str(pk))
    assert entry.fields["attachment_id"] == created["id"]
    assert entry.fields["sha256"] == created["sha256"]
    assert entry.fields["size"] == len(data) and entry.fields["content_type"] == "image/jpeg"
    assert entry.fields["stored_name"] == Attachment.objects.get(pk=created["id"]).file.name
    assert entry.username == user.username
    # The stored name is the attachment's own, not the uploader's.
    assert "现场照片" not in entry.fields["stored_name"]
    assert (media / entry.fields["stored_name"]).read_bytes() == data


@pytest.mark.parametrize("owner", ["cases", "decisions", "meetings"])
def test_the_upload_form_on_the_object_page_stores_and_returns_to_the_page(objs, owner):
    pk, user = objs.target(owner)
    page = Client()
    page.force_login(user)
    obj_url = registry.owner(owner).url(registry.owner(owner).model.objects.get(pk=pk))
    before = page.get(obj_url)
    assert before.status_code == 200
    assert f'action="/attachments/{owner}/{pk}/upload/"' in before.content.decode()
    assert 'accept="image/*,audio/*,video/*,application/pdf"' in before.content.decode()
    assert "capture" not in before.content.decode().split('type="file"')[1].split(">")[0]

    response = page.post(f"/attachments/{owner}/{pk}/upload/",
                         {"file": upload("送达回证.pdf", pdf_bytes()), "category": "service_proof", "title": "送达回证扫描件"})
    assert response.status_code == 302
    assert response["Location"] == obj_url + "#attachments"
    after = page.get(obj_url).content.decode()
    attachment = Attachment.objects.get(owner_type=owner, owner_id=pk)
    assert "送达回证扫描件" in after
    assert f"/api/v1/attachments/{attachment.pk}/download/" in after
    assert attachment.sha256[:12] in after
    assert "上传附件" in after  # the history card names the audit entry
    download = page.get(f"/api/v1/attachments/{attachment.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_the_page_keeps_what_was_typed_and_says_why_beside_the_field(objs):
    pk, user = objs.target("cases")
    page = Client()
    page.force_login(user)
    response = page.post(f"/attachments/cases/{pk}/upload/",
                         {"file": upload("照片.jpg", EXE), "category": "photo", "title": "违法建设现场"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error="file"' in html
    assert "不接受" in html  # the clerk's words, in Chinese
    assert 'value="违法建设现场"' in html
    assert '<option value="photo" selected>' in html
    assert not Attachment.objects.exists()


def test_the_card_offers_the_form_only_to_who_may_attach(objs):
    chair = make_user("meeting_chair")
    page = Client()
    page.force_login(chair)
    html = page.get(f"/review/meetings/{objs.meeting.pk}/").content.decode()
    assert 'id="attachments"' in html
    assert "/attachments/meetings/" not in html
    # An officer who is not one of the case's officers sees the case's files but adds none.
    page.force_login(objs.town.u["o3"])
    html = page.get(f"/cases/cases/{objs.case_id}/").content.decode()
    assert 'id="attachments"' in html and f"/attachments/cases/{objs.case_id}/upload/" not in html
    assert post(client_for(objs.town.u["o3"]), "cases", objs.case_id, upload("a.jpg", jpeg_bytes())).status_code == 403


# --- types from the bytes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,content,label", [
    ("现场照片.jpg", EXE, "a program renamed .jpg"),
    ("通知.html", HTML, "an HTML page"),
    ("图.svg", SVG, "an SVG picture with a script"),
    ("照片.jpg", b"just some text pretending to be a photo" * 20, "text named .jpg"),
])
def test_a_file_whose_bytes_are_not_an_accepted_type_is_refused(objs, media, name, content, label):
    pk, user = objs.target("cases")
    response = post(client_for(user), "cases", pk, upload(name, content, "image/jpeg"), category="evidence")
    assert response.status_code == 400, label
    assert body(response)["error"] == "invalid"
    assert "file" in body(response)["fields"]
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("name,content,category,content_type", [
    ("录像.mp4", MP4, "video", "video/mp4"),
    ("扫描件.pdf", None, "signed_document", "application/pdf"),
    ("图.png", None, "photo", "image/png"),
    ("录音.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 500, "audio", "audio/mpeg"),
])
def test_accepted_types_are_read_from_the_bytes(objs, name, content, category, content_type):
    content = content or (pdf_bytes() if name.endswith(".pdf") else png_bytes())
    pk, user = objs.target("cases")
    # The name says nothing: the bytes decide.
    response = post(client_for(user), "cases", pk, upload("no-extension", content), category=category)
    assert response.status_code == 201, response.content
    assert body(response)["content_type"] == content_type


@pytest.mark.parametrize("name,content,category", [
    ("扫描件.pdf", None, "photo"),
    ("照片.jpg", None, "video"),
    ("录像.mp4", MP4, "audio"),
])
def test_a_category_that_does_not_fit_the_file_is_refused(objs, media, name, content, category):
    content = content or (pdf_bytes() if name.endswith(".pdf") else jpeg_bytes())
    pk, user = objs.target("cases")
    response = post(client_for(user), "cases", pk, upload(name, content), category=category)
    assert response.status_code == 400
    assert "category" in body(response)["fields"]
    assert stored_files(media) == []


def test_an_unknown_category_or_document_is_refused(objs):
    pk, user = objs.target("cases")
    client = client_for(user)
    assert post(client, "cases", pk, upload("a.jpg", jpeg_bytes()), category="selfie").status_code == 400
    refused = post(client, "cases", pk, upload("a.pdf", pdf_bytes()), category="signed_document",
                   document_kind="no_such_document")
    assert refused.status_code == 400 and "document_kind" in body(refused)["fields"]


def test_a_signed_copy_names_its_document_kind(objs):
    registry.register(registry.DocumentKind(name="test_notice", owner="cases", title="测试告知书",
                                            context=lambda obj, record: {}, unavailable=lambda obj, record: None))
    try:
        pk, user = objs.target("cases")
        response = post(client_for(user), "cases", pk, upload("a.pdf", pdf_bytes()), category="signed_document",
                        document_kind="test_notice")
        assert response.status_code == 201
        assert body(response)["document_kind"] == "test_notice"
    finally:
        registry._kinds.pop("test_notice", None)


# --- size ----------------------------------------------------------------------------------------------------

def test_the_size_limit_is_a_boundary(objs, settings, media):
    settings.ATTACHMENT_MAX_MB = 1
    limit = 1024 * 1024
    pk, user = objs.target("cases")
    client = client_for(user)
    base = pdf_bytes()
    exactly = pdf_bytes(padding=limit - len(base))
    assert len(exactly) == limit
    assert post(client, "cases", pk, upload("a.pdf", exactly), category="evidence").status_code == 201
    too_big = post(client, "cases", pk, upload("b.pdf", exactly + b"\n"), category="evidence")
    assert too_big.status_code == 400
    assert "1 MB" in body(too_big)["fields"]["file"][0]
    assert Attachment.objects.count() == 1


def test_a_file_larger_than_the_form_limit_is_streamed_and_accepted(objs, settings):
    # DATA_UPLOAD_MAX_MEMORY_SIZE (2 MB) bounds a form's text, not its files: a 3 MB scan goes through, by the
    # API and by the page, and is written from a temporary file.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 3 * 1024 * 1024
    data = pdf_bytes(padding=3 * 1024 * 1024)
    pk, user = objs.target("cases")
    response = post(client_for(user), "cases", pk, upload("big.pdf", data), category="evidence")
    assert response.status_code == 201, response.content
    assert body(response)["sha256"] == hashlib.sha256(data).hexdigest()
    page = Client()
    page.force_login(user)
    response = page.post(f"/attachments/cases/{pk}/upload/",
                         {"file": upload("big2.pdf", data), "category": "evidence", "title": "大文件"})
    assert response.status_code == 302
    assert Attachment.objects.filter(title="大文件", size=len(data)).exists()


# --- thumbnails ----------------------------------------------------------------------------------------------

def test_thumbnails_exist_for_photos_only_and_stand_upright(objs):
    pk, user = objs.target("cases")
    client = client_for(user)
    # 40 wide, 20 high, with EXIF orientation 6 (turn 90° clockwise to view): upright it is 20 wide, 40 high.
    photo = body(post(client, "cases", pk, upload("a.jpg", jpeg_bytes(orientation=6))))
    thumb = Image.open(io.BytesIO(b"".join(client.get(photo["thumbnail_url"]).streaming_content)))
    assert thumb.size == (20, 40)
    big = body(post(client, "cases", pk, upload("b.jpg", jpeg_bytes(size=(1000, 500)))))
    thumb = Image.open(io.BytesIO(b"".join(client.get(big["thumbnail_url"]).streaming_content)))
    assert thumb.size == (320, 160)
    scan = body(post(client, "cases", pk, upload("c.pdf", pdf_bytes()), category="evidence"))
    assert scan["thumbnail_url"] is None
    assert client.get(f"/api/v1/attachments/{scan['id']}/thumbnail/").status_code == 404


# --- who may see ---------------------------------------------------------------------------------------------

def test_a_role_that_may_not_see_the_case_gets_403_and_never_the_bytes(objs):
    pk, user = objs.target("cases")
    created = body(post(client_for(user), "cases", pk, upload("a.jpg", jpeg_bytes())))
    drafter = client_for(objs.town.u["drafter"])
    for url in (f"/api/v1/cases/{pk}/attachments/", created["download_url"], created["thumbnail_url"]):
        response = drafter.get(url)
        assert response.status_code == 403, url
        assert body(response)["error"] == "forbidden"
    assert post(drafter, "cases", pk, upload("b.jpg", jpeg_bytes())).status_code == 403
    page = Client()
    page.force_login(objs.town.u["drafter"])
    assert page.get(created["download_url"]).status_code == 403
    assert page.post(f"/attachments/cases/{pk}/upload/", {"file": upload("b.jpg", jpeg_bytes()),
                                                          "category": "photo", "title": "x"}).status_code == 403
    assert Attachment.objects.count() == 1


def test_anonymous_users_are_asked_to_log_in(objs):
    pk, user = objs.target("cases")
    created = body(post(client_for(user), "cases", pk, upload("a.jpg", jpeg_bytes())))
    anonymous = Client()
    assert anonymous.get(f"/api/v1/cases/{pk}/attachments/").status_code == 401
    assert anonymous.get(created["download_url"]).status_code == 401
    response = anonymous.post(f"/attachments/cases/{pk}/upload/", {"title": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_owners_objects_and_attachments_are_404(objs):
    pk, user = objs.target("cases")
    client = client_for(user)
    assert client.get("/api/v1/petitions/1/attachments/").status_code == 404
    assert client.get("/api/v1/cases/999999/attachments/").status_code == 404
    assert client.get("/api/v1/attachments/999999/download/").status_code == 404
    assert client.get("/api/v1/attachments/99999999999999999999/download/").status_code == 404


# --- verify_audit --------------------------------------------------------------------------------------------

def test_verify_audit_rehashes_the_stored_files(objs, media, capsys):
    pk, user = objs.target("cases")
    client = client_for(user)
    first = body(post(client, "cases", pk, upload("a.jpg", jpeg_bytes())))
    second = body(post(client, "cases", pk, upload("b.pdf", pdf_bytes()), category="evidence"))
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"audit chain intact: {AuditEntry.objects.count()} entries" in out
    assert "attachment files intact: 2 files" in out

    stored = media / Attachment.objects.get(pk=first["id"]).file.name
    stored.write_bytes(stored.read_bytes()[:-1] + b"\x00")
    entry = AuditEntry.objects.get(transition="attach", fields__attachment_id=first["id"])
    with pytest.raises(CommandError) as broken:
        call_command("verify_audit")
    assert broken.value.returncode == 1
    assert f"attachment {first['id']} (audit entry {entry.sequence})" in str(broken.value)
    assert "does not match its SHA-256" in str(broken.value)
    assert f"attachment {second['id']}" not in str(broken.value)

    stored.unlink()
    with pytest.raises(CommandError) as missing:
        call_command("verify_audit")
    assert missing.value.returncode == 1
    assert f"attachment {first['id']} (audit entry {entry.sequence})" in str(missing.value)
    assert "missing" in str(missing.value)
    # The file is gone: the download says so with 404, not a server error.
    assert client.get(first["download_url"]).status_code == 404


def test_verify_audit_notices_a_row_changed_behind_the_chain(objs):
    pk, user = objs.target("cases")
    created = body(post(client_for(user), "cases", pk, upload("a.jpg", jpeg_bytes())))
    Attachment.objects.filter(pk=created["id"]).update(sha256="0" * 64)
    with pytest.raises(CommandError) as broken:
        call_command("verify_audit")
    assert f"attachment {created['id']}" in str(broken.value)


# --- storage and failure -------------------------------------------------------------------------------------

def test_files_go_through_the_storage_api(objs, settings, media):
    settings.STORAGES = {**settings.STORAGES,
                         "attachments": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    pk, user = objs.target("cases")
    client = client_for(user)
    data = jpeg_bytes()
    created = body(post(client, "cases", pk, upload("a.jpg", data)))
    attachment = Attachment.objects.get(pk=created["id"])
    assert storages["attachments"].__class__.__name__ == "InMemoryStorage"
    with storages["attachments"].open(attachment.file.name, "rb") as stored:
        assert stored.read() == data
    assert b"".join(client.get(created["download_url"]).streaming_content) == data
    assert storages["attachments"].exists(attachment.thumbnail.name)
    assert stored_files(media) == []  # nothing on the file system
    call_command("verify_audit")


def test_a_failed_database_write_leaves_no_stored_file(objs, media, monkeypatch):
    from documents import attachments

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(attachments.audit, "record", broken)
    pk, user = objs.target("cases")
    obj = registry.owner("cases").model.objects.get(pk=pk)
    with pytest.raises(RuntimeError):
        attachments.store_attachment("cases", obj, file=upload("a.jpg", jpeg_bytes()), category="photo",
                                     title="现场照片", user=user)
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
