"""The web UI for major decisions and joint meetings, and every user's inbox (CONTRACT §4).

Views are thin: lists come from review.selectors and workflows.inbox, actions go through review.services and
workflows.services.fire_transition, and every refusal (403 roles, 409 state or rule, 400 input) comes from
those services and is shown on the form page with its bilingual reason. Pages render inside viewflow's
Material base template with the assets shipped in the viewflow package (no CDN: DESIGN §6).
"""

import json
import re
from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from viewflow.forms import Layout, Row
from viewflow.fsm import chart
from viewflow.urls import Application, AppMenuMixin, Viewset, route
from viewflow.utils import Icon

from notifications import ui as deadline_ui, views as notification_views
from notifications.deadlines import deadlines_of
from notifications.models import DeadlineAdjustment
from workflows import overview, roles
from workflows.api import client_ip
from workflows.audit import history_of
from workflows.errors import Refusal
from workflows.inbox import inbox
from workflows.pages import PageMixin
from workflows.services import available_transitions, fire_transition, get_process, transition_form
from workflows.text_limits import BoundedTextForm

from . import selectors, services
from .models import (
    EDITABLE_DECISION_STATES,
    Decision,
    DecisionState,
    MeetingState,
    PreparationRecord,
)

PAGE_SIZE = 25
MAX_ID = 2**63 - 1

KIND_LABELS = {
    "decision": _("Major decision"),
    "meeting": _("Joint meeting"),
    "case": _("Enforcement case"),
    "deadline_adjustment": _("Deadline change request"),
}
# Audit entries that are not transitions (review.services records them).
ACTION_LABELS = {
    "create": _("Created"),
    "edit": _("Content edited"),
    "record_preparation": _("Preparation recorded"),
    # notifications.adjustments and cases.services.correct_business_date, on decisions and cases alike
    "request_deadline_suspend": _("Suspension of a deadline requested"),
    "request_deadline_resume": _("Resumption of a deadline requested"),
    "request_deadline_extend": _("Extension of a deadline requested"),
    "approve_deadline_suspend": _("Deadline suspended"),
    "approve_deadline_resume": _("Deadline resumed"),
    "approve_deadline_extend": _("Deadline extended"),
    "reject_deadline_suspend": _("Suspension of a deadline rejected"),
    "reject_deadline_resume": _("Resumption of a deadline rejected"),
    "reject_deadline_extend": _("Extension of a deadline rejected"),
    "correct_business_date": _("Business date corrected"),
}
DONE = _("“{label}” done.")
DECISION_CREATED = _("The decision was created.")
DECISION_SAVED = _("The content was saved.")
PREPARATION_SAVED = _("The preparation record was added.")
MEETING_CREATED = _("The joint meeting was created.")
NOT_AVAILABLE = _("This action is not available to you on this object now; the system will refuse it.")

# The current state in the chart: a filled, bold node (vis-network reads these DOT attributes).
CURRENT_STATE_STYLE = 'color="#c62828", fontcolor="#ffffff", borderWidth=3'


# --------------------------------------------------------------------------------------------------
# Plumbing
# --------------------------------------------------------------------------------------------------


def error_status(request, status: int) -> int:
    """Turbo (viewflow's page navigation) renders a re-displayed form only from a 4xx answer and stops
    navigating after any 4xx but 422, its convention for "form with errors"; plain clients get the
    refusal's own status (400, 403, 404, 409)."""
    return 422 if request.headers.get("X-Request-Framework") == "Turbo" else status


def single_values(querydict, form=None) -> dict:
    """request.POST as a plain dict, the shape the API passes to fire_transition: single values, and a list for
    each multiple-choice field of `form` (e.g. a case's officers)."""
    multiple = {name for name, field in (form.fields.items() if form is not None else ())
                if getattr(field.widget, "allow_multiple_selected", False)}
    return {key: querydict.getlist(key) if key in multiple else querydict.get(key)
            for key in querydict if key != "csrfmiddlewaretoken"}


def show_refusal(form, refusal: Refusal):
    """Put the refusal's field messages (Chinese / English) beside the fields of a bound form."""
    form._errors = ErrorDict()  # only the service's verdict, not a second validation here
    form.cleaned_data = {}
    for field, field_messages in (refusal.fields or {}).items():
        form.add_error(field if field in form.fields else None, list(field_messages))
    return form


def state_labels(model) -> dict:
    return {str(value): label for value, label in model._meta.get_field("state").choices}


def marked_chart(process, state: str) -> str:
    """The flow's state chart in DOT (viewflow.fsm.chart) with the current state drawn filled."""
    dot = chart(process.flow.state).rstrip().removesuffix("}")
    return f'{dot}"{state}" [{CURRENT_STATE_STYLE}];\n}}'


DOT_EDGE = re.compile(r'^"([^"]+)" -> "([^"]+)"', re.M)


def chart_levels(process, dot: str) -> dict:
    """Left-to-right columns for the chart: the longest path from the initial state once the edges that
    lead back (revise, defer, resubmit) are set aside, so the main line reads from draft to the end."""
    edges: dict[str, list[str]] = {}
    for source, target in DOT_EDGE.findall(dot):
        edges.setdefault(source, []).append(target)
        edges.setdefault(target, [])
    root = str(process.model._meta.get_field("state").default)
    forward: dict[str, list[str]] = {node: [] for node in edges}
    on_path, seen = set(), set()

    def visit(node):
        seen.add(node)
        on_path.add(node)
        for target in edges[node]:
            if target in on_path:
                continue  # leads back: not a column step
            forward[node].append(target)
            if target not in seen:
                visit(target)
        on_path.discard(node)

    if root in edges:
        visit(root)
    levels: dict[str, int] = {}

    def level(node):
        if node not in levels:
            parents = [source for source, targets in forward.items() if node in targets]
            levels[node] = 0 if node == root or not parents else 1 + max(level(p) for p in parents)
        return levels[node]

    return {node: level(node) for node in edges}


def chart_context(process, state: str) -> dict:
    dot = marked_chart(process, state)
    return {"chart_dot": dot, "chart_levels": json.dumps(chart_levels(process, dot))}


def history_rows(process, obj, action_labels=None) -> list[dict]:
    """The audit entries of `obj`; `action_labels` names the process's recorded actions that are not transitions."""
    labels = state_labels(process.model)
    transitions = set(process.flow.transition_names())
    action_labels = {**ACTION_LABELS, **(action_labels or {})}
    rows = []
    for entry in history_of(obj):
        if entry.transition in transitions:
            action = process.label(entry.transition)
        else:
            action = action_labels.get(entry.transition, entry.transition)
        rows.append({
            "at": entry.at, "user": entry.user or entry.username, "action": action,
            "source": labels.get(entry.source, entry.source), "target": labels.get(entry.target, entry.target),
            "comment": entry.comment, "sequence": entry.sequence,
        })
    return rows


class DeadlineRows(list):
    """The deadlines of one object; `obj` is that object (the deadlines card links its forms from it)."""

    obj = None


def deadline_rows(obj) -> list:
    """The object's deadlines with `overdue` (never while suspended) and `pending`, a request to suspend, resume
    or extend awaiting the escalation role (notifications.adjustments)."""
    now = timezone.now()
    pending = Prefetch("adjustments", to_attr="pending_requests", queryset=DeadlineAdjustment.objects.filter(
        status=DeadlineAdjustment.Status.REQUESTED).select_related("requested_by"))
    rows = DeadlineRows(deadlines_of(obj).select_related("rule").prefetch_related(pending))
    rows.obj = obj
    limit = overview.soon_limit(timezone.localdate(now))
    for deadline in rows:
        urgency = overview.urgency(deadline.due_at, now, limit) if deadline.status == deadline.Status.OPEN else ""
        deadline.overdue, deadline.soon = urgency == "overdue", urgency == "soon"
        deadline.pending = deadline.pending_requests[0] if deadline.pending_requests else None
    return rows


def transition_buttons(process_name: str, obj, user, url_name: str) -> list[dict]:
    """The transitions `user` may fire now, labelled exactly as available_transitions labels them."""
    return [
        {**t, "url": reverse(url_name, args=[obj.pk, t["name"]])}
        for t in available_transitions(process_name, obj, user)
    ]


def decision_url(pk) -> str:
    return reverse("review:decisions:detail", args=[pk])


def meeting_url(pk) -> str:
    return reverse("review:meetings:detail", args=[pk])


# --------------------------------------------------------------------------------------------------
# Forms for actions that are not transitions (transition forms are review.forms, shared with the API)
# --------------------------------------------------------------------------------------------------


class DecisionForm(BoundedTextForm, forms.ModelForm):
    """The content of a decision; review.services.create_decision / update_decision act on it."""

    class Meta:
        model = Decision
        fields = list(services.CONTENT_FIELDS)
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
            "participation_urgency_reason": forms.Textarea(attrs={"rows": 2}),
        }


class PreparationForm(BoundedTextForm, forms.ModelForm):
    class Meta:
        model = PreparationRecord
        fields = ["kind", "started_on", "ended_on", "summary"]
        widgets = {
            "started_on": forms.DateInput(format="%Y-%m-%d"),
            "ended_on": forms.DateInput(format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 5}),
        }


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        # the groups prefetched by active_users(): one query for the whole list, not one per user
        names = sorted(group.name for group in user.groups.all())
        held = "、".join(str(roles.ROLE_LABELS[r]) for r in names if r in roles.ROLE_LABELS)
        return f"{user}（{held}）" if held else str(user)


class UsersChoiceField(forms.ModelMultipleChoiceField):
    label_from_instance = UserChoiceField.label_from_instance

    def clean(self, value):
        # An id beyond the database's integer range is an invalid choice, not a crash (SQLite overflows).
        for pk in value if isinstance(value, (list, tuple)) else []:
            if not str(pk).isdigit() or int(pk) > MAX_ID:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super().clean(value)


def active_users():
    return get_user_model().objects.filter(is_active=True).prefetch_related("groups").order_by("username")


class MeetingForm(BoundedTextForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d"))
    chair = UserChoiceField(label=_("Chair"), queryset=active_users())
    attendees = UsersChoiceField(
        label=_("Attendees"), queryset=active_users(),
        help_text=_("The judicial office attends the meeting that deliberates a decision."),
    )


class DecisionFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states"))] + list(DecisionState.choices))
    q = forms.CharField(label=_("Search title, number or department"), required=False, max_length=100)


class MeetingFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states"))] + list(MeetingState.choices))


# --------------------------------------------------------------------------------------------------
# Inbox
# --------------------------------------------------------------------------------------------------


class InboxView(PageMixin, View):
    """The home page: 我的待办 (what the user must act on now, soonest deadline first, overdue red, due within
    three working days amber), counts by state, and for the principal and the brigade chief the overview."""

    def get(self, request):
        items = overview.mark_urgency(inbox(request.user))
        for item in items:
            item["kind_label"] = KIND_LABELS.get(item["kind"], item["kind"])
        return self.render("review/inbox.html", {
            "items": items, "roles": [roles.ROLE_LABELS[r] for r in sorted(roles.user_roles(request.user))
                                      if r in roles.ROLE_LABELS],
            "urgent": Counter(item["urgency"] for item in items),
            "soon_days": overview.SOON_WORKING_DAYS,
            "state_counts": overview.state_counts(request.user),
            "overview": overview.overview() if roles.may("overview.view", request.user) else None,
        })


# --------------------------------------------------------------------------------------------------
# Transitions (decisions and meetings): the form from review.forms, fired through fire_transition
# --------------------------------------------------------------------------------------------------


class TransitionView(PageMixin, View):
    process_name = ""
    detail_url_name = ""

    def load(self, pk, name):
        self.process = get_process(self.process_name)
        if name not in self.process.forms or name not in self.process.flow.transition_names():
            raise Http404
        self.obj = get_object_or_404(self.process.model, pk=pk)
        self.name = name
        self.label = self.process.label(name)

    def make_form(self, data=None):
        flow = self.process.flow(self.obj, user=self.request.user)
        form = transition_form(self.process, self.name, flow=flow, data=data)
        if self.name == "schedule" and "meeting" in form.fields:
            # Only meetings a decision can go onto (D9); the service checks it again.
            form.fields["meeting"].queryset = (
                selectors.meeting_list(state=MeetingState.PLANNED)
                .filter(date__gte=timezone.localdate()).order_by("date", "id")
            )
        return form

    def page(self, form, refusal=None, status=200):
        available = {t["name"] for t in available_transitions(self.process_name, self.obj, self.request.user)}
        return self.render("review/transition.html", {
            "object": self.obj, "process": self.process_name, "name": self.name, "label": self.label,
            "form": form, "refusal": refusal, "available": self.name in available,
            "object_url": reverse(self.detail_url_name, args=[self.obj.pk]),
            "kind_label": KIND_LABELS[self.process_name],
        }, status=status)

    def get(self, request, pk, name):
        self.load(pk, name)
        return self.page(self.make_form())

    def post(self, request, pk, name):
        self.load(pk, name)
        try:
            fire_transition(self.process_name, self.obj.pk, name, request.user,
                            single_values(request.POST, self.make_form()), client_ip(request))
        except Refusal as refusal:
            self.obj.refresh_from_db()
            form = show_refusal(self.make_form(data=request.POST), refusal)
            return self.page(form, refusal, status=error_status(request, refusal.status))
        messages.success(request, str(DONE).format(label=self.label))
        return HttpResponseRedirect(reverse(self.detail_url_name, args=[self.obj.pk]))


class DecisionTransitionView(TransitionView):
    process_name = "decision"
    detail_url_name = "review:decisions:detail"


class MeetingTransitionView(TransitionView):
    process_name = "meeting"
    detail_url_name = "review:meetings:detail"


# --------------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------------


class DecisionListView(PageMixin, View):
    def get(self, request):
        form = DecisionFilterForm(request.GET or None)
        state = search = None
        if form.is_bound and form.is_valid():
            state = form.cleaned_data["state"] or None
            search = form.cleaned_data["q"] or None
        page = Paginator(selectors.decision_list(state=state, search=search), PAGE_SIZE).get_page(
            request.GET.get("page"))
        return self.render("review/decision_list.html", {
            "filter_form": form, "filter_layout": Layout(Row("state", "q")), "page_obj": page,
            "can_create": roles.may("decision.create", request.user),
        })


class DecisionDetailView(PageMixin, View):
    def get(self, request, pk):
        decision = get_object_or_404(
            Decision.objects.select_related("created_by", "signed_by", "meeting", "meeting__chair"), pk=pk
        )
        process = get_process("decision")
        return self.render("review/decision_detail.html", {
            "decision": decision,
            "transitions": transition_buttons("decision", decision, request.user, "review:decisions:transition"),
            "can_edit": decision.state in EDITABLE_DECISION_STATES and roles.may("decision.edit", request.user),
            "text_changed": bool(decision.reviewed_fingerprint)
            and decision.reviewed_fingerprint != decision.content_fingerprint(),
            "preparation": decision.preparation.select_related("recorded_by"),
            "opinions": decision.opinions.select_related("reviewer"),
            "agenda_items": decision.agenda_items.select_related("meeting"),
            "deadlines": deadline_rows(decision),
            "history": history_rows(process, decision),
            **chart_context(process, decision.state),
        })


class DecisionCreateView(PageMixin, View):
    def page(self, form, refusal=None, status=200):
        return self.render("review/decision_form.html", {"form": form, "refusal": refusal}, status=status)

    def get(self, request):
        return self.page(DecisionForm())

    def post(self, request):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        try:
            decision = services.create_decision(user=request.user, client_ip=client_ip(request), **form.cleaned_data)
        except Refusal as refusal:
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(DECISION_CREATED))
        return HttpResponseRedirect(decision_url(decision.pk))


class DecisionEditView(PageMixin, View):
    def page(self, decision, form, refusal=None, status=200):
        return self.render("review/decision_form.html", {
            "decision": decision, "form": form, "refusal": refusal,
            "editable": decision.state in EDITABLE_DECISION_STATES,
        }, status=status)

    def get(self, request, pk):
        decision = get_object_or_404(Decision, pk=pk)
        return self.page(decision, DecisionForm(instance=decision))

    def post(self, request, pk):
        decision = get_object_or_404(Decision, pk=pk)
        form = DecisionForm(request.POST, instance=Decision.objects.get(pk=pk))  # a copy; never saved here
        if not form.is_valid():
            return self.page(decision, form, status=error_status(request, 400))
        try:
            services.update_decision(pk=decision.pk, user=request.user, changes=form.cleaned_data,
                                     client_ip=client_ip(request))
        except Refusal as refusal:
            return self.page(decision, show_refusal(form, refusal), refusal,
                             status=error_status(request, refusal.status))
        messages.success(request, str(DECISION_SAVED))
        return HttpResponseRedirect(decision_url(decision.pk))


class PreparationCreateView(PageMixin, View):
    def page(self, decision, form, refusal=None, status=200):
        return self.render("review/preparation_form.html", {
            "decision": decision, "form": form, "refusal": refusal,
            "editable": decision.state in EDITABLE_DECISION_STATES,
        }, status=status)

    def get(self, request, pk):
        return self.page(get_object_or_404(Decision, pk=pk), PreparationForm())

    def post(self, request, pk):
        decision = get_object_or_404(Decision, pk=pk)
        form = PreparationForm(request.POST)
        if not form.is_valid():
            return self.page(decision, form, status=error_status(request, 400))
        try:
            services.add_preparation_record(decision_pk=decision.pk, user=request.user,
                                            client_ip=client_ip(request), **form.cleaned_data)
        except Refusal as refusal:
            return self.page(decision, show_refusal(form, refusal), refusal,
                             status=error_status(request, refusal.status))
        messages.success(request, str(PREPARATION_SAVED))
        return HttpResponseRedirect(decision_url(decision.pk))


# --------------------------------------------------------------------------------------------------
# Joint meetings
# --------------------------------------------------------------------------------------------------


class MeetingListView(PageMixin, View):
    def get(self, request):
        form = MeetingFilterForm(request.GET or None)
        state = None
        if form.is_bound and form.is_valid():
            state = form.cleaned_data["state"] or None
        meetings = selectors.meeting_list(state=state).prefetch_related("agenda_items")
        page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
        return self.render("review/meeting_list.html", {
            "filter_form": form, "page_obj": page,
            "can_create": roles.may("meeting.create", request.user),
        })


class MeetingDetailView(PageMixin, View):
    def get(self, request, pk):
        meeting = get_object_or_404(selectors.meeting_list(), pk=pk)
        process = get_process("meeting")
        attendees = []
        for person in meeting.attendees.prefetch_related("groups").order_by("username"):
            held = sorted({group.name for group in person.groups.all()} & set(roles.ROLE_LABELS))
            attendees.append({"user": person, "role_names": held, "roles": [roles.ROLE_LABELS[r] for r in held]})
        agenda = []
        for item in meeting.agenda_items.select_related("decision"):
            pending = item.outcome == item.Outcome.PENDING and item.decision.meeting_id == meeting.pk
            agenda.append({
                "item": item,
                "transitions": transition_buttons("decision", item.decision, request.user,
                                                  "review:decisions:transition") if pending else [],
            })
        return self.render("review/meeting_detail.html", {
            "meeting": meeting,
            "attendees": attendees,
            "judicial_attends": any(roles.JUDICIAL_OFFICE in row["role_names"] for row in attendees),
            "agenda": agenda,
            "transitions": transition_buttons("meeting", meeting, request.user, "review:meetings:transition"),
            "history": history_rows(process, meeting),
            **chart_context(process, meeting.state),
        })


class MeetingCreateView(PageMixin, View):
    def page(self, form, refusal=None, status=200):
        return self.render("review/meeting_form.html", {"form": form, "refusal": refusal}, status=status)

    def get(self, request):
        return self.page(MeetingForm())

    def post(self, request):
        form = MeetingForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        data = form.cleaned_data
        try:
            meeting = services.create_meeting(
                user=request.user, title=data["title"], date=data["date"], chair=data["chair"],
                attendees=list(data["attendees"]), client_ip=client_ip(request),
            )
        except Refusal as refusal:
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(MEETING_CREATED))
        return HttpResponseRedirect(meeting_url(meeting.pk))


# --------------------------------------------------------------------------------------------------
# Viewflow viewsets and applications (mounted by config/ui.py)
# --------------------------------------------------------------------------------------------------


class DecisionViewset(AppMenuMixin, Viewset):
    app_name = "decisions"
    title = _("Major decisions")
    icon = Icon("description")

    index_path = path("", DecisionListView.as_view(), name="index")
    add_path = path("add/", DecisionCreateView.as_view(), name="add")
    detail_path = path("<int:pk>/", DecisionDetailView.as_view(), name="detail")
    change_path = path("<int:pk>/change/", DecisionEditView.as_view(), name="change")
    preparation_path = path("<int:pk>/preparation/add/", PreparationCreateView.as_view(), name="preparation")
    transition_path = path("<int:pk>/transitions/<slug:name>/", DecisionTransitionView.as_view(),
                           name="transition")


class MeetingViewset(AppMenuMixin, Viewset):
    app_name = "meetings"
    title = _("Joint meetings")
    icon = Icon("groups")

    index_path = path("", MeetingListView.as_view(), name="index")
    add_path = path("add/", MeetingCreateView.as_view(), name="add")
    detail_path = path("<int:pk>/", MeetingDetailView.as_view(), name="detail")
    transition_path = path("<int:pk>/transitions/<slug:name>/", MeetingTransitionView.as_view(),
                           name="transition")


class ReviewApplication(Application):
    """重大行政决策: decisions, their legality review, and the joint meetings that deliberate them."""

    app_name = "review"
    title = _("Major administrative decisions")
    icon = Icon("gavel")

    decisions_path = route("decisions/", DecisionViewset())
    meetings_path = route("meetings/", MeetingViewset())


class InboxApplication(Application):
    """我的待办: the landing page of every user."""

    app_name = "inbox"
    title = _("My inbox")
    icon = Icon("inbox")
    menu_template_name = None  # a single page: the site menu lists it

    index_path = path("", InboxView.as_view(), name="index")
    messages_path = path("messages/", include(notification_views.urlpatterns))  # 我的消息 (notifications.views)
    preferences_path = path("preferences/", notification_views.PreferencesView.as_view(), name="preferences")
    deadlines_path = path("deadlines/", include(deadline_ui.urlpatterns))  # 中止, 延期, 更正日期 (notifications.ui)
