"""Documents issued, their replaceable templates, and attachments (DESIGN §10, CONTRACT §6).

Objects are referred to by the Owner name of `documents.registry` (`cases`, `decisions`, `meetings`) and
their id, so this app needs no foreign key into the apps above it.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def attachment_storage():
    """Where attachments live: STORAGES["attachments"] (the file system by default; any S3-compatible store
    through django-storages by setting)."""
    return storages["attachments"]


def attachment_path(instance, filename: str) -> str:
    """owner/id/uuid.ext: the stored name never carries the uploader's file name (kept in `original_name`)."""
    ext = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"{instance.owner_type}/{instance.owner_id}/{uuid.uuid4().hex}.{ext}"


class IssuedDocument(models.Model):
    """A document once issued: its number (for numbered kinds) and when and by whom. Issued once, never
    reissued with another number (GB/T 9704 §7.2.5; DESIGN §10)."""

    kind = models.CharField(_("document kind"), max_length=40)
    owner_type = models.CharField(_("object kind"), max_length=40)
    owner_id = models.PositiveBigIntegerField(_("object id"))
    # For a document that exists once per record (an inquiry record per inquiry): the record's id; else 0.
    record_id = models.PositiveBigIntegerField(_("record id"), default=0)
    number = models.CharField(_("number"), max_length=80, null=True, blank=True, unique=True)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    # The kind's own context as it was issued (rendered in settings.LANGUAGE_CODE, plain JSON), so a reprint
    # reads as what was served (DESIGN §10). Null for a kind that stays live (extra {"frozen": False}) and for
    # documents issued before snapshots were kept.
    snapshot = models.JSONField(_("content as issued"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "owner_type", "owner_id", "record_id"],
                                    name="one_issue_per_document"),
        ]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self):
        return self.number or f"{self.kind} {self.owner_type}#{self.owner_id}"


class DocumentTemplate(models.Model):
    """A Word template (.docx with docxtpl tags) an admin uploaded to replace the bundled one of a kind."""

    kind = models.CharField(_("document kind"), max_length=40, unique=True)
    file = models.FileField(_("Word template (.docx)"), upload_to="document-templates/")
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")

    def __str__(self):
        return self.kind


class Attachment(models.Model):
    """A file kept with an object: a photo, a recording, a scan of a signed document, a returned service
    receipt (DESIGN §10). Its SHA-256 is written into the audit chain when it is stored."""

    class Category(models.TextChoices):
        PHOTO = "photo", _("Photo")
        AUDIO = "audio", _("Audio recording")
        VIDEO = "video", _("Video recording")
        SIGNED_DOCUMENT = "signed_document", _("Signed document (scan)")
        SERVICE_PROOF = "service_proof", _("Proof of service")
        EVIDENCE = "evidence", _("Other evidence")
        OTHER = "other", _("Other")

    owner_type = models.CharField(_("object kind"), max_length=40)
    owner_id = models.PositiveBigIntegerField(_("object id"))
    file = models.FileField(_("file"), upload_to=attachment_path, storage=attachment_storage, max_length=300)
    thumbnail = models.FileField(_("thumbnail"), upload_to=attachment_path, storage=attachment_storage,
                                 max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # When the file is the signed or served copy of a generated document (CONTRACT §6 `document_kind`).
    document_kind = models.CharField(_("document"), max_length=40, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self):
        return self.title
