"""The web pages for major decisions and joint meetings (CONTRACT §4), on the shared page machinery of web/.

Views are thin: lists come from review.selectors, actions go through review.services and
workflows.services.fire_transition, and every refusal (403 roles, 409 state or rule, 400 input) comes from
those services and is shown on the form page with its bilingual reason. Pages render inside viewflow's
Material base template with the assets shipped in the viewflow package (no CDN: DESIGN §6).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from viewflow.forms import Layout, Row
from viewflow.urls import Application, AppMenuMixin, Viewset, route
from viewflow.utils import Icon

from web.base import MAX_ID, PAGE_SIZE, PageMixin, error_status, show_refusal
from web.deadlines import deadline_rows
from web.exports import wants_xlsx, xlsx_response
from web.history import history_rows
from web.state_chart import chart_context
from web.transitions import TransitionView, transition_buttons
from workflows import roles
from workflows.audit import client_ip
from workflows.errors import Refusal
from workflows.services import get_process
from workflows.text_limits import BoundedTextForm

from . import selectors, services
from .models import (
    EDITABLE_DECISION_STATES,
    AgendaItem,
    Decision,
    DecisionState,
    MeetingState,
    PartyCommitteeReport,
    PreparationRecord,
    ReviewOpinion,
)

DECISION_CREATED = _("The decision was created.")
DECISION_SAVED = _("The content was saved.")
PREPARATION_SAVED = _("The preparation record was added.")
REPORT_SAVED = _("The report to the Party committee was recorded.")
REPORT_MARK_SAVED = _("Saved whether the decision must be reported to the Party committee.")
# Recorded actions on a decision that are not transitions, as the history card names them.
DECISION_ACTION_LABELS = {
    "mark_party_committee_report": _("Marked whether a report to the Party committee is needed"),
    "record_party_committee_report": _("Report to the Party committee recorded"),
}
MEETING_CREATED = _("The joint meeting was created.")


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


class PartyCommitteeReportForm(BoundedTextForm, forms.ModelForm):
    """条例 Art 31: the report (请示报告) to the Party committee; review.services.record_party_committee_report."""

    class Meta:
        model = PartyCommitteeReport
        fields = ["reported_on", "reference", "summary"]
        widgets = {
            "reported_on": forms.DateInput(format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }


class PartyCommitteeMarkForm(forms.Form):
    required = forms.BooleanField(label=_("Must be reported to the Party committee before issuance"), required=False)
    # 条例 Art 31: lifting the mark needs a reason (review.services.set_party_committee_report_required).
    reason = forms.CharField(label=_("Why no report is needed (when lifting the mark)"), required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


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
# Transitions (decisions and meetings): the form from review.forms, fired through fire_transition
# --------------------------------------------------------------------------------------------------


class DecisionTransitionView(TransitionView):
    process_name = "decision"
    detail_url_name = "review:decisions:detail"

    def load(self, pk, name):
        super().load(pk, name)
        if not selectors.visible_decisions(self.request.user).filter(pk=self.obj.pk).exists():
            raise Http404  # a draft of another author (review.flows.may_see_decision)

    def make_form(self, data=None):
        form = super().make_form(data)
        if self.name == "schedule" and "meeting" in form.fields:
            # Only meetings a decision can go onto (D9); the service checks it again.
            form.fields["meeting"].queryset = (
                selectors.meeting_list(state=MeetingState.PLANNED)
                .filter(date__gte=timezone.localdate()).order_by("date", "id")
            )
        return form


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
        decisions = selectors.decision_list(request.user, state=state, search=search)
        if wants_xlsx(request):  # every filtered row, not only this page
            return xlsx_response(decisions, selectors.DECISION_EXPORT_COLUMNS, str(_("Major decisions")))
        page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
        return self.render("review/decision_list.html", {
            "filter_form": form, "filter_layout": Layout(Row("state", "q")), "page_obj": page,
            "can_create": roles.may("decision.create", request.user),
        })


class DecisionDetailView(PageMixin, View):
    def get(self, request, pk):
        decision = get_object_or_404(
            selectors.visible_decisions(request.user).select_related("created_by", "signed_by", "meeting",
                                                                     "meeting__chair"), pk=pk
        )
        process = get_process("decision")
        return self.render("review/decision_detail.html", {
            "decision": decision,
            "transitions": transition_buttons("decision", decision, request.user, "review:decisions:transition"),
            "can_edit": decision.state in EDITABLE_DECISION_STATES and roles.may("decision.edit", request.user),
            "text_changed": bool(decision.reviewed_fingerprint)
            and decision.reviewed_fingerprint != decision.content_fingerprint(),
            "preparation": decision.preparation.select_related("recorded_by"),
            "comment_days": decision.counted_comment_days(),
            "opinions": decision.opinions.select_related("reviewer"),
            "agenda_items": decision.agenda_items.select_related("meeting"),
            "party_committee_reports": decision.party_committee_reports.select_related("recorded_by"),
            "can_report": roles.may("decision.party_committee", request.user)
            and decision.state in services.A31_OPEN_STATES,
            "deadlines": deadline_rows(decision),
            "history": history_rows(process, decision, DECISION_ACTION_LABELS),
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
        decision = get_object_or_404(selectors.visible_decisions(request.user), pk=pk)
        return self.page(decision, DecisionForm(instance=decision))

    def post(self, request, pk):
        decision = get_object_or_404(selectors.visible_decisions(request.user), pk=pk)
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
        return self.page(get_object_or_404(selectors.visible_decisions(request.user), pk=pk), PreparationForm())

    def post(self, request, pk):
        decision = get_object_or_404(selectors.visible_decisions(request.user), pk=pk)
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


class PartyCommitteeView(PageMixin, View):
    """条例 Art 31: mark whether the decision must be reported to the Party committee, and record the report."""

    def page(self, decision, mark_form, form, refusal=None, status=200):
        return self.render("review/party_committee_form.html", {
            "decision": decision, "mark_form": mark_form, "form": form, "refusal": refusal,
            "reports": decision.party_committee_reports.select_related("recorded_by"),
        }, status=status)

    def get(self, request, pk):
        decision = get_object_or_404(selectors.visible_decisions(request.user), pk=pk)
        mark = PartyCommitteeMarkForm(initial={"required": decision.party_committee_report_required})
        return self.page(decision, mark, PartyCommitteeReportForm())

    def post(self, request, pk):
        decision = get_object_or_404(selectors.visible_decisions(request.user), pk=pk)
        mark = PartyCommitteeMarkForm(initial={"required": decision.party_committee_report_required})
        form = PartyCommitteeReportForm()
        try:
            if request.POST.get("action") == "mark":
                mark = PartyCommitteeMarkForm(request.POST)
                mark.is_valid()
                services.set_party_committee_report_required(
                    decision_pk=decision.pk, user=request.user, required=mark.cleaned_data.get("required", False),
                    reason=mark.cleaned_data.get("reason", ""), client_ip=client_ip(request))
                messages.success(request, str(REPORT_MARK_SAVED))
                return HttpResponseRedirect(reverse("review:decisions:party_committee", args=[decision.pk]))
            form = PartyCommitteeReportForm(request.POST)
            if not form.is_valid():
                return self.page(decision, mark, form, status=error_status(request, 400))
            services.record_party_committee_report(decision_pk=decision.pk, user=request.user,
                                                   client_ip=client_ip(request), **form.cleaned_data)
        except Refusal as refusal:
            if request.POST.get("action") == "mark":
                return self.page(decision, show_refusal(mark, refusal), form, refusal,
                                 status=error_status(request, refusal.status))
            return self.page(decision, mark, show_refusal(form, refusal), refusal,
                             status=error_status(request, refusal.status))
        messages.success(request, str(REPORT_SAVED))
        return HttpResponseRedirect(decision_url(decision.pk))


# The archive page's words for where a version of the text appears (条例 Art 33, the decision file): a clerk reads
# "第2稿（审查通过、会议审议通过、现行文本）", not the API's machine events ("review:passed, current").
TEXT_STAGE_LABELS = {
    f"review:{ReviewOpinion.Outcome.PASSED.value}": _("legality review passed"),
    f"review:{ReviewOpinion.Outcome.RETURNED.value}": _("legality review returned"),
    f"review:{ReviewOpinion.Outcome.FAILED.value}": _("legality review failed"),
    f"meeting:{AgendaItem.Outcome.PENDING.value}": _("on a joint meeting's agenda"),
    f"meeting:{AgendaItem.Outcome.APPROVED.value}": _("approved at a joint meeting"),
    f"meeting:{AgendaItem.Outcome.REJECTED.value}": _("rejected at a joint meeting"),
    f"meeting:{AgendaItem.Outcome.DEFERRED.value}": _("deferred at a joint meeting"),
    f"meeting:{AgendaItem.Outcome.WITHDRAWN.value}": _("withdrawn from a joint meeting"),
    "current": _("current text"),
}


def text_version_rows(decision, texts):
    """The versions of the text, numbered in the order they appear in the file, each with its stages in words;
    the signing (签发, its number and date) is a stage of the current text. The fingerprint stays a small detail."""
    rows = []
    for number, text in enumerate(texts, start=1):
        stages = [str(TEXT_STAGE_LABELS.get(event, event)) for event in text["events"]]
        signed = "current" in text["events"] and decision.signed_at is not None
        rows.append({"number": number, "stages": stages, "signed": signed,
                     "fingerprint": text["fingerprint"][:12]})
    return rows


class DecisionArchiveView(PageMixin, View):
    """条例 Art 33: the decision file (决策档案), every record in one page."""

    def get(self, request, pk):
        decision = get_object_or_404(
            selectors.visible_decisions(request.user).select_related("created_by", "signed_by"), pk=pk)
        process = get_process("decision")
        archive = selectors.decision_archive(decision)
        return self.render("review/decision_archive.html", {
            "decision": decision, "archive": archive, "texts": text_version_rows(decision, archive["texts"]),
            "comment_days": decision.counted_comment_days(),
            "history": history_rows(process, decision, DECISION_ACTION_LABELS),
        })


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
        if wants_xlsx(request):
            return xlsx_response(meetings, selectors.MEETING_EXPORT_COLUMNS, str(_("Joint meetings")))
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
# Viewflow viewsets and the application (mounted by config/site.py)
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
    party_committee_path = path("<int:pk>/party-committee/", PartyCommitteeView.as_view(), name="party_committee")
    archive_path = path("<int:pk>/archive/", DecisionArchiveView.as_view(), name="archive")
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
