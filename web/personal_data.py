"""The page of an audited reveal of personal data (issue 17 item 4, workflows.personal_data).

The detail page of a case, a petition or a mediation shows ID numbers and phones masked, with a button 查看完整信息
that POSTs to `<detail>/personal-data/`: the answer lists the full values, says that this read went into the audit
trail (entry N), and is not cached. Only POST: a GET would be fetched by Turbo's prefetch on hover and recorded as a
read nobody made. Each app's pages subclass PersonalDataView with how to find the object and reveal its data.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views import View

from workflows.audit import client_ip
from workflows.errors import NotFound, NotPermitted

from .base import PageMixin

FULL_PERSONAL_DATA = _("Full personal data")


class PersonalDataView(PageMixin, View):
    """POST only (GET answers 405). Subclasses give `target(request, pk) -> (obj, title, back_url)` (raising Http404
    or PermissionDenied for an object the user may not see) and `reveal(obj, user, client_ip) -> dict` (the app's
    service: workflows.personal_data.reveal's answer; NotPermitted → 403, NotFound → 404)."""

    http_method_names = ["post"]

    def target(self, request, pk):
        raise NotImplementedError

    def reveal(self, obj, user, ip) -> dict:
        raise NotImplementedError

    def post(self, request, pk):
        obj, title, back = self.target(request, pk)
        try:
            result = self.reveal(obj, request.user, client_ip(request))
        except NotPermitted:
            raise PermissionDenied from None
        except NotFound:
            raise Http404 from None
        response = self.render("web/personal_data.html", {
            "object_title": title, "back": back, "result": result, "page_title": FULL_PERSONAL_DATA,
            "with_birth_date": any("birth_date" in row for row in result["people"]),
        })
        response["Cache-Control"] = "no-store"
        return response
