"""The 行政执法统计年报 API (CONTRACT §9; DESIGN §12; 国办发〔2018〕118号: published by 31 January).

- `GET  /api/v1/reports/enforcement-statistics/{year}/`: the tables of the year (reports.statistics), each column
  with the rule that counts it in words, the general counting rules, and the report's 情况说明, publication date and
  due date;
- `GET  /api/v1/reports/enforcement-statistics/{year}.xlsx`: the same as a workbook (one sheet per table, the
  情况说明 and the rules);
- `PUT  /api/v1/reports/enforcement-statistics/{year}/narrative/` {"explanation": "…"}: keep the 情况说明;
- `POST /api/v1/reports/enforcement-statistics/{year}/publication/` {"published_on": "YYYY-MM-DD"?}: record that
  it was made public (closes report.statistics_publish).

Roles: `report.view` to read, `report.edit` to write (workflows.roles); 403 otherwise. A year that is not a
number from reports.services.FIRST_YEAR to this year is 400 (never 404 or 500).
"""

import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.urls import re_path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.audit import client_ip
from workflows.errors import InvalidInput, bilingual
from workflows.services import require

from .. import services, statistics
from ..models import NARRATIVE_PARTS, AnnualReport

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND = AnnualReport.Kind.STATISTICS
BAD_DATE = _("Enter a date as YYYY-MM-DD.")
NOT_AN_OBJECT = _("Send a JSON object.")
# The year as typed (bounded), checked by reports.services.check_kind_and_year: "abc" or "1999" is a 400.
YEAR = r"(?P<year>[^/.]{1,12})"


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json(item) for item in value]
    return value


def statistics_data(year: int) -> dict:
    """The year's tables (reports.statistics.enforcement_statistics; Decimals as strings: 罚没金额 "12.35" 万元,
    the certification rate "87.5" %) plus `report`: the 情况说明 (parts and their labels), published_on, due_date
    and the deadline's status."""
    report = services.open_year(KIND, year)
    data = _json(statistics.enforcement_statistics(year))
    data["report"] = {**statistics.publication(report),
                      "narrative_parts": {key: str(label) for key, label in NARRATIVE_PARTS[KIND].items()}}
    return data


class StatisticsView(APIView):
    """GET the year's tables as JSON (see the module). 403 without report.view; 400 for a bad year."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="reports_enforcement_statistics",
                   summary="The enforcement statistics of a year (行政执法统计年报)")
    def get(self, request, year):
        require("report.view", request.user)
        _kind, year = services.check_kind_and_year(KIND, year)
        return Response(statistics_data(year))


class StatisticsXlsxView(APIView):
    """GET the year's tables as XLSX (see the module). 403 without report.view; 400 for a bad year."""

    @extend_schema(responses={(200, XLSX_TYPE): OpenApiTypes.BINARY},
                   operation_id="reports_enforcement_statistics_xlsx",
                   summary="The enforcement statistics of a year as XLSX")
    def get(self, request, year):
        require("report.view", request.user)
        _kind, year = services.check_kind_and_year(KIND, year)
        return xlsx_download(year)


def xlsx_download(year: int) -> HttpResponse:
    """The XLSX of `year` as an attachment named 行政执法统计年报-{year}.xlsx (the page's download uses it too)."""
    report = services.open_year(KIND, year)
    content = statistics.workbook(statistics.enforcement_statistics(year), report.narrative, NARRATIVE_PARTS[KIND])
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"行政执法统计年报-{year}.xlsx")
    return response


class NarrativeView(APIView):
    """PUT (or PATCH) {"explanation": text}: keep the 情况说明 of the year (reports.services.save_narrative). 403
    without report.edit; 400 for a bad year, an unknown part or a text too long. Returns the GET's body."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT},
                   operation_id="reports_enforcement_statistics_narrative",
                   summary="Keep the explanatory notes (情况说明) of a year's statistics")
    def put(self, request, year):
        if not isinstance(request.data, dict):
            raise InvalidInput(NOT_AN_OBJECT)
        services.save_narrative(kind=KIND, year=year, user=request.user, narrative=dict(request.data),
                                client_ip=client_ip(request))
        return Response(statistics_data(int(year)))

    patch = put


class PublicationView(APIView):
    """POST {"published_on": "YYYY-MM-DD"} (default today): record the year's statistics as published
    (reports.services.record_publication; closes report.statistics_publish). 403 without report.edit; 400 for a
    bad year or date (ahead of today, or not after the year). Returns the GET's body."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT},
                   operation_id="reports_enforcement_statistics_publication",
                   summary="Record that a year's statistics were published")
    def post(self, request, year):
        require("report.edit", request.user)
        raw = request.data.get("published_on") if isinstance(request.data, dict) else None
        day = None
        if raw not in (None, ""):
            try:
                day = datetime.date.fromisoformat(str(raw)[:10])
            except ValueError:
                raise InvalidInput(BAD_DATE, fields={"published_on": [bilingual(BAD_DATE)]}) from None
        services.record_publication(kind=KIND, year=year, user=request.user, day=day, client_ip=client_ip(request))
        return Response(statistics_data(int(year)))


urlpatterns = [
    re_path(rf"^reports/enforcement-statistics/{YEAR}\.xlsx$", StatisticsXlsxView.as_view(),
            name="enforcement-statistics-xlsx"),
    re_path(rf"^reports/enforcement-statistics/{YEAR}/$", StatisticsView.as_view(), name="enforcement-statistics"),
    re_path(rf"^reports/enforcement-statistics/{YEAR}/narrative/$", NarrativeView.as_view(),
            name="enforcement-statistics-narrative"),
    re_path(rf"^reports/enforcement-statistics/{YEAR}/publication/$", PublicationView.as_view(),
            name="enforcement-statistics-publication"),
]
