"""Attachments (evidence): storing a file with an object, checked and hashed (DESIGN §10, CONTRACT §6).

A photo, a recording, a body-camera video (执法记录仪), a scan of a signed document or a returned service receipt
is kept with its case, decision or meeting. What is refused, and why:

- a user the object's owner does not let attach (`Owner.may_attach`) — 403;
- a file larger than `ATTACHMENT_MAX_MB` (default 200 MB) — 400 naming the limit;
- a file whose bytes are not one of the accepted types below, whatever its name says (an .exe renamed .jpg,
  an HTML or SVG page that a browser would run) — 400; the type is read from the bytes with `filetype`, never
  from the name or the browser's Content-Type;
- a category that does not fit the type (a "photo" that is a PDF) — 400;
- a `document_kind` that is not a document of that object's owner — 400.

Accepted types: photos JPEG, PNG, WebP, HEIC/HEIF, GIF; audio MP3, M4A, AAC, WAV, AMR, OGG; video MP4, MOV, 3GP,
AVI, WebM; PDF; and Word/Excel files (DOCX, XLSX: a clerk's typed statement or a list from a village), which
`filetype` recognises by the parts inside the zip. Legacy .doc/.xls, archives, executables and anything
`filetype` does not know are refused: evidence should be something a reviewer can open without risk.

The file is written to `storages["attachments"]` first (an outside call, possibly to an S3 store, never inside a
DB transaction); then, in one transaction, the row and an audit entry on the object (transition `attach`, with
the SHA-256) are written. If that transaction fails, the stored file and thumbnail are deleted again, so no file
is kept that the chain does not know. `verify_audit` re-hashes every stored file (`verify_files`).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workflows import audit
from workflows.errors import InvalidInput, Message, bilingual
from workflows.models import AuditEntry

from . import registry
from .models import Attachment, attachment_path, attachment_storage

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024  # read and hash 1 MB at a time: a 200 MB video never sits in memory
HEAD = 8192  # what filetype reads to recognise a type (zip-based office files need more than 261 bytes)
THUMBNAIL_PX = 320

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/gif"}
AUDIO_TYPES = {"audio/mpeg", "audio/mp4", "audio/m4a", "audio/aac", "audio/x-wav", "audio/amr", "audio/ogg"}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/3gpp", "video/x-msvideo", "video/webm"}
PDF_TYPES = {"application/pdf"}
OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED_TYPES = PHOTO_TYPES | AUDIO_TYPES | VIDEO_TYPES | PDF_TYPES | OFFICE_TYPES
# A voice recorder in a browser (MediaRecorder) or an old phone saves audio in a WebM or 3GP container, which the
# bytes alone cannot tell from a video: those two count as audio too.
AUDIO_CONTAINERS = {"video/webm", "video/3gpp"}

# Which types each category takes (CONTRACT §6 categories). A signed document and a service receipt are scans:
# a photo of the paper or a PDF.
CATEGORY_TYPES = {
    Attachment.Category.PHOTO: PHOTO_TYPES,
    Attachment.Category.AUDIO: AUDIO_TYPES | AUDIO_CONTAINERS,
    Attachment.Category.VIDEO: VIDEO_TYPES,
    Attachment.Category.SIGNED_DOCUMENT: PHOTO_TYPES | PDF_TYPES,
    Attachment.Category.SERVICE_PROOF: PHOTO_TYPES | PDF_TYPES,
    Attachment.Category.EVIDENCE: ALLOWED_TYPES,
    Attachment.Category.OTHER: ALLOWED_TYPES,
}

TOO_LARGE = _("The file is {size}; the largest file accepted is {limit} MB. Shorten the recording or split it, "
              "and upload the parts.")
EMPTY = _("The file is empty.")
UNKNOWN_TYPE = _("This kind of file is not accepted. Upload a photo (JPG, PNG, HEIC), a recording (MP3, M4A, "
                 "WAV, AMR), a video (MP4, MOV, 3GP, AVI) or a PDF scan.")
NOT_ACCEPTED = _("This file is a {type}, which is not accepted as evidence. Upload a photo, a recording, a video "
                 "or a PDF scan.")
WRONG_CATEGORY = _("The file is a {type}, which does not fit the category “{category}”. Choose the category "
                   "that fits the file.")
NO_CATEGORY = _("Choose one of the categories.")
NO_TITLE = _("Give the attachment a title.")
NO_SUCH_DOCUMENT = _("This object has no such document.")

TYPE_NAMES = {
    "image": _("picture"), "audio": _("sound recording"), "video": _("video"),
    "application/pdf": _("PDF file"), "application/x-msdownload": _("program"),
    "application/x-executable": _("program"),
}


def human_size(size: int) -> str:
    """Bytes in words a clerk reads: 2097152 → "2 MB", 1536 → "2 KB", 512 → "512 B"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return f"{size} B"


def type_name(mime: str) -> str:
    """A file type in a clerk's words ("picture", "PDF file"), else the extension-like name."""
    if mime in TYPE_NAMES:
        return str(TYPE_NAMES[mime])
    family = mime.split("/", 1)[0]
    if family in TYPE_NAMES:
        return str(TYPE_NAMES[family])
    return mime


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_MB * 1024 * 1024


def _refuse(field: str, message) -> InvalidInput:
    return InvalidInput(message, fields={field: [bilingual(message)]})


def detect_type(file) -> filetype.Type | None:
    """The file's type from its first bytes (filetype), or None when they match no known type. Leaves the file
    at its start."""
    file.seek(0)
    head = file.read(HEAD)
    file.seek(0)
    return filetype.guess(head)


def hash_file(file) -> tuple[str, int]:
    """(SHA-256 hex, size in bytes) of a file object, read in 1 MB chunks; leaves it at its start."""
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return digest.hexdigest(), size


def check_upload(owner_name: str, *, file, category: str, title: str, document_kind: str = "") -> filetype.Type:
    """Checks of an upload that need no object: title, category, size, type from the bytes, category against
    type, document kind of the owner. Returns the detected type; raises InvalidInput (400) with the field."""
    if not (title or "").strip():
        raise _refuse("title", NO_TITLE)
    if category not in Attachment.Category.values:
        raise _refuse("category", NO_CATEGORY)
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes():
        raise _refuse("file", Message(TOO_LARGE, size=human_size(size), limit=settings.ATTACHMENT_MAX_MB))
    if size == 0:
        raise _refuse("file", EMPTY)
    kind = detect_type(file)
    if kind is None:
        raise _refuse("file", UNKNOWN_TYPE)
    if kind.mime not in ALLOWED_TYPES:
        raise _refuse("file", Message(NOT_ACCEPTED, type=type_name(kind.mime)))
    if kind.mime not in CATEGORY_TYPES[category]:
        raise _refuse("category", Message(WRONG_CATEGORY, type=type_name(kind.mime),
                                          category=Attachment.Category(category).label))
    if document_kind and document_kind not in {k.name for k in registry.kinds_for(owner_name)}:
        raise _refuse("document_kind", NO_SUCH_DOCUMENT)
    return kind


def make_thumbnail(file) -> bytes | None:
    """A JPEG at most 320 px on its longer side, turned upright by its EXIF orientation; None when Pillow cannot
    read the picture (HEIC without a HEIF plug-in, a damaged file): the list then shows no picture."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    file.seek(0)
    try:
        with Image.open(file) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, "white")
                background.paste(image, mask=image.getchannel("A"))
                image = background
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        file.seek(0)


def store_attachment(owner_name: str, obj, *, file, category: str, title: str, document_kind: str = "",
                     user, client_ip: str | None = None) -> Attachment:
    """Store `file` (an UploadedFile or any Django File, read in chunks) with `obj` of owner `owner_name`.

    Returns the saved Attachment (sha256 hex, size in bytes, content type from the bytes, thumbnail for photos).
    Refuses: PermissionDenied (403) when the owner does not let `user` attach to `obj`; InvalidInput (400) for a
    missing title, an unknown category, a file over ATTACHMENT_MAX_MB, a type not accepted or not fitting the
    category, a document kind the owner does not have. Must not run inside a transaction of the caller's: the
    file is written to the store first, outside any transaction, and deleted again if the database write fails.
    """
    owner = registry.owner(owner_name)
    if not owner.may_attach(user, obj):
        raise PermissionDenied
    title = (title or "").strip()
    kind = check_upload(owner_name, file=file, category=category, title=title, document_kind=document_kind)
    sha256, size = hash_file(file)
    if size > max_bytes():  # a file object that did not know its size
        raise _refuse("file", Message(TOO_LARGE, size=human_size(size), limit=settings.ATTACHMENT_MAX_MB))
    original_name = os.path.basename(getattr(file, "name", "") or "")[:255] or f"attachment.{kind.extension}"

    attachment = Attachment(
        owner_type=owner.name, owner_id=obj.pk, title=title[:200], category=category,
        document_kind=document_kind or "", original_name=original_name, content_type=kind.mime, size=size,
        sha256=sha256, uploaded_by=user,
    )
    # Through STORAGES["attachments"] as configured now (the model field keeps the store of import time). The
    # stored name's extension comes from the bytes, never from the uploader's file name.
    storage = attachment_storage()
    attachment.file.name = storage.save(attachment_path(attachment, f"upload.{kind.extension}"), File(file))
    try:
        if category == Attachment.Category.PHOTO or kind.mime in PHOTO_TYPES:
            thumbnail = make_thumbnail(file)
            if thumbnail is not None:
                attachment.thumbnail.name = storage.save(attachment_path(attachment, "thumbnail.jpg"),
                                                         ContentFile(thumbnail))
        with transaction.atomic():
            # Lock the object: whether the user may attach can depend on its state, which a transition may be
            # changing right now.
            locked = owner.model.objects.select_for_update().get(pk=obj.pk)
            if not owner.may_attach(user, locked):
                raise PermissionDenied
            attachment.save()
            fields = {
                "attachment_id": attachment.pk, "title": attachment.title, "category": category,
                "document_kind": attachment.document_kind, "sha256": sha256, "size": size,
                "content_type": kind.mime, "stored_name": attachment.file.name,
            }
            audit.record(locked, transition="attach", user=user, client_ip=client_ip, comment=attachment.title,
                         fields=fields)
    except BaseException:
        _delete_stored(attachment)
        raise
    return attachment


def _delete_stored(attachment: Attachment) -> None:
    """Remove the files of an attachment whose row was not written (best effort: a store that fails here leaves
    a file nobody refers to, which is logged)."""
    storage = attachment_storage()
    for field in (attachment.file, attachment.thumbnail):
        if field and field.name:
            try:
                storage.delete(field.name)
            except Exception:  # noqa: BLE001 - cleanup must not hide the original error
                log.exception("could not delete the stored file %s", field.name)


def open_stored(name: str):
    """A stored file of an attachment, opened for reading (OSError when it is gone)."""
    return attachment_storage().open(name, "rb")


def stored_hash(name: str, storage) -> str:
    """SHA-256 hex of a stored file, read in chunks through the storage API."""
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stored:
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_files() -> audit.FileCheck:
    """For `verify_audit`: every `attach` entry of the audit chain against its Attachment row and stored file —
    the row exists with the same SHA-256 and stored name, the file exists and its bytes hash to that SHA-256;
    and no Attachment row lacks its entry. Returns the count checked and one line per problem."""
    problems = []
    checked = 0
    seen = set()
    rows = {a.pk: a for a in Attachment.objects.all()}
    for entry in AuditEntry.objects.filter(transition="attach").order_by("sequence").iterator():
        fields = entry.fields or {}
        pk = fields.get("attachment_id")
        where = f"attachment {pk} (audit entry {entry.sequence})"
        checked += 1
        seen.add(pk)
        row = rows.get(pk)
        if row is None:
            problems.append(f"{where}: the attachment row is missing")
            continue
        if row.sha256 != fields.get("sha256") or row.file.name != fields.get("stored_name"):
            problems.append(f"{where}: the attachment row does not match the audit entry")
            continue
        storage = attachment_storage()
        try:
            if not storage.exists(row.file.name):
                problems.append(f"{where}: the stored file {row.file.name} is missing")
                continue
            if stored_hash(row.file.name, storage) != fields.get("sha256"):
                problems.append(f"{where}: the stored file {row.file.name} does not match its SHA-256 "
                                f"{fields.get('sha256')}")
        except OSError as error:
            problems.append(f"{where}: the stored file {row.file.name} cannot be read ({error})")
    for pk in sorted(set(rows) - seen):
        problems.append(f"attachment {pk}: no audit entry records it")
        checked += 1
    return audit.FileCheck(what="attachment files", checked=checked, problems=problems)


def load_object(owner_name: str, pk) -> tuple[registry.Owner, object]:
    """The owner and its object `pk`; LookupError when the owner is unknown or has no such object (404)."""
    owner = registry.owner(owner_name)
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise LookupError(pk) from None
    if not 0 < number < 2**63:
        raise LookupError(pk)
    obj = owner.model.objects.filter(pk=number).first()
    if obj is None:
        raise LookupError(pk)
    return owner, obj


def attachments_of(owner_name: str, obj):
    """The object's attachments, oldest first, with their uploaders (a selector)."""
    return Attachment.objects.filter(owner_type=owner_name, owner_id=obj.pk).select_related("uploaded_by")


def attachment_object(attachment: Attachment) -> tuple[registry.Owner, object | None]:
    """The owner of an attachment and its object (None if the object is gone)."""
    owner = registry.owner(attachment.owner_type)
    return owner, owner.model.objects.filter(pk=attachment.owner_id).first()
