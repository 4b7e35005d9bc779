"""The admin of documents: the Word template of a kind (replaceable, checked before it is kept), and the issued
documents (read only: a number once given is never changed). Number patterns are in workflows' admin."""

import io
import zipfile

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import registry, rendering
from .models import DocumentTemplate, IssuedDocument

NOT_A_DOCX = _("This is not a Word file (.docx): save the template in Word as “Word Document (*.docx)”.")
TEMPLATE_BROKEN = _("Word could open the file, but its template tags cannot be filled in: {error}")
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


def sample_context(kind_name: str) -> dict:
    """A context with every key a template of `kind_name` may use, filled with sample values, to try an uploaded
    template before it is kept."""
    return {
        "issuer": "石桥镇人民政府", "town": "石桥镇", "title": _title(kind_name),
        "number": "石样〔2026〕1号", "date": "2026年1月1日", "owner_label": "石样〔2026〕1号",
        "fields": [{"label": "当事人", "value": "样例"}],
        "sections": [{"heading": "一、样例", "paragraphs": ["样例段落。"]}],
        "rights": "样例。", "signatures": ["签名："], "seal": True, "footnote": "样例。",
    }


def _title(kind_name: str) -> str:
    try:
        return str(registry.kind(kind_name).title)
    except LookupError:
        return "样例"


class DocumentTemplateForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("document kind"))

    class Meta:
        model = DocumentTemplate
        fields = ("kind", "file", "note")
        help_texts = {"file": _(
            "A .docx with docxtpl tags ({{ number }}, {%p for s in sections %} …). Every template gets: "
            "issuer, town, title, number, date, owner_label, fields (each with label and value), sections (each "
            "with heading and paragraphs), rights, signatures, seal, footnote; some kinds give more keys (see the "
            "kind's description in documents). Start from documents/docx/official.docx.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = sorted(
            ((k.name, f"{k.title}（{k.name}）") for k in registry.all_kinds()), key=lambda c: c[0])

    def clean_file(self):
        """Refuse a file that is not a real .docx, or whose tags docxtpl cannot render with a sample context."""
        upload = self.cleaned_data.get("file")
        if upload is None or not hasattr(upload, "read"):
            return upload
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(NOT_A_DOCX)
        data = upload.read()
        upload.seek(0)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" not in archive.namelist():
                    raise forms.ValidationError(NOT_A_DOCX)
        except zipfile.BadZipFile:
            raise forms.ValidationError(NOT_A_DOCX) from None
        kind_name = self.cleaned_data.get("kind") or ""
        context = sample_context(kind_name)
        try:
            rendering.render_docx_template(io.BytesIO(data), context)
        except Exception as error:  # noqa: BLE001 - any template error is the uploader's to fix, shown to them
            raise forms.ValidationError(str(TEMPLATE_BROKEN).format(error=error)) from None
        return upload


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    """Upload a Word template that replaces the bundled one for a kind; it is tried with sample data first."""

    form = DocumentTemplateForm
    list_display = ("kind", "note", "uploaded_by", "uploaded_at")
    readonly_fields = ("uploaded_by", "uploaded_at")

    def save_model(self, request, obj, form, change):
        obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """Read only: numbers are issued by the steps of the flows (documents.services.issue), never by hand."""

    list_display = ("number", "kind", "owner_type", "owner_id", "record_id", "issued_on", "issued_by")
    list_filter = ("kind", "owner_type")
    search_fields = ("number",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
