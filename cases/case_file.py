"""The case file (案卷) of one enforcement case, as one PDF and as a ZIP (DESIGN §10, CONTRACT §6).

Canonical order (local practice of file review, 行政处罚案卷评查; research/domain-systems.md §2 "File order:
documents → evidence → execution"): cover (卷宗封面), index (卷内目录) with the page of each item, the documents in
procedure order (documents.registry order, one per record where a kind has records), the evidence (attachments:
photos shown, other files listed with their SHA-256), the execution records (payments), and the 备考表 that
states how many pages the file has. Every page carries its number.

Page numbers come from WeasyPrint's CSS paged media: `counter(page)` in the page margin, `target-counter()` for the
index and for the total on the 备考表 (the page of the file's last element), so the PDF is rendered once.
"""

import base64
import io
import zipfile

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents import files as document_files, rendering
from documents.attachments import attachments_of

# Local practice (档案管理): an enforcement case file is kept for the long term. The label is what the cover says.
RETENTION = _("Long term")
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
# Photos larger than this are shown from their thumbnail so one file does not blow up the PDF (local choice).
MAX_EMBEDDED_IMAGE_BYTES = 8 * 1024 * 1024


def _officers(case) -> str:
    return "、".join(o.display_name for o in case.officers.order_by("username"))


def _image_data_uri(attachment) -> str:
    """The photo as a data: URI (the original when small enough, else its thumbnail); "" when unreadable."""
    field = attachment.file if attachment.size <= MAX_EMBEDDED_IMAGE_BYTES else attachment.thumbnail
    content_type = attachment.content_type if field is attachment.file else "image/jpeg"
    if not field:
        return ""
    try:
        with field.storage.open(field.name, "rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def case_file_items(case) -> list[dict]:
    """The available documents of `case` in procedure order, each with its rendered context: `{"anchor",
    "title", "number", "record_label", "doc", "kind", "record"}`."""
    items = []
    for row in document_files.documents_of(case):
        if not row["available"] or not row["addressable"]:
            continue
        try:
            doc = rendering.document_context(row["kind"], case, row["record"])
        except rendering.DocumentUnavailable:
            continue
        items.append({"anchor": f"doc-{len(items) + 1}", "title": row["title"], "number": row["number"],
                      "record_label": row["record_label"], "doc": doc, "kind": row["kind"], "record": row["record"]})
    return items


def case_file_html(case, *, compiled_by=None) -> str:
    """The whole case file as one HTML page for WeasyPrint (see the module docstring for the order)."""
    items = case_file_items(case)
    evidence = []
    for attachment in attachments_of("cases", case):
        image = _image_data_uri(attachment) if attachment.content_type in IMAGE_TYPES else ""
        evidence.append({"attachment": attachment, "image": image})
    payments = list(case.payments.order_by("paid_on", "id")) if hasattr(case, "payments") else []
    today = timezone.localdate()
    return render_to_string("cases/case_file.html", {
        "case": case, "issuer": f"{settings.TOWN_NAME}人民政府", "officers": _officers(case),
        "items": items, "evidence": evidence, "payments": payments, "retention": RETENTION,
        "compiled_by": getattr(compiled_by, "display_name", "") or "", "compiled_on": rendering.chinese_date(today),
    })


def case_file_pdf(case, *, compiled_by=None) -> bytes:
    """The case file as one PDF (bytes). Raises rendering.DocumentUnavailable when the server has no Chinese
    font (the reason is translated; the API answers 409)."""
    reason = rendering.pdf_unavailable_reason()
    if reason:
        raise rendering.DocumentUnavailable(reason)
    return rendering.html_to_pdf(case_file_html(case, compiled_by=compiled_by))


def case_file_zip(case, *, compiled_by=None) -> bytes:
    """The case file as a ZIP: the whole file as one PDF (when the server has a Chinese font), each document as
    DOCX (and PDF), the attachments' original files, and 目录.txt listing every entry with its SHA-256."""
    out = io.BytesIO()
    lines = [f"{case.number or case.pk}  {case.violation_type.name}  {case.party.name}", ""]
    pdf_ok = rendering.pdf_unavailable_reason() is None
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if pdf_ok:
            archive.writestr("00-案卷.pdf", case_file_pdf(case, compiled_by=compiled_by))
            lines.append("00-案卷.pdf")
        for index, item in enumerate(case_file_items(case), 1):
            stem = f"{index:02d}-{item['title']}"
            if item["record_label"]:
                stem += f"-{item['record_label']}"
            stem = stem.replace("/", "-").replace("\\", "-")[:120]
            archive.writestr(f"文书/{stem}.docx", rendering.render_docx(item["kind"], case, item["record"]))
            names = [f"文书/{stem}.docx"]
            if pdf_ok:
                archive.writestr(f"文书/{stem}.pdf", rendering.render_pdf(item["kind"], case, item["record"]))
                names.append(f"文书/{stem}.pdf")
            lines.extend(f"{name}  {item['number']}" for name in names)
        for index, attachment in enumerate(attachments_of("cases", case), 1):
            ext = attachment.file.name.rsplit(".", 1)[-1] if "." in attachment.file.name else "bin"
            name = f"证据/{index:02d}-{attachment.title}".replace("\\", "-")[:120] + f".{ext}"
            try:
                with attachment.file.storage.open(attachment.file.name, "rb") as handle:
                    archive.writestr(name, handle.read())
            except OSError:
                lines.append(f"{name}  ({_('the stored file is missing')})")
                continue
            lines.append(f"{name}  SHA-256 {attachment.sha256}")
        archive.writestr("目录.txt", "\n".join(str(line) for line in lines) + "\n")
    return out.getvalue()
