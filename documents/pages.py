"""The documents in the web UI (DESIGN §10): the A4 print page of a document (no menus) and the DOCX/PDF
downloads from the browser session. Mounted by the site at /documents/ (config/urls.py)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, re_path
from django.views import View

from web.base import PageMixin
from workflows.audit import client_ip

from . import files, rendering

app_name = "documents"


class DocumentPageMixin(PageMixin):
    """Login required; 404 for an unknown owner, object, kind or record; 403 when the user may not see the
    object."""

    def target(self, owner, pk, kind, record=None) -> files.Target:
        try:
            target = files.find(owner, pk, kind, record)
        except files.NotFound:
            raise Http404 from None
        if not target.owner.may_view(self.request.user, target.obj):
            raise PermissionDenied
        return target


def unavailable(request, reason: str) -> HttpResponse:
    """A plain page that says why the document cannot be produced yet (409)."""
    return TemplateResponse(request, "documents/unavailable.html", {"reason": reason}, status=409)


class PrintView(DocumentPageMixin, View):
    """The document as a standalone A4 page for the browser's print dialogue."""

    def get(self, request, owner, pk, kind, record=None):
        target = self.target(owner, pk, kind, record)
        reason = files.unavailable_reason(target)
        if reason:
            return unavailable(request, reason)
        try:
            html = rendering.render_html(target.kind.name, target.obj, target.record)
        except rendering.DocumentUnavailable as refusal:
            return unavailable(request, refusal.reason)
        files.record_read(target.obj, document=target.kind.name, fmt="print", record=target.record,
                          user=request.user, client_ip=client_ip(request))
        return HttpResponse(html)


class FileView(DocumentPageMixin, View):
    """The document as a Word or PDF download."""

    def get(self, request, owner, pk, kind, fmt, record=None):
        target = self.target(owner, pk, kind, record)
        try:
            data, content_type, disposition = files.produce(target, fmt)
        except rendering.DocumentUnavailable as refusal:
            return unavailable(request, refusal.reason)
        files.record_read(target.obj, document=target.kind.name, fmt=fmt, record=target.record,
                          user=request.user, client_ip=client_ip(request))
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = disposition
        return response


OBJECT = "<slug:owner>/<int:pk>/<slug:kind>/"
urlpatterns = [
    path(f"{OBJECT}print/", PrintView.as_view(), name="print"),
    path(f"{OBJECT}<int:record>/print/", PrintView.as_view(), name="record-print"),
    re_path(r"^(?P<owner>[a-z][a-z_-]{0,39})/(?P<pk>[0-9]{1,18})/(?P<kind>[a-z][a-z0-9_]{0,39})/"
            r"file\.(?P<fmt>docx|pdf)$", FileView.as_view(), name="file"),
    re_path(r"^(?P<owner>[a-z][a-z_-]{0,39})/(?P<pk>[0-9]{1,18})/(?P<kind>[a-z][a-z0-9_]{0,39})/"
            r"(?P<record>[0-9]{1,18})/file\.(?P<fmt>docx|pdf)$", FileView.as_view(), name="record-file"),
]
