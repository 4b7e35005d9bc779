"""我的提醒设置: the user's own notification preferences (channels, phone, e-mail, WeCom user ID, quiet hours) at
/inbox/preferences/ (PreferencesView, mounted by config.site.InboxApplication), saved through
notifications.preferences.update_preferences as `PATCH /api/v1/me/` is; only ever the logged-in user's own.
"""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import View
from viewflow.forms import Layout, Row

from web.base import PageMixin, error_status, show_refusal
from workflows import roles
from workflows.errors import Refusal
from workflows.models import User

from ..channels import EMAIL, PERSONAL_CHANNELS, SMS, WECOM
from ..preferences import update_preferences

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
