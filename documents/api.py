"""The documents of an object over the API (CONTRACT §6): the list with each document's state and links, and
the DOCX/PDF files. Reading a document never issues it (documents.services.issue numbers it, in the step that
produces it)."""

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.audit import client_ip

from . import files
from .rendering import DocumentUnavailable


class DocumentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField(help_text="The document's number (文号), or the number it carries; \"\" until issued.")
    available = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why the document cannot be produced yet (\"\" when available).")
    formats = serializers.ListField(child=serializers.CharField(), help_text="[\"docx\", \"pdf\"] or [\"docx\"]")
    pdf_unavailable = serializers.CharField(help_text="Why PDF is not offered (no Chinese font), else \"\".")
    urls = serializers.DictField(child=serializers.CharField(), help_text="{\"docx\": url, \"pdf\": url}")
    print_url = serializers.CharField()
    record_id = serializers.IntegerField(allow_null=True)
    record_label = serializers.CharField()


CONFLICT = inline_serializer("DocumentUnavailableError", {
    "error": serializers.CharField(default="document-unavailable"), "detail": serializers.CharField()})


def _target(request, owner, pk, kind=None, record=None) -> files.Target:
    try:
        target = files.find(owner, pk, kind, record)
    except files.NotFound:
        raise Http404 from None
    if not target.owner.may_view(request.user, target.obj):
        raise exceptions.PermissionDenied()
    return target


class DocumentListView(APIView):
    """GET /api/v1/{owner}/{id}/documents/: every document of the object, a per-record document once per
    record."""

    @extend_schema(responses={200: DocumentSerializer(many=True)}, operation_id="documents_list",
                   summary="The documents (文书) of a case, decision or meeting")
    def get(self, request, owner, pk):
        target = _target(request, owner, pk)
        rows = []
        for row in files.documents_of(target.obj):
            row = {key: value for key, value in row.items() if key != "record"}
            if row.pop("addressable"):
                row["urls"] = {fmt: request.build_absolute_uri(
                    files.file_url(owner, pk, row["kind"], row["record_id"], fmt)) for fmt in row["formats"]}
                row["print_url"] = request.build_absolute_uri(files.print_url(owner, pk, row["kind"], row["record_id"]))
            else:  # a per-record document with no record yet has no address
                row["urls"], row["print_url"] = {}, ""
            rows.append(row)
        return Response(DocumentSerializer(rows, many=True).data)


class DocumentFileView(APIView):
    """GET /api/v1/{owner}/{id}/documents/{kind}[/{record}].{docx|pdf}: the file, or 409 while the document
    is not available (or, for PDF, while the server has no Chinese font)."""

    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): OpenApiTypes.BINARY,
                   (200, "application/pdf"): OpenApiTypes.BINARY,
                   409: OpenApiResponse(CONFLICT, description="The document is not available yet.")},
        operation_id="documents_file", summary="A document as DOCX or PDF")
    def get(self, request, owner, pk, kind, fmt, record=None):
        target = _target(request, owner, pk, kind, record)
        try:
            data, content_type, disposition = files.produce(target, fmt)
        except DocumentUnavailable as refusal:
            return Response({"error": "document-unavailable", "detail": refusal.reason}, status=409)
        files.record_read(target.obj, document=target.kind.name, fmt=fmt, record=target.record,
                          user=request.user, client_ip=client_ip(request))
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = disposition
        return response


class DocumentRecordFileView(DocumentFileView):
    """GET /api/v1/{owner}/{id}/documents/{kind}/{record}.{docx|pdf}: the document of one record (an inquiry
    record, a review opinion)."""

    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): OpenApiTypes.BINARY,
                   (200, "application/pdf"): OpenApiTypes.BINARY,
                   409: OpenApiResponse(CONFLICT, description="The document is not available yet.")},
        operation_id="documents_record_file", summary="A per-record document as DOCX or PDF")
    def get(self, request, owner, pk, kind, fmt, record=None):
        return super().get(request, owner, pk, kind, fmt, record)
