"""Producing documents from the data (DESIGN §10, CONTRACT §6): the context, DOCX, the print page and PDF.

Every template gets the envelope of `document_context`:

- `issuer`: settings.TOWN_NAME + "人民政府"; `town`: settings.TOWN_NAME;
- `title`: the kind's title; `number`: the issued number, else `kind.number_of(obj, record)`, else "";
- `date`: the issued date as "2026年11月30日" (else the kind's own `date`, else ""); `owner_label`: the object's
  label (its number, else "#id");

and the kind's own context: `fields` (list of {"label", "value"}), `sections` (list of {"heading",
"paragraphs"}), optional `rights` (str), `signatures` (list of str), `seal` (bool), `footnote` (str), and any
further keys a replacement template may use. The bundled Word template (documents/docx/official.docx, built by
documents/build_template.py) and the print page (documents/templates/documents/print.html) render exactly these.
"""

import functools
import io
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from . import registry, selectors

BUNDLED_TEMPLATE = Path(__file__).resolve().parent / "docx" / "official.docx"
NO_CJK_FONT = _(
    "PDF is not available: no Chinese font is installed on the server. Use the Word file or print the page "
    "from the browser."
)


class DocumentUnavailable(Exception):
    """The document cannot be produced yet; `reason` is the translated text shown to the user (the API
    answers 409 with it)."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = str(reason)


def chinese_date(day) -> str:
    """A date as official documents write it: 2026年11月30日 (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _text(value) -> str:
    return "" if value is None else str(value)


def _paragraphs(values) -> list[str]:
    """Each paragraph once, a text with line breaks split into paragraphs (Word and the page both get one
    paragraph per line), empty lines dropped."""
    out = []
    for value in values or []:
        out.extend(line.strip() for line in _text(value).splitlines() if line.strip())
    return out


def document_context(kind_name: str, obj, record=None) -> dict:
    """The context of the document `kind_name` of `obj` (and `record`): the envelope above merged with the
    kind's own context (the envelope wins for town, number, owner_label, and for issuer unless the kind names its own issuing body; `title` is the kind's title
    unless the kind's context names the document itself in `doc_title`, e.g. the decision's own title).

    An issued document with a snapshot reads as it was issued: its own context is the snapshot (the envelope
    still adds issuer, number and date), so a reprint matches what was served. Any other document is built from
    today's data. Whether a document is offered at all stays the kind's call (a decision revoked on
    reconsideration is no longer the case's decision).

    Raises DocumentUnavailable(reason) when `kind.unavailable(obj, record)` gives a reason, LookupError for an
    unknown kind."""
    kind = registry.kind(kind_name)
    reason = kind.unavailable(obj, record)
    if reason:
        raise DocumentUnavailable(reason)
    issued = selectors.issued(kind_name, obj, record)
    if issued is not None and issued.snapshot is not None:
        own = dict(issued.snapshot)
    else:
        own = dict(kind.context(obj, record) or {})
    number = (issued.number if issued else None) or (kind.number_of(obj, record) if kind.number_of else None)
    envelope = {
        # A document another body issues names it in `issuer` (a people's mediation committee's agreement).
        "issuer": _text(own.get("issuer")) or f"{settings.TOWN_NAME}人民政府",
        "town": settings.TOWN_NAME,
        "title": _text(own.get("doc_title")) or str(kind.title),
        "number": _text(number),
        "date": chinese_date(issued.issued_on) if issued else _text(own.get("date")),
        "owner_label": _text(registry.owner_of(obj).label(obj)),
    }
    context = {
        **own,
        "fields": [{"label": _text(f.get("label")), "value": _text(f.get("value"))} for f in own.get("fields") or []],
        "sections": [{"heading": _text(s.get("heading")), "paragraphs": _paragraphs(s.get("paragraphs"))}
                     for s in own.get("sections") or []],
        "rights": _text(own.get("rights")),
        "signatures": [_text(s) for s in own.get("signatures") or []],
        "seal": bool(own.get("seal")),
        "footnote": _text(own.get("footnote")),
    }
    context.update(envelope)
    return context


def template_source(kind_name: str):
    """The Word template of a kind: the admin's replacement (DocumentTemplate) if one was uploaded, else the
    bundled one. Returns a path or a file-like object docxtpl can open."""
    from .models import DocumentTemplate

    replacement = DocumentTemplate.objects.filter(kind=kind_name).first()
    if replacement is not None and replacement.file:
        with replacement.file.open("rb") as handle:
            return io.BytesIO(handle.read())
    return str(BUNDLED_TEMPLATE)


def render_docx_template(source, context: dict) -> bytes:
    """Render a docxtpl template (path or file-like) with `context`; values are XML-escaped."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(source)
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def render_docx(kind_name: str, obj, record=None) -> bytes:
    """The document as a Word file (.docx bytes) from the kind's template. Raises DocumentUnavailable."""
    context = document_context(kind_name, obj, record)
    return render_docx_template(template_source(kind_name), context)


def render_html(kind_name: str, obj, record=None) -> str:
    """The document as a complete standalone A4 print page (no menus; fonts from the reader's system).
    Raises DocumentUnavailable."""
    context = document_context(kind_name, obj, record)
    # The page's 打印 button and the way back to the object (hidden when printed and in the PDF).
    back_url = registry.owner_of(obj).url(obj)
    return render_to_string("documents/print.html", {"doc": context, "back_url": back_url})


@functools.lru_cache(maxsize=1)
def _fc_list() -> tuple[str, ...]:
    """The Chinese font families fontconfig knows (asked once per process)."""
    if not shutil.which("fc-list"):
        return ()
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()}))


def cjk_font_family() -> str | None:
    """A Chinese font family installed on the server (a serif Simplified-Chinese face preferred), or None."""
    families = _fc_list()
    for wanted in (lambda f: "Serif" in f and "SC" in f, lambda f: "SC" in f and "Mono" not in f,
                   lambda f: "Mono" not in f, lambda f: True):
        for family in families:
            if wanted(family):
                return family
    return None


def pdf_unavailable_reason() -> str | None:
    """None when PDF can be produced; else the translated reason (no Chinese font: a PDF would show empty
    boxes instead of characters)."""
    return None if cjk_font_family() else str(NO_CJK_FONT)


def html_to_pdf(html: str) -> bytes:
    """A PDF of a print page, with the server's Chinese font embedded (WeasyPrint subsets and embeds the fonts
    it uses). Raises DocumentUnavailable when no Chinese font is installed."""
    family = cjk_font_family()
    if not family:
        raise DocumentUnavailable(NO_CJK_FONT)
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    # The installed family goes first so every character finds a glyph; the page's own stack follows.
    css = CSS(string=f'body, .doc, .doc * {{ font-family: "{family}", serif !important; }}', font_config=font_config)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[css], font_config=font_config)


def render_pdf(kind_name: str, obj, record=None) -> bytes:
    """The document as PDF (from the print page). Raises DocumentUnavailable when the document is not available
    or the server has no Chinese font."""
    reason = pdf_unavailable_reason()
    if reason:
        raise DocumentUnavailable(reason)
    return html_to_pdf(render_html(kind_name, obj, record))


NO_RECORD_YET = _("Nothing has been recorded for this document yet.")
