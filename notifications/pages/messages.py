"""我的消息: the user's in-app messages in the web UI (DESIGN §5), beside `GET /api/v1/notifications/`.

Newest first, unread ones marked, an unread-only filter, "mark as read" one by one and all at once (POST with
CSRF, through notifications.services.mark_read, as the API does). Only the user's own messages are shown or
marked: another user's message is a 404. Mounted under the inbox application (config.site.InboxApplication) at
/inbox/messages/.

我的通知设置: the user's own notification preferences (channels, phone, e-mail, WeCom user ID, quiet hours) at
/inbox/preferences/ (PreferencesView), saved through notifications.preferences.update_preferences as
`PATCH /api/v1/me/` is; only ever the logged-in user's own.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _, ngettext
from django.views import View
from viewflow.forms import Layout, Row

from web.pages import MAX_ID, PageMixin, error_status, show_refusal
from workflows import roles
from workflows.errors import Refusal
from workflows.models import User

from ..channels import EMAIL, PERSONAL_CHANNELS, SMS, WECOM
from ..models import Notification
from ..preferences import update_preferences
from ..services import mark_read

PAGE_SIZE = 20

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
        page = Paginator(shown.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
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


# --------------------------------------------------------------------------------------------------
# 我的通知设置: the user's own preferences
# --------------------------------------------------------------------------------------------------

CHANNEL_LABELS = {
    EMAIL: _("E-mail"),
    SMS: _("SMS"),
    WECOM: _("WeCom app message"),
}
PREFERENCES_SAVED = _("Your notification settings were saved.")


def _label(field: str):
    return capfirst(User._meta.get_field(field).verbose_name)


class PreferencesForm(forms.Form):
    """Reads the browser's input; the rules (formats, a channel needs its contact, quiet hours both or neither)
    are notifications.preferences.update_preferences's, shown beside the fields when it refuses."""

    notification_channels = forms.MultipleChoiceField(
        # SelectMultiple: viewflow's open-core scripts draw <vf-field-select-multiple>, not the checkbox list.
        label=_label("notification_channels"), required=False, widget=forms.SelectMultiple,
        choices=[(channel, CHANNEL_LABELS[channel]) for channel in PERSONAL_CHANNELS],
        help_text=_("In-app messages (My messages) are always on. Choose the channels that should also bring you "
                    "reminders: SMS needs your mobile number, e-mail your address, WeCom your WeCom user ID."))
    phone = forms.CharField(label=_label("phone"), required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                            help_text=_("An 11-digit mainland mobile number, e.g. 13800138000."))
    email = forms.CharField(label=_label("email"), required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    wecom_userid = forms.CharField(label=_label("wecom_userid"), required=False,
                                   help_text=_("Your account in the town's WeCom directory (ask the administrator "
                                               "if you do not know it)."))
    quiet_hours_start = forms.TimeField(
        label=_label("quiet_hours_start"), required=False, widget=forms.TimeInput(format="%H:%M"),
        help_text=_("SMS and WeCom messages that fall in your quiet hours wait until they end; in-app messages and "
                    "e-mail arrive at once, and escalations of missed deadlines are never held."))
    quiet_hours_end = forms.TimeField(
        label=_label("quiet_hours_end"), required=False, widget=forms.TimeInput(format="%H:%M"),
        help_text=_("Give both times or leave both empty. The end may be earlier than the start: 22:00 to 07:00 "
                    "spans the night."))

    layout = Layout("notification_channels", Row("phone", "email"), "wecom_userid",
                    Row("quiet_hours_start", "quiet_hours_end"))

    @classmethod
    def of(cls, user, data=None):
        initial = {name: getattr(user, name) for name in cls.base_fields}
        initial["notification_channels"] = [c for c in (user.notification_channels or []) if c in PERSONAL_CHANNELS]
        return cls(data, initial=initial)


def profile_of(user) -> dict:
    """What the page shows but the user may not change here: who they are, their roles and qualifications."""
    today = timezone.localdate()
    certificates = [{"number": certificate.number, "expires_on": certificate.expires_on,
                     "revoked_on": certificate.revoked_on, "valid": certificate.valid_on(today)}
                    for certificate in user.certificates.all()] if hasattr(user, "certificates") else []
    held = roles.user_roles(user)
    return {
        "username": user.get_username(),
        "name": user.display_name,
        "roles": [label for role, label in roles.ROLE_LABELS.items() if role in held],
        "legal_qualification": user.legal_qualification,
        "certificates": certificates,
    }


class PreferencesView(PageMixin, View):
    """我的通知设置: the logged-in user's own preferences; there is no user id to choose another's."""

    def page(self, form, refusal=None, status=200):
        return self.render("notifications/preferences.html", {
            "form": form, "refusal": refusal, "profile": profile_of(self.request.user),
        }, status=status)

    def get(self, request):
        return self.page(PreferencesForm.of(request.user))

    def post(self, request):
        form = PreferencesForm.of(request.user, request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        try:
            update_preferences(request.user, form.cleaned_data)
        except Refusal as refusal:
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(PREFERENCES_SAVED))
        return HttpResponseRedirect(reverse("inbox:preferences"))


# Included by config.site.InboxApplication (`messages_path`): names inbox:messages, inbox:message_read,
# inbox:messages_read_all.
urlpatterns = [
    path("", MessagesView.as_view(), name="messages"),
    path("<int:pk>/read/", MarkReadView.as_view(), name="message_read"),
    path("read-all/", MarkAllReadView.as_view(), name="messages_read_all"),
]
