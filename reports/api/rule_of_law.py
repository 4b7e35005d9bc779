"""The API of the 法治政府建设年度报告 (CONTRACT §9), mounted under /api/v1/:

- `GET  reports/rule-of-law/{year}/` → {year, title, figures: [{key, label, value, unit, rule, parts, detail?}],
  narrative: {part: text}, parts: [{key, label}], submitted_on, published_on, deadlines: [...]};
- `PATCH reports/rule-of-law/{year}/` (or POST) with {"narrative": {part: text}} keeps the parts (report.edit);
- `POST reports/rule-of-law/{year}/submission/` and `…/publication/` with {"day": "YYYY-MM-DD"} (default today)
  record the day the report went to the county / was made public, closing its deadline (report.edit);
- `GET  reports/rule-of-law/{year}.docx` (and `.pdf` when the server has a Chinese font) the report as a document.

Read: report.view (principal, judicial office, admin); write: report.edit. A year outside 2000…this year, a
part unknown or too long, a date ahead of today or inside the report's year → 400; no role → 403.
"""

import datetime

from django.http import HttpResponse
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import files as document_files, registry
from documents.rendering import DocumentUnavailable
from web.api import DeadlineSerializer
from workflows.audit import client_ip
from workflows.errors import InvalidInput, bilingual
from workflows.services import require

from .. import services
from ..figures import rule_of_law_figures
from ..models import NARRATIVE_PARTS, AnnualReport

RULE_OF_LAW = AnnualReport.Kind.RULE_OF_LAW
BAD_DAY = _("Enter a date as YYYY-MM-DD.")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NARRATIVE_NOT_A_MAP = _("Give the parts as an object of part names and texts.")


def report_data(year: int) -> dict:
    """The JSON of the report of `year` (module docstring); `year` already checked."""
    report = services.report_of(RULE_OF_LAW, year)
    return {
        "year": year,
        "title": services.title_of(year),
        "figures": rule_of_law_figures(year),
        "parts": [{"key": key, "label": str(label)} for key, label in NARRATIVE_PARTS[RULE_OF_LAW].items()],
        "narrative": {key: (report.narrative or {}).get(key, "") for key in NARRATIVE_PARTS[RULE_OF_LAW]},
        "submitted_on": report.submitted_on,
        "published_on": report.published_on,
        "deadlines": DeadlineSerializer(services.deadlines_of_report(report), many=True).data,
    }


def _day(request):
    value = request.data.get("day") if hasattr(request.data, "get") else None
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(BAD_DAY, fields={"day": [bilingual(BAD_DAY)]}) from None


class RuleOfLawReportView(APIView):
    """GET the report of a year with its figures and counting rules; PATCH/POST its narrative parts."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="reports_rule_of_law",
                   summary="The rule-of-law report of a year (法治政府建设年度报告)")
    def get(self, request, year):
        require("report.view", request.user)
        _kind, year = services.check_kind_and_year(RULE_OF_LAW, year)
        return Response(report_data(year))

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT},
                   operation_id="reports_rule_of_law_narrative", summary="Keep the narrative parts of a year's report")
    def patch(self, request, year):
        narrative = request.data.get("narrative") if hasattr(request.data, "get") else None
        require("report.edit", request.user)
        if not isinstance(narrative, dict):
            raise InvalidInput(NARRATIVE_NOT_A_MAP, fields={"narrative": [bilingual(NARRATIVE_NOT_A_MAP)]})
        report = services.save_narrative(kind=RULE_OF_LAW, year=year, user=request.user, narrative=narrative,
                                         client_ip=client_ip(request))
        return Response(report_data(report.year))

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT},
                   operation_id="reports_rule_of_law_narrative_post", summary="Keep the narrative parts (as PATCH)")
    def post(self, request, year):
        return self.patch(request, year)


class RecordDayView(APIView):
    """POST {"day"?} records the submission or publication of the report of a year."""

    action = None  # "submission" | "publication"

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT},
                   summary="Record the day a year's report was submitted to the county or made public")
    def post(self, request, year):
        require("report.edit", request.user)
        record = services.record_submission if self.action == "submission" else services.record_publication
        report = record(kind=RULE_OF_LAW, year=year, user=request.user, day=_day(request),
                        client_ip=client_ip(request))
        return Response(report_data(report.year))


class RuleOfLawDocumentView(APIView):
    """GET the report of a year as DOCX (or PDF: 409 when the server has no Chinese font)."""

    @extend_schema(responses={(200, DOCX_TYPE): OpenApiTypes.BINARY, (200, "application/pdf"): OpenApiTypes.BINARY,
                              409: OpenApiResponse(description="The document is not available (PDF: no Chinese font).")},
                   operation_id="reports_rule_of_law_file", summary="The rule-of-law report of a year as DOCX or PDF")
    def get(self, request, year, fmt):
        require("report.view", request.user)
        _kind, year = services.check_kind_and_year(RULE_OF_LAW, year)
        report = services.kept_report(RULE_OF_LAW, year)
        target = document_files.Target(owner=registry.owner("annual-reports"), obj=report,
                                       kind=registry.kind(services.DOCUMENT_KIND), record=None)
        try:
            data, content_type, disposition = document_files.produce(target, fmt)
        except DocumentUnavailable as refusal:
            return Response({"error": "document-unavailable", "detail": refusal.reason}, status=409)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = disposition
        return response


YEAR = r"(?P<year>[0-9]{1,6})"
urlpatterns = [
    re_path(rf"^reports/rule-of-law/{YEAR}/$", RuleOfLawReportView.as_view(), name="report-rule-of-law"),
    re_path(rf"^reports/rule-of-law/{YEAR}/submission/$", RecordDayView.as_view(action="submission"),
            name="report-rule-of-law-submission"),
    re_path(rf"^reports/rule-of-law/{YEAR}/publication/$", RecordDayView.as_view(action="publication"),
            name="report-rule-of-law-publication"),
    re_path(rf"^reports/rule-of-law/{YEAR}\.(?P<fmt>(?:docx|pdf))$", RuleOfLawDocumentView.as_view(),
            name="report-rule-of-law-file"),
]
