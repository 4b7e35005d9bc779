"""我的消息: the user's in-app messages in the web UI (DESIGN §5), beside `GET /api/v1/notifications/`.

Newest first, unread ones marked, an unread-only filter, "mark as read" one by one and all at once (POST with
CSRF, through notifications.services.mark_read, as the API does). Only the user's own messages are shown or
marked: another user's message is a 404. Mounted under the inbox application (config.site.InboxApplication) at
/inbox/messages/.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _, ngettext
from django.views import View

from web.base import MAX_ID, PageMixin

from ..models import Notification
from ..services import mark_read

MESSAGES_PER_PAGE = 20

ALL_MARKED = _("All messages are read.")


def local_link(link: str) -> str:
    """The message's link as a path on this server (reminders carry SITE_URL + path), or "" if it is not a
    link this page should render (anything but a local path or an http(s) address)."""
    link = (link or "").strip()
    site = settings.SITE_URL
    if site and link.startswith(site + "/"):
        link = link[len(site):]
    if link.startswith("/") and not link.startswith("//"):
        return link
    if link.startswith(("http://", "https://")):
        return link
    return ""


class MessagesPageMixin(PageMixin):
    def back(self, request):
        """Back to the list the form was posted from (its filter and page), never to another site."""
        index = reverse("inbox:messages")
        target = request.POST.get("next", "")
        if (target.startswith(index)
                and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure())):
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(index)


class MessagesView(MessagesPageMixin, View):
    """The list: `?unread=1` shows unread messages only; `?page=N` pages through them."""

    def get(self, request):
        unread_only = request.GET.get("unread") in ("1", "true")
        mine = Notification.objects.filter(recipient=request.user)
        shown = mine.filter(read_at__isnull=True) if unread_only else mine
        page = Paginator(shown.order_by("-created_at", "-id"), MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
        for item in page.object_list:
            item.local_link = local_link(item.link)
        return TemplateResponse(request, "notifications/messages.html", {
            "page_obj": page,
            "unread_only": unread_only,
            "unread": mine.filter(read_at__isnull=True).count(),
            "total": mine.count(),
        })


class MarkReadView(MessagesPageMixin, View):
    """POST: mark one of the user's messages as read; someone else's message is not found."""

    http_method_names = ["post"]

    def post(self, request, pk):
        if pk > MAX_ID or not Notification.objects.filter(pk=pk, recipient=request.user).exists():
            raise Http404
        mark_read(request.user, [pk])
        return self.back(request)


class MarkAllReadView(MessagesPageMixin, View):
    """POST: mark every unread message of the user as read."""

    http_method_names = ["post"]

    def post(self, request):
        marked = mark_read(request.user)
        if marked:
            messages.success(request, ngettext("%(count)d message marked as read.",
                                               "%(count)d messages marked as read.", marked) % {"count": marked})
        else:
            messages.info(request, str(ALL_MARKED))
        return self.back(request)


# Included by config.site.InboxApplication (`messages_path`): names inbox:messages, inbox:message_read,
# inbox:messages_read_all.
urlpatterns = [
    path("", MessagesView.as_view(), name="messages"),
    path("<int:pk>/read/", MarkReadView.as_view(), name="message_read"),
    path("read-all/", MarkAllReadView.as_view(), name="messages_read_all"),
]
