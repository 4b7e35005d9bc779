"""The supervision API (CONTRACT §9, DESIGN §12), mounted under /api/v1/ by config/api_urls.py.

- GET /api/v1/supervision/ — the figures (reports.supervision.supervision): judicial_office, principal,
  brigade_chief (supervision.view); 403 for anyone else.
- GET /api/v1/supervision/circulars/ — the weekly circulars issued, with their numbers and document URLs
  (supervision.view); POST with {"week_start": "YYYY-MM-DD" (a Monday; default last week), "remarks"} issues one
  (supervision.circular: the judicial office) — 201 when issued now, 200 when the week had one already, 400 for
  a day that is not a Monday or a week not over.
The circular's file: GET /api/v1/circulars/{id}/documents/supervision_circular/file.docx|pdf (CONTRACT §6).
"""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.files import file_url
from documents.selectors import issued
from workflows import roles

from .. import circulars, supervision


def _may_view(request):
    if not roles.may("supervision.view", request.user):
        raise exceptions.PermissionDenied()


def circular_data(circular) -> dict:
    """One circular: id, week_start, week_end, number, issued_on, card_counts, remarks, files {docx, pdf}."""
    document = issued(circulars.KIND, circular)
    figures = circular.figures or {}
    return {
        "id": circular.pk, "week_start": circular.week_start.isoformat(),
        "week_end": figures.get("week_end", ""), "number": document.number if document else "",
        "issued_on": document.issued_on.isoformat() if document else None,
        "card_counts": figures.get("card_counts", {}), "remarks": circular.remarks,
        "files": {fmt: file_url(circulars.OWNER, circular.pk, circulars.KIND, None, fmt)
                  for fmt in ("docx", "pdf")},
    }


class SupervisionView(APIView):
    """GET: the supervision figures as of now — cards [{object {type, id, number, title, url}, kind yellow|red,
    deadline {kind, name, due_date, basis}, days (working days left or overdue)}], card_counts, overdue_rate
    {months [{month, due, late, rate %}], due, late, rate, basis}, discretion_outliers, unfiled_reports,
    certification_rate {certified, officers, rate %, uncertified, cases_without_certificate}, period, basis.
    403 unless judicial_office, principal or brigade_chief."""

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="supervision", summary="Enforcement supervision")
    def get(self, request):
        _may_view(request)
        return Response(supervision.supervision())


class CircularListView(APIView):
    """GET: the circulars, latest week first; POST: issue a week's circular (see the module's docstring)."""

    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}}, operation_id="supervision_circulars",
                   summary="Weekly supervision circulars")
    def get(self, request):
        _may_view(request)
        return Response([circular_data(c) for c in circulars.circulars()])

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT},
                   operation_id="supervision_circular_issue", summary="Issue a week's supervision circular")
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        remarks = data.get("remarks") or ""
        if not isinstance(remarks, str):
            remarks = ""
        circular, created = circulars.issue_circular(week_start=data.get("week_start"), user=request.user,
                                                     remarks=remarks[:2000])
        return Response(circular_data(circular), status=201 if created else 200)


urlpatterns = [
    path("supervision/", SupervisionView.as_view(), name="api-supervision"),
    path("supervision/circulars/", CircularListView.as_view(), name="api-supervision-circulars"),
]
