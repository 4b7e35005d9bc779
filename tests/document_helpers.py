"""Helpers for tests of documents: read the text of a DOCX (python-docx) and of a PDF (pypdf)."""

import io

from docx import Document
from pypdf import PdfReader


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    """The extracted text of every page of a PDF, whitespace removed (CJK extraction may split lines)."""
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join((page.extract_text() or "").split()) for page in reader.pages)


def squeeze(text: str) -> str:
    return "".join(str(text).split())
