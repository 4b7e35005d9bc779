"""Web pages for deadlines (DESIGN §4): a deadline with its reminders and requests, the forms to ask for a
suspension (中止), resumption or extension (延期), and the escalation role's approval or rejection.

Mounted under the inbox application (config.site.InboxApplication, `deadlines_path`) at /inbox/deadlines/; the
deadlines card on decision and case pages (web/deadlines.html, web.deadlines.action_links) links here. Every
action goes through notifications.adjustments, and its refusals (403, 409, 400 with the fields) are shown on the
form page, beside the fields.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from django.views import View

from web.base import MAX_ID, PageMixin, error_status, show_refusal
from web.deadlines import DIRECT_LABELS, REQUEST_LABELS, action_links
from workflows import roles
from workflows.audit import client_ip
from workflows.errors import Refusal
from workflows.text_limits import BoundedTextForm

from .. import adjustments as services
from ..models import Deadline, DeadlineAdjustment

Action = DeadlineAdjustment.Action

VERDICT_LABELS = {"approve": _("Approve the request"), "reject": _("Reject the request")}
REQUEST_HELP = {
    Action.SUSPEND: _("While suspended the period does not run and no reminders are sent; on resumption the days "
                      "that were left are counted again from that day."),
    Action.RESUME: _("The days that were left when the deadline was suspended are counted again from today."),
    Action.EXTEND: _("The due date moves by this many days, counted in the rule's unit."),
}
REQUESTED = _("The request was sent to the {role} for approval.")
APPLIED = _("“{label}” done.")
DECIDED = _("The request was {status}.")


def object_url(deadline) -> str:
    """The page of the object the deadline is on (the deadline's own page for a certificate)."""
    if deadline.object_type == "cases.case":
        return reverse("cases:cases:detail", args=[deadline.object_id])
    if deadline.object_type == "review.decision":
        return reverse("review:decisions:detail", args=[deadline.object_id])
    if deadline.object_type == "petitions.petition":
        return reverse("petitions:petitions:detail", args=[deadline.object_id])
    return reverse("inbox:deadline", args=[deadline.pk])


def visible_deadline(request, pk) -> Deadline:
    if pk > MAX_ID:
        raise Http404
    deadline = get_object_or_404(Deadline.objects.select_related("rule"), pk=pk)
    if not services.may_view(deadline, request.user):
        raise PermissionDenied
    return deadline


def deadline_context(deadline) -> dict:
    obj = services.object_of(deadline)
    return {
        "deadline": deadline,
        "object_label": services.object_label(deadline, obj),
        "object_url": object_url(deadline),
        "pending": services.pending_request(deadline),
        "days_left": (services.days_left(deadline, deadline.suspended_on)
                      if deadline.status == Deadline.Status.SUSPENDED and deadline.suspended_on else None),
    }


# --------------------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------------------


class AdjustmentRequestForm(BoundedTextForm, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("e.g. an expert appraisal is under way (中止), the case is complex (延期)."))
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=services.MAX_EXTENSION_DAYS)

    def __init__(self, *args, action, unit_label="", **kwargs):
        super().__init__(*args, **kwargs)
        if action != Action.EXTEND:
            del self.fields["days"]
        else:
            self.fields["days"].help_text = _("How many {unit} to add (1–{max}).").format(
                unit=unit_label, max=services.MAX_EXTENSION_DAYS)


class AdjustmentDecisionForm(BoundedTextForm, forms.Form):
    # an approval of a suspension or extension: 审批意见 (elsewhere "Note" is a neutral 备注)
    note = forms.CharField(label=pgettext_lazy("approval", "Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Told to the requester and kept in the history."))


# --------------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------------


class DeadlineView(PageMixin, View):
    """One deadline: its dates and basis, suspension and extension, the requests, and the reminder stages."""

    def get(self, request, pk):
        deadline = visible_deadline(request, pk)
        reminders = deadline.reminders.exclude(status="cancelled").order_by("send_at", "id")
        return self.render("notifications/deadline_detail.html", {
            **deadline_context(deadline),
            "adjustments": deadline.adjustments.select_related("requested_by", "decided_by"),
            "reminders": reminders,
            "actions": action_links(deadline, request.user),
        })


class AdjustmentRequestView(PageMixin, View):
    """Ask to suspend, resume or extend a deadline (reason; days for an extension)."""

    def load(self, request, pk, action):
        if action not in Action.values:
            raise Http404
        self.deadline = visible_deadline(request, pk)
        self.action = action
        # An extension is never approved by the one who asks (issue 12), so it is always a request.
        self.direct = action != Action.EXTEND and services.may_decide(self.deadline, request.user, action)
        self.label = (DIRECT_LABELS if self.direct else REQUEST_LABELS)[action]

    def make_form(self, data=None):
        return AdjustmentRequestForm(data, action=self.action, unit_label=self.deadline.rule.get_unit_display())

    def page(self, form, refusal=None, status=200):
        available = self.action in services.available_actions(self.deadline, self.request.user)
        return self.render("notifications/deadline_form.html", {
            **deadline_context(self.deadline), "form": form, "refusal": refusal,
            "label": self.label, "available": available, "help": REQUEST_HELP[self.action],
        }, status=status)

    def get(self, request, pk, action):
        self.load(request, pk, action)
        return self.page(self.make_form())

    def post(self, request, pk, action):
        self.load(request, pk, action)
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        try:
            adjustment = services.request_adjustment(
                self.deadline, action=self.action, reason=form.cleaned_data["reason"],
                days=form.cleaned_data.get("days"), user=request.user, client_ip=client_ip(request))
        except Refusal as refusal:
            self.deadline.refresh_from_db()
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        adjustment.refresh_from_db()
        if adjustment.status == DeadlineAdjustment.Status.APPROVED:
            messages.success(request, str(APPLIED).format(label=self.label))
        else:
            approver = services.approver_role(self.deadline, self.action)
            role = roles.ROLE_LABELS.get(approver, approver)
            messages.success(request, str(REQUESTED).format(role=role))
        return HttpResponseRedirect(object_url(self.deadline))


class AdjustmentDecisionView(PageMixin, View):
    """The escalation role approves (the change takes effect) or rejects a request, with a note."""

    def load(self, request, pk, verdict):
        if verdict not in VERDICT_LABELS or pk > MAX_ID:
            raise Http404
        self.adjustment = get_object_or_404(DeadlineAdjustment.objects.select_related("requested_by"), pk=pk)
        self.deadline = visible_deadline(request, self.adjustment.deadline_id)
        self.verdict = verdict
        self.label = VERDICT_LABELS[verdict]

    def page(self, form, refusal=None, status=200):
        available = (self.adjustment.status == DeadlineAdjustment.Status.REQUESTED
                     and services.may_decide(self.deadline, self.request.user, self.adjustment.action)
                     and not (self.adjustment.action == Action.EXTEND
                              and self.adjustment.requested_by_id == self.request.user.pk))
        return self.render("notifications/deadline_form.html", {
            **deadline_context(self.deadline), "form": form, "refusal": refusal,
            "label": self.label, "available": available, "adjustment": self.adjustment,
        }, status=status)

    def get(self, request, pk, verdict):
        self.load(request, pk, verdict)
        return self.page(AdjustmentDecisionForm())

    def post(self, request, pk, verdict):
        self.load(request, pk, verdict)
        form = AdjustmentDecisionForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        try:
            services.decide_adjustment(self.adjustment, approve=verdict == "approve", user=request.user,
                                       note=form.cleaned_data["note"], client_ip=client_ip(request))
        except Refusal as refusal:
            self.adjustment.refresh_from_db()
            self.deadline.refresh_from_db()
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        self.adjustment.refresh_from_db()
        messages.success(request, str(DECIDED).format(status=self.adjustment.get_status_display()))
        return HttpResponseRedirect(object_url(self.deadline))


# Included by config.site.InboxApplication (`deadlines_path`, /inbox/deadlines/): names inbox:deadline,
# inbox:deadline_adjust, inbox:deadline_decide (inbox:case_correct_date comes from cases.pages).
urlpatterns = [
    path("<int:pk>/", DeadlineView.as_view(), name="deadline"),
    path("<int:pk>/<slug:action>/", AdjustmentRequestView.as_view(), name="deadline_adjust"),
    path("requests/<int:pk>/<slug:verdict>/", AdjustmentDecisionView.as_view(), name="deadline_decide"),
]
