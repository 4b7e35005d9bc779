"""The attachments' page: the upload form of the attachments card (templatetags/attachments.py) posts here.

Success: back to the object's page with a message. A refusal (too large, a type not accepted, a category that
does not fit the file, a missing title): the form again, on a page of its own, with the reason beside the field
and the title, category and document typed kept (400; the browser cannot be given the file back). Downloads go
through the API's two GET views with the session (documents.attachment_api), which check the same rights.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View

from workflows.audit import client_ip
from workflows.errors import Refusal, in_active_language

from . import registry
from .attachments import load_object, store_attachment
from .models import Attachment

ACCEPT = "image/*,audio/*,video/*,application/pdf"


class AttachmentForm(forms.Form):
    """The upload form; the checks of the file itself are the service's (store_attachment)."""

    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    category = forms.ChoiceField(label=_("Category"), choices=Attachment.Category.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    document_kind = forms.ChoiceField(label=_("Signed or served copy of"), required=False)

    def __init__(self, *args, owner_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = registry.kinds_for(owner_name)
        self.fields["document_kind"].choices = [("", "—")] + [(k.name, k.title) for k in kinds]
        if not kinds:
            self.fields["document_kind"].widget = forms.HiddenInput()


def upload_context(owner, obj, form) -> dict:
    return {"owner": owner, "obj": obj, "form": form, "object_url": owner.url(obj), "accept": ACCEPT,
            "max_mb": settings.ATTACHMENT_MAX_MB}


class AttachmentUploadPage(LoginRequiredMixin, View):
    """POST (multipart) an attachment to `owner`/`pk`; GET shows the form alone."""

    template_name = "documents/attachments/upload.html"

    def _object(self, owner_name, pk):
        try:
            owner, obj = load_object(owner_name, pk)
        except LookupError:
            raise Http404 from None
        if not owner.may_view(self.request.user, obj) or not owner.may_attach(self.request.user, obj):
            raise PermissionDenied
        return owner, obj

    def get(self, request, owner, pk):
        registered, obj = self._object(owner, pk)
        form = AttachmentForm(owner_name=registered.name)
        return TemplateResponse(request, self.template_name, upload_context(registered, obj, form))

    def post(self, request, owner, pk):
        registered, obj = self._object(owner, pk)
        form = AttachmentForm(request.POST, request.FILES, owner_name=registered.name)
        if form.is_valid():
            try:
                attachment = store_attachment(
                    registered.name, obj, user=request.user, client_ip=client_ip(request), **form.cleaned_data)
            except Refusal as refusal:
                for field, reasons in (refusal.fields or {None: [refusal.message]}).items():
                    form.add_error(field if field in form.fields else None,
                                   [in_active_language(reason) for reason in reasons])
            else:
                messages.success(request, _("Attachment “{title}” uploaded.").format(title=attachment.title))
                return HttpResponseRedirect(registered.url(obj) + "#attachments")
        return TemplateResponse(request, self.template_name, upload_context(registered, obj, form), status=400)


urlpatterns = [
    path("<slug:owner>/<int:pk>/upload/", AttachmentUploadPage.as_view(), name="upload"),
]
