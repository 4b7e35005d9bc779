"""The attachments' API (CONTRACT §6): upload and list an object's attachments, download a file or its thumbnail.

- `POST /api/v1/{owner}/{id}/attachments/` (multipart: `file`, `category`, `title`, optional `document_kind`)
  → 201 with the stored attachment; 400 too large, type not accepted, category not fitting; 403 may not attach.
- `GET /api/v1/{owner}/{id}/attachments/` → the list; 403 when the user may not see the object.
- `GET /api/v1/attachments/{id}/download/` → the bytes, with their type and the original file name;
  `GET /api/v1/attachments/{id}/thumbnail/` → a JPEG of at most 320 px for photos (404 when there is none).

`owner` is a name of documents.registry (`cases`, `decisions`, `meetings`); an unknown one is 404. Errors are the
CONTRACT's `{"error", "detail"}` (web.api.exception_handler, the project's DRF handler). The web pages download
through the same two GET views with the session.
"""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.audit import client_ip

from .attachments import (
    ALLOWED_TYPES,
    attachment_object,
    attachments_of,
    load_object,
    open_stored,
    store_attachment,
)
from .models import Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    uploaded_by_name = serializers.CharField(source="uploaded_by.display_name", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    download_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "sha256", "size", "content_type", "category", "category_label", "title", "document_kind",
                  "original_name", "uploaded_by", "uploaded_by_name", "uploaded_at", "download_url",
                  "thumbnail_url"]

    def _url(self, name, attachment):
        url = reverse(name, args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_download_url(self, attachment) -> str:
        return self._url("attachment-download", attachment)

    def get_thumbnail_url(self, attachment) -> str | None:
        return self._url("attachment-thumbnail", attachment) if attachment.thumbnail else None


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The file; its type is read from its bytes.")
    category = serializers.ChoiceField(choices=Attachment.Category.choices)
    title = serializers.CharField(max_length=200)
    document_kind = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                          help_text="The document this file is the signed or served copy of.")


def _object_or_404(owner_name, pk):
    try:
        return load_object(owner_name, pk)
    except LookupError:
        raise Http404 from None


class ObjectAttachmentsView(APIView):
    """An object's attachments: list (GET) and upload (POST, multipart)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=AttachmentSerializer(many=True), summary="List an object's attachments")
    def get(self, request, owner, pk):
        registered, obj = _object_or_404(owner, pk)
        if not registered.may_view(request.user, obj):
            raise PermissionDenied
        rows = attachments_of(registered.name, obj)
        return Response(AttachmentSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer}, summary="Upload an attachment")
    def post(self, request, owner, pk):
        registered, obj = _object_or_404(owner, pk)
        if not registered.may_view(request.user, obj):
            raise PermissionDenied
        data = AttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = store_attachment(
            registered.name, obj, user=request.user, client_ip=client_ip(request), **data.validated_data)
        return Response(AttachmentSerializer(attachment, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class AnyAccept(BaseContentNegotiation):
    """A file endpoint answers whatever the client accepts (a browser asks for image/* or */*); errors are
    JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class _FileView(APIView):
    content_negotiation_class = AnyAccept

    def attachment(self, request, pk) -> Attachment:
        attachment = Attachment.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
        if attachment is None:
            raise Http404
        try:
            owner, obj = attachment_object(attachment)
        except LookupError:
            raise Http404 from None
        if obj is None:
            raise Http404
        if not owner.may_view(request.user, obj):
            raise PermissionDenied
        return attachment


class AttachmentDownloadView(_FileView):
    # The file answers with the type read from its bytes when it was stored: one of the accepted types.
    @extend_schema(responses={(200, mime): OpenApiResponse(OpenApiTypes.BINARY) for mime in sorted(ALLOWED_TYPES)},
                   summary="Download an attachment's file")
    def get(self, request, pk):
        attachment = self.attachment(request, pk)
        try:
            stored = open_stored(attachment.file.name)
        except OSError:  # the stored file is gone (verify_audit names it); nothing to send
            raise Http404 from None
        # The original name in Content-Disposition (Django writes filename*=UTF-8''… for Chinese names, RFC 5987).
        return FileResponse(stored, as_attachment=True, filename=attachment.original_name or attachment.file.name,
                            content_type=attachment.content_type)


class AttachmentThumbnailView(_FileView):
    @extend_schema(responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY)},
                   summary="A photo's thumbnail (JPEG, at most 320 px)")
    def get(self, request, pk):
        attachment = self.attachment(request, pk)
        if not attachment.thumbnail:
            raise Http404
        try:
            stored = open_stored(attachment.thumbnail.name)
        except OSError:
            raise Http404 from None
        return FileResponse(stored, content_type="image/jpeg")
