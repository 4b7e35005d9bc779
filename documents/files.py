"""What the API and the pages share about documents: finding the object, kind and record a URL names, the list
of an object's documents with their state, and the produced file (bytes, type, file name). No HTTP here."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import content_disposition_header

from workflows import audit

from . import registry, rendering, selectors

DOCX = "docx"
PDF = "pdf"
CONTENT_TYPES = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    PDF: "application/pdf",
}


class NotFound(LookupError):
    """The owner, object, kind or record a URL names does not exist (404)."""


@dataclass(frozen=True)
class Target:
    owner: registry.Owner
    obj: object
    kind: registry.DocumentKind | None = None
    record: object = None


def find(owner_name: str, obj_id, kind_name: str | None = None, record_id=None) -> Target:
    """The object `obj_id` of owner `owner_name`, and when given the document kind (of that owner) and the
    record (one of kind.records(obj)). Raises NotFound for anything unknown, a kind of another owner, a record
    id on a per-object kind or a missing record id on a per-record kind that has records (without any record yet,
    the Target has record None and `produce`/`unavailable_reason` give the reason: 409)."""
    try:
        owner = registry.owner(owner_name)
    except LookupError:
        raise NotFound(owner_name) from None
    obj = owner.model._default_manager.filter(pk=obj_id).first()
    if obj is None:
        raise NotFound(obj_id)
    if kind_name is None:
        return Target(owner, obj)
    try:
        kind = registry.kind(kind_name)
    except LookupError:
        raise NotFound(kind_name) from None
    if kind.owner != owner.name:
        raise NotFound(kind_name)
    record = None
    if kind.records is not None:
        if record_id is None:
            # The list offers a per-record kind once, without a record, while nothing is recorded for it yet: its
            # URL answers 409 with the list's reason (CONTRACT §6: a document not yet available), not 404.
            if not list(kind.records(obj) or ()):
                return Target(owner, obj, kind, None)
            raise NotFound("record")
        record = next((r for r in kind.records(obj) or () if str(r.pk) == str(record_id)), None)
        if record is None:
            raise NotFound(record_id)
    elif record_id is not None:
        raise NotFound(record_id)
    return Target(owner, obj, kind, record)


def record_label(kind: registry.DocumentKind, record) -> str:
    """How a record is named beside its document: the kind's `extra["record_label"](record)` if given, else
    str(record); "" for a per-object document."""
    if record is None:
        return ""
    label = kind.extra.get("record_label")
    return str(label(record) if label else record)


def documents_of(obj) -> list[dict]:
    """Every document of `obj` in case-file order, one per record for a per-record kind: kind, title, number
    (issued, or the number it carries, or ""), available (bool), reason (why not, translated, else ""), formats
    (["docx", "pdf"], or ["docx"] without a Chinese font), pdf_unavailable (the reason, else ""), record (the
    record object or None), record_id, record_label, addressable (always True: a per-record kind with no
    record yet has its base URL, which answers 409). A per-record kind with no records yet is listed once, not
    available."""
    owner = registry.owner_of(obj)
    issued = selectors.issued_for(obj)
    pdf_reason = rendering.pdf_unavailable_reason() or ""
    rows = []
    for kind in registry.kinds_for(owner.name):
        records = list(kind.records(obj) or ()) if kind.records is not None else [None]
        if not records:
            records = [None]
        for record in records:
            if kind.records is not None and record is None:
                reason = kind.unavailable(obj, None) or rendering.NO_RECORD_YET
            else:
                reason = kind.unavailable(obj, record)
            done = issued.get((kind.name, record.pk if record is not None else 0))
            number = (done.number if done else None) or (
                kind.number_of(obj, record) if kind.number_of and not reason else None)
            rows.append({
                "kind": kind.name, "title": str(kind.title), "number": number or "",
                "available": not reason, "reason": str(reason or ""),
                "formats": [DOCX] if pdf_reason else [DOCX, PDF], "pdf_unavailable": pdf_reason,
                "record": record, "record_id": record.pk if record is not None else None,
                # Every row has its URLs: a per-record kind with nothing recorded yet answers 409 with this reason
                # at its base URL (find() gives record None), as CONTRACT §6 asks of any document not yet available.
                "addressable": True,
                "record_label": record_label(kind, record),
            })
    return rows


def unavailable_reason(target: Target) -> str | None:
    """Why a per-record document asked for without a record cannot be produced (nothing recorded yet): the
    reason the list shows; None for any other target (rendering then checks the kind's own availability)."""
    kind = target.kind
    if kind is None or kind.records is None or target.record is not None:
        return None
    return str(kind.unavailable(target.obj, None) or rendering.NO_RECORD_YET)


def produce(target: Target, fmt: str) -> tuple[bytes, str, str]:
    """The document of `target` in `fmt` ("docx" or "pdf"): (bytes, content type, Content-Disposition value).
    The file name carries the document's number, else the object's label. Raises DocumentUnavailable (409)."""
    kind, obj, record = target.kind, target.obj, target.record
    reason = unavailable_reason(target)
    if reason:
        raise rendering.DocumentUnavailable(reason)
    data = rendering.render_docx(kind.name, obj, record) if fmt == DOCX else rendering.render_pdf(kind.name, obj, record)
    number = rendering.document_context(kind.name, obj, record)["number"] or target.owner.label(obj)
    filename = f"{kind.title}-{number}.{fmt}".replace("/", "-").replace("\\", "-")
    return data, CONTENT_TYPES[fmt], content_disposition_header(True, filename)


READ_DOCUMENT = "read_document"


def record_read(obj, *, document: str, fmt: str, user, client_ip: str | None = None, record=None):
    """Append one audit entry `read_document` to `obj`'s trail: `user` was given the document `document` (a kind's
    name, or "case_file") of `obj` (and of `record`, if per record) in `fmt` ("docx", "pdf", "zip", "print").

    Why: a document names the people it is about in full — ID number, phone (处罚法 Art 59 and the document
    formats in use) — so handing one out is a read of their full personal data, recorded like the reveal
    (workflows.personal_data: 个人信息保护法 Art 51 (statute) asks for access controls; recording each read is
    本地做法). The entry names the document and format, never its content. Returns the entry."""
    return audit.record(obj, transition=READ_DOCUMENT, user=user, client_ip=client_ip,
                        fields={"document": document, "format": fmt,
                                "record": getattr(record, "pk", None)})


def file_url(owner, obj_id, kind, record_id, fmt, *, api=True) -> str:
    """The URL of a document's file: over the API (token or session) or the web page's download."""
    if api:
        if record_id is None:
            return reverse("api-document-file", args=[owner, obj_id, kind, fmt])
        return reverse("api-document-record-file", args=[owner, obj_id, kind, record_id, fmt])
    if record_id is None:
        return reverse("documents:file", args=[owner, obj_id, kind, fmt])
    return reverse("documents:record-file", args=[owner, obj_id, kind, record_id, fmt])


def print_url(owner, obj_id, kind, record_id) -> str:
    if record_id is None:
        return reverse("documents:print", args=[owner, obj_id, kind])
    return reverse("documents:record-print", args=[owner, obj_id, kind, record_id])
