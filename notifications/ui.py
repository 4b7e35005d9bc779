"""Web pages for deadlines (DESIGN §4): a deadline with its reminders and requests, the forms to ask for a
suspension (中止), resumption or extension (延期), the escalation role's approval or rejection, and the brigade
chief's correction of a case's business date (更正业务日期).

Mounted under the inbox application (review.ui.InboxApplication, `deadlines_path`) at /inbox/deadlines/; the
deadlines card on decision and case pages (review/deadlines.html, notifications.templatetags.deadline_tags)
links here. Every action goes through notifications.adjustments or cases.services.correct_business_date, and
their refusals (403, 409, 400 with the fields) are shown on the form page, beside the fields.

This module does not import review.ui at load time: review.ui includes these URL patterns.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from viewflow.forms import Layout, Row

from workflows import roles
from workflows.errors import Refusal
from workflows.pages import PageMixin
from workflows.text_limits import BoundedTextForm

from . import adjustments as services
from .models import Deadline, DeadlineAdjustment

Action = DeadlineAdjustment.Action
MAX_ID = 2**63 - 1

REQUEST_LABELS = {
    Action.SUSPEND: _("Request suspension"),
    Action.RESUME: _("Request resumption"),
    Action.EXTEND: _("Request extension"),
}
# A holder of the escalation role who asks approves at once.
DIRECT_LABELS = {
    Action.SUSPEND: _("Suspend the deadline"),
    Action.RESUME: _("Resume the deadline"),
    Action.EXTEND: _("Extend the deadline"),
}
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
CORRECTED = _("The {field} was corrected; the deadlines anchored on it were recomputed.")


def object_url(deadline) -> str:
    """The page of the object the deadline is on (the deadline's own page for a certificate)."""
    if deadline.object_type == "cases.case":
        return reverse("cases:cases:detail", args=[deadline.object_id])
    if deadline.object_type == "review.decision":
        return reverse("review:decisions:detail", args=[deadline.object_id])
    return reverse("inbox:deadline", args=[deadline.pk])


def error_status(request, status: int) -> int:
    """As review.ui.error_status: Turbo re-renders a form only from a 422."""
    return 422 if request.headers.get("X-Request-Framework") == "Turbo" else status


def show_refusal(form, refusal: Refusal):
    """The service's field messages beside the fields of the bound form (as review.ui.show_refusal)."""
    form._errors = ErrorDict()
    form.cleaned_data = {}
    for field, field_messages in (refusal.fields or {}).items():
        form.add_error(field if field in form.fields else None, list(field_messages))
    return form


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
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Told to the requester and kept in the history."))


class DateCorrectionForm(BoundedTextForm, forms.Form):
    field = forms.ChoiceField(label=_("Business date"))
    date = forms.DateField(label=_("Correct date"), widget=forms.DateInput(format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Why the recorded date is wrong; kept in the case history."))

    layout = Layout(Row("field", "date"), "reason")

    def __init__(self, *args, case, **kwargs):
        from cases.services import CORRECTABLE_DATES, DATE_LABELS

        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "---------")] + [
            (name, f"{DATE_LABELS[name]}（{getattr(case, name).isoformat()}）") for name in CORRECTABLE_DATES
            if getattr(case, name) is not None]


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


def action_links(deadline, user) -> dict:
    """What `user` may do on the deadline now: the requests to ask for, and approve/reject of a pending one."""
    direct = services.may_decide(deadline, user)
    links = {"request": [
        {"action": action, "label": (DIRECT_LABELS if direct else REQUEST_LABELS)[action],
         "url": reverse("inbox:deadline_adjust", args=[deadline.pk, action])}
        for action in services.available_actions(deadline, user)
    ]}
    pending = deadline.pending if hasattr(deadline, "pending") else services.pending_request(deadline)
    if pending is not None and direct:
        links["approve_url"] = reverse("inbox:deadline_decide", args=[pending.pk, "approve"])
        links["reject_url"] = reverse("inbox:deadline_decide", args=[pending.pk, "reject"])
    links["details_url"] = reverse("inbox:deadline", args=[deadline.pk])
    return links


class AdjustmentRequestView(PageMixin, View):
    """Ask to suspend, resume or extend a deadline (reason; days for an extension)."""

    def load(self, request, pk, action):
        if action not in Action.values:
            raise Http404
        self.deadline = visible_deadline(request, pk)
        self.action = action
        self.direct = services.may_decide(self.deadline, request.user)
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
                days=form.cleaned_data.get("days"), user=request.user, client_ip=request.META.get("REMOTE_ADDR"))
        except Refusal as refusal:
            self.deadline.refresh_from_db()
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        adjustment.refresh_from_db()
        if adjustment.status == DeadlineAdjustment.Status.APPROVED:
            messages.success(request, str(APPLIED).format(label=self.label))
        else:
            role = roles.ROLE_LABELS.get(self.deadline.rule.escalate_to, self.deadline.rule.escalate_to)
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
                     and services.may_decide(self.deadline, self.request.user))
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
                                       note=form.cleaned_data["note"], client_ip=request.META.get("REMOTE_ADDR"))
        except Refusal as refusal:
            self.adjustment.refresh_from_db()
            self.deadline.refresh_from_db()
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        self.adjustment.refresh_from_db()
        messages.success(request, str(DECIDED).format(status=self.adjustment.get_status_display()))
        return HttpResponseRedirect(object_url(self.deadline))


class DateCorrectionView(PageMixin, View):
    """更正业务日期: the brigade chief corrects a case's filing, notice, decision or service date."""

    def load(self, request, pk):
        from cases.models import Case

        if pk > MAX_ID:
            raise Http404
        if not roles.may("case.view", request.user):
            raise PermissionDenied
        self.case = get_object_or_404(Case.objects.select_related("violation_type", "party"), pk=pk)

    def page(self, form, refusal=None, status=200):
        from cases.ui import case_summary

        return self.render("notifications/correct_date_form.html", {
            **case_summary(self.case), "form": form, "refusal": refusal,
            "available": roles.has_role(self.request.user, roles.BRIGADE_CHIEF),
            "case_url": reverse("cases:cases:detail", args=[self.case.pk]),
        }, status=status)

    def get(self, request, pk):
        self.load(request, pk)
        return self.page(DateCorrectionForm(case=self.case))

    def post(self, request, pk):
        from cases.services import DATE_LABELS, correct_business_date

        self.load(request, pk)
        form = DateCorrectionForm(request.POST, case=self.case)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        data = form.cleaned_data
        try:
            correct_business_date(self.case, field=data["field"], day=data["date"], reason=data["reason"],
                                  user=request.user, client_ip=request.META.get("REMOTE_ADDR"))
        except Refusal as refusal:
            self.case.refresh_from_db()
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(CORRECTED).format(field=DATE_LABELS[data["field"]]))
        return HttpResponseRedirect(reverse("cases:cases:detail", args=[self.case.pk]))


# Included by review.ui.InboxApplication (`deadlines_path`, /inbox/deadlines/): names inbox:deadline,
# inbox:deadline_adjust, inbox:deadline_decide, inbox:case_correct_date.
urlpatterns = [
    path("<int:pk>/", DeadlineView.as_view(), name="deadline"),
    path("<int:pk>/<slug:action>/", AdjustmentRequestView.as_view(), name="deadline_adjust"),
    path("requests/<int:pk>/<slug:verdict>/", AdjustmentDecisionView.as_view(), name="deadline_decide"),
    path("cases/<int:pk>/correct-date/", DateCorrectionView.as_view(), name="case_correct_date"),
]
