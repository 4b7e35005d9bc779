"""XLSX exports of the list pages and the API lists (issue 14 item 6; CONTRACT §6 "Lists export").

One helper for all: `xlsx_response(rows, columns, filename)` writes the rows a list page or API list has filtered —
all of them, not one page — with translated headers (the reader's language), dates as dates and money as numbers.
openpyxl's write-only workbook streams rows to a temporary file, and a queryset is read with `.iterator()` in
chunks, so a very large export never holds all its rows in memory at once.
"""

import datetime
import tempfile
from decimal import Decimal

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from rest_framework.renderers import BaseRenderer, JSONRenderer

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 500  # rows read from the database at a time


class Column:
    """One column: its header (a translatable label) and how a row gives its value (a callable or an attribute
    path such as "party.name"). Values: date and datetime (written as dates), Decimal/int (numbers), else text."""

    def __init__(self, header, value, width: int = 16):
        self.header, self.value, self.width = header, value, width

    def of(self, row):
        if callable(self.value):
            return self.value(row)
        value = row
        for part in self.value.split("."):
            value = getattr(value, part, None) if value is not None else None
        return value


def _cell(sheet, value):
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if value is None or isinstance(value, (int, float)):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=str(value))
    # Text is always text: openpyxl makes a string starting with "=" a formula, so a party's name or a description
    # typed as `=HYPERLINK(…)` would run in the clerk's Excel (formula injection). Kept as a string cell it shows
    # exactly what was typed.
    cell.data_type = "s"
    return cell


def sheet_title(title) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/ or a backslash; "Sheet" if empty."""
    cleaned = "".join(ch for ch in str(title or "") if ch not in '[]:*?/\\').strip("' ")
    return cleaned[:31] or "Sheet"


def write_xlsx(rows, columns: list, title: str = "Sheet"):
    """The workbook of `rows` under `columns` (Column objects or (header, value) pairs, value as Column takes it),
    its one sheet named `title` (the list's name) with the header row frozen, written to a temporary file;
    returns the file, at its start."""
    columns = [column if isinstance(column, Column) else Column(*column) for column in columns]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A2"  # the header stays in view while scrolling
    for index, column in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=CHUNK)
    try:
        for row in rows:
            sheet.append([_cell(sheet, column.of(row)) for column in columns])
    except BaseException:
        # The rows failed (a filter the database refuses, read lazily here): close the sheet's writer, which
        # otherwise stays open until garbage collection and fails there, before the error is answered.
        sheet.close()
        raise
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    return out


def xlsx_response(rows, columns: list, filename: str, title: str | None = None) -> FileResponse:
    """An XLSX download of `rows` (a queryset or any iterable) named `filename` (without extension, may be
    Chinese: the header carries it RFC 5987-encoded); its sheet is named `title`, else after the list
    (`filename`)."""
    return FileResponse(write_xlsx(rows, columns, title or filename), as_attachment=True, filename=f"{filename}.xlsx",
                        content_type=XLSX_TYPE)


def wants_xlsx(request) -> bool:
    """A list page's "导出 Excel" link: the same filters plus `export=xlsx`."""
    return request.GET.get("export") == "xlsx"


class XLSXRenderer(BaseRenderer):
    """`?format=xlsx` on an API list (DRF's format override): the list answers the file itself (XlsxListMixin);
    anything else asked in this format — an error — is rendered as JSON."""

    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, (bytes, bytearray)):
            return data
        return JSONRenderer().render(data, "application/json", renderer_context)


class XlsxListMixin:
    """For a DRF list viewset (placed before ListModelMixin): `?format=xlsx` returns every filtered row as XLSX,
    unpaginated, with `xlsx_columns()` and `xlsx_filename`. An error in that format is answered as JSON."""

    xlsx_filename = "export"

    def xlsx_columns(self) -> list[Column]:
        raise NotImplementedError

    def get_renderers(self):
        renderers = super().get_renderers()
        if getattr(self, "action", None) == "list":
            renderers.append(XLSXRenderer())
        return renderers

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) == "xlsx":
            rows = self.filter_queryset(self.get_queryset())
            return xlsx_response(rows, self.xlsx_columns(), str(self.xlsx_filename))
        return super().list(request, *args, **kwargs)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(getattr(self.request, "accepted_renderer", None), XLSXRenderer):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
            response.content_type = "application/json"
        return response
