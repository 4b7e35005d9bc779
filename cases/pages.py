"""The web UI for enforcement cases (行政执法, CONTRACT §4-5, DESIGN §3).

Built on the shared page machinery of web/ (page mixin, transition view, state chart, history, deadlines card):
lists come from cases.selectors, transitions
go through workflows.services.fire_transition with the forms of cases.forms, other actions through
cases.services (create_case, add_inquiry, record_publicity), and every refusal (403 roles, 409 state or rule,
400 input) is shown on the form page with its bilingual reason.

Pages: /cases/cases/ (list, "my cases" by default for enforcement officers), /cases/cases/<pk>/ (the case),
/cases/cases/<pk>/transitions/<name>/, /cases/cases/add/, /cases/cases/<pk>/inquiries/add/,
/cases/cases/<pk>/publicity/, /cases/officers/ (certificates), and the brigade chief's correction of a case's
business date (更正业务日期), mounted under the inbox at /inbox/deadlines/cases/<pk>/correct-date/ (config.site).
"""


from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
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
from web.history import history_rows
from web.state_chart import chart_context
from web.transitions import TransitionView, transition_buttons
from workflows import roles
from workflows.audit import client_ip
from workflows.errors import Refusal
from workflows.forms import IdChoiceField, IdMultipleChoiceField
from workflows.services import get_process
from workflows.text_limits import BoundedTextForm

from . import selectors, services
from .models import Case, CaseState, Party, Village, ViolationType

# Audit entries of a case that are not transitions (cases.services records them).
CASE_ACTION_LABELS = {
    "report": _("Report registered"),
    "record_inquiry": _("Inquiry recorded"),
    "record_publicity": _("Decision made public"),
}
CASE_CREATED = _("The report was registered.")
INQUIRY_SAVED = _("The inquiry record was added.")
PUBLICITY_SAVED = _("The publicity was recorded.")
CORRECTED = _("The {field} was corrected; the deadlines anchored on it were recomputed.")

# create_case names the party's fields "party.<name>"; the report form calls them "party_<name>".
PARTY_FIELDS = ("name", "kind", "id_number", "phone", "address", "birth_date", "capacity", "capacity_basis")


def case_url(pk) -> str:
    return reverse("cases:cases:detail", args=[pk])


def officer_label(officer):
    """An officer in a choice list, with the certificate and whether it is valid today."""
    state = selectors.certificate_status(officer)
    number = state.certificate.number if state.certificate else "—"
    return f"{officer} · {number} · {state.label}"


def officers_field(field):
    """Offer every active enforcement officer, each labelled with the certificate's validity (C1)."""
    field.queryset = selectors.officer_list()
    field.label_from_instance = officer_label
    return field


# --------------------------------------------------------------------------------------------------
# Forms for actions that are not transitions (transition forms are cases.forms, shared with the API)
# --------------------------------------------------------------------------------------------------


def no_nul(value):
    if value and "\x00" in str(value):
        raise forms.ValidationError(_("Null characters are not allowed."))


class CodeChoiceField(forms.ChoiceField):
    """A choice by a text key; the choices are filled in by the form."""

    default_validators = [no_nul]


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    village = forms.ChoiceField(label=_("Village"), required=False)
    violation_type = CodeChoiceField(label=_("Violation type"), required=False)
    officer = forms.ChoiceField(label=_("Officer"), required=False)
    q = forms.CharField(label=_("Search number, party or description"), required=False, max_length=100)

    layout = Layout(Row("state", "village", "violation_type"), Row("officer", "q"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states"))] + list(CaseState.choices)
        self.fields["village"].choices = [("", _("All villages"))] + [
            (str(v.pk), v.name) for v in Village.objects.all()]
        self.fields["violation_type"].choices = [("", _("All violation types"))] + [
            (t.code, t.name) for t in ViolationType.objects.all()]
        self.fields["officer"].choices = [("", _("All officers"))] + [
            (str(u.pk), str(u)) for u in selectors.officer_list()]

    def filters(self) -> dict:
        """The valid filters; an invalid one is shown as an error and ignored."""
        self.is_valid()
        data = self.cleaned_data
        return {"state": data.get("state") or None, "village": data.get("village") or None,
                "violation_type": data.get("violation_type") or None, "officer": data.get("officer") or None,
                "search": data.get("q") or None}


class CaseReportForm(BoundedTextForm, forms.Form):
    """A report (登记), CONTRACT §5 "Create"; cases.services.create_case checks the party's numbers."""

    source = forms.ChoiceField(label=_("Source"), choices=Case.Source.choices)
    village = IdChoiceField(label=_("Village"), queryset=Village.objects.all())
    violation_type = CodeChoiceField(label=_("Violation type"))
    violation_date = forms.DateField(label=_("Date of the violation"), widget=forms.DateInput(format="%Y-%m-%d"))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    party_name = forms.CharField(label=_("Party name"), max_length=100)
    party_kind = forms.ChoiceField(label=_("Party kind"), choices=Party.Kind.choices)
    party_id_number = forms.CharField(
        label=_("ID number / unified social credit code"), max_length=18, required=False,
        help_text=_("A person's resident ID (GB 11643) or an organisation's unified social credit code (GB 32100)."),
    )
    party_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    party_address = forms.CharField(label=_("Address"), max_length=200, required=False)
    # 处罚法 Art 30-31: the date of birth (read from the resident ID when left empty) and the capacity.
    party_birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                       widget=forms.DateInput(format="%Y-%m-%d"),
                                       help_text=_("Left empty, it is read from the resident ID number."))
    party_capacity = forms.ChoiceField(label=_("Ability to recognise and control their conduct"),
                                       choices=Party.Capacity.choices, required=False)
    party_capacity_basis = forms.ChoiceField(label=_("Because of"), required=False,
                                             choices=[("", "—"), *Party.CapacityBasis.choices])
    # Art 36: a continuing act's end, and the harm that makes the period five years.
    violation_ended_on = forms.DateField(label=_("Continuing violation ended on"), required=False,
                                         widget=forms.DateInput(format="%Y-%m-%d"))
    harm_to_life_health_or_finance = forms.BooleanField(
        label=_("Touches life, health or financial safety, with harmful effects"), required=False)
    harm_description = forms.CharField(label=_("The harm"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    layout = Layout(
        Row("source", "village"), Row("violation_type", "violation_date"), "description",
        Row("violation_ended_on", "harm_to_life_health_or_finance"), "harm_description",
        Row("party_name", "party_kind"), Row("party_id_number", "party_phone"), "party_address",
        Row("party_birth_date", "party_capacity", "party_capacity_basis"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation_type"].choices = [("", "---------")] + [
            (t.code, f"{t.name}（{t.code}）") for t in ViolationType.objects.filter(active=True)]

    def case_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "source": data["source"], "description": data["description"], "village": data["village"],
            "violation_type": ViolationType.objects.get(code=data["violation_type"]),
            "violation_date": data["violation_date"], "violation_ended_on": data.get("violation_ended_on"),
            "harm_to_life_health_or_finance": bool(data.get("harm_to_life_health_or_finance")),
            "harm_description": data.get("harm_description") or "",
            "party": {name: data[f"party_{name}"] for name in PARTY_FIELDS},
        }


class InquiryForm(BoundedTextForm, forms.Form):
    """询问笔录 (Art 55): at least two officers certified on the day (C1)."""

    officers = IdMultipleChoiceField(
        label=_("Officers"), queryset=selectors.officer_list(),
        help_text=_("At least two officers with valid enforcement certificates (Art 42, 55)."),
    )
    subject_name = forms.CharField(label=_("Person questioned"), max_length=100)
    held_at = forms.DateTimeField(label=_("Held at"), widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M"))
    record = forms.CharField(label=_("Record"), widget=forms.Textarea(attrs={"rows": 8}))

    layout = Layout("officers", Row("subject_name", "held_at"), "record")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officers_field(self.fields["officers"])


class PublicityForm(BoundedTextForm, forms.Form):
    """Art 48 ¶1: a penalty decision with social impact is made public; the 7 working days are local practice after
    国办发〔2018〕118号 (a policy document, not the statute)."""

    published_on = forms.DateField(label=_("Published on"), required=False, widget=forms.DateInput(format="%Y-%m-%d"),
                                   help_text=_("Today if left empty."))
    channel = forms.CharField(label=_("Channel"), max_length=200, required=False,
                              help_text=_("e.g. the town government's website, the public notice board."))
    not_published_reason = forms.CharField(
        label=_("Or: why it is not made public"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. no social impact, personal privacy, a trade secret (Art 48)."))


# --------------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------------


def case_queryset():
    return Case.objects.select_related("village", "violation_type", "party", "reported_by", "decided_by")


def case_summary(case) -> dict:
    """What every page about one case shows beside it."""
    return {
        "case": case,
        "officer_rows": [selectors.certificate_status(o) for o in case.officers.prefetch_related("certificates")
                         .order_by("username")],
        "limitation_warning": selectors.limitation_warning(case),
        "limitation": selectors.limitation_summary(case),
        "age_label": selectors.party_age_label(case),
        "proposed_outcome": selectors.proposed_outcome(case),
        # Art 63 ¶1(1): the threshold for this party's kind (a person's or an organisation's)
        "hearing_threshold": case.violation_type.hearing_threshold_for(case.party.kind),
    }


class CaseAccessMixin(PageMixin):
    """Cases carry personal information: only the roles that work on them may open these pages."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not roles.may("case.view", request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CaseListView(CaseAccessMixin, View):
    """The cases; an enforcement officer sees their own (assigned or registered) unless they ask for all."""

    def get(self, request):
        form = CaseFilterForm(request.GET)
        is_officer = roles.has_role(request.user, roles.ENFORCEMENT_OFFICER)
        scope = request.GET.get("scope")
        if scope not in ("mine", "all"):
            scope = "mine" if is_officer else "all"
        cases = selectors.case_list(**form.filters())
        if scope == "mine":
            cases = cases.filter(Q(officers=request.user) | Q(reported_by=request.user))
        page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
        return self.render("cases/case_list.html", {
            "filter_form": form, "filter_layout": form.layout, "page_obj": page, "scope": scope,
            "is_officer": is_officer, "can_create": roles.may("case.create", request.user),
        })


def correct_date_url(case, user) -> str:
    """The brigade chief's "correct a business date" form for `case` (shown in its deadlines card), or "" when
    the user is not the brigade chief or the case has no date to correct yet."""
    if not roles.has_role(user, roles.BRIGADE_CHIEF):
        return ""
    if not any(getattr(case, field) for field in services.CORRECTABLE_DATES):
        return ""
    return reverse("inbox:case_correct_date", args=[case.pk])


class CaseDetailView(CaseAccessMixin, View):
    def get(self, request, pk):
        case = get_object_or_404(case_queryset(), pk=pk)
        process = get_process("case")
        inquiry_possible = case.state in services.INQUIRY_STATES
        is_case_officer = case.officers.filter(pk=request.user.pk).exists()
        overdue_days = selectors.payment_overdue_days(case)
        transitions = transition_buttons("case", case, request.user, "cases:cases:transition")
        return self.render("cases/case_detail.html", {
            **case_summary(case),
            "transitions": transitions,
            "can_inquire": inquiry_possible and is_case_officer and roles.may("case.inquiry", request.user),
            "can_publicize": (case.outcome == Case.Outcome.PENALTY and case.decided_on is not None
                              and case.published_on is None and not case.publicity_withheld_reason
                              and roles.may("case.publicity", request.user)),
            "inquiries": case.inquiries.prefetch_related("officers").select_related("recorded_by"),
            "legal_reviews": case.legal_reviews.select_related("reviewer"),
            "hearing_right": selectors.hearing_right(case),
            "proposed_measure_labels": selectors.measure_labels(case.proposed_measures),
            "measure_labels": selectors.measure_labels(case.measures),
            "agreement": getattr(case, "mediation_agreement", None),
            "overdue_days": overdue_days,
            "surcharge": selectors.late_payment_surcharge(case),
            "paused_days": selectors.surcharge_paused_days(case),
            "fine_owed": selectors.fine_still_owed(case),
            "remedies": selectors.remedies_of(case),
            "remedy_outcome_url": (reverse("cases:cases:transition", args=[case.pk, "record_remedy"])
                                   if any(t["name"] == "record_remedy" for t in transitions) else ""),
            "court_possible_from": selectors.court_application_possible_from(case),
            "deadlines": deadline_rows(case),
            "correct_date_url": correct_date_url(case, request.user),
            "history": history_rows(process, case, CASE_ACTION_LABELS),
            **chart_context(process, case.state),
        })


# record_remedy is one transition with two steps; the page shows one form per step (issue 13): the filing
# (kind, body, date) from the case page's button, the outcome from the pending remedy's link (?remedy=<id>).
REMEDY_FILING_FIELDS = ("kind", "body", "filed_on")
REMEDY_OUTCOME_FIELDS = ("remedy", "outcome", "decided_on", "new_fine")


def remedy_step(form, remedy_id) -> None:
    if remedy_id:
        for name in REMEDY_FILING_FIELDS:
            form.fields.pop(name, None)
        form.fields["remedy"].widget = forms.HiddenInput()
        form.fields["remedy"].initial = remedy_id
    else:
        for name in REMEDY_OUTCOME_FIELDS:
            form.fields.pop(name, None)


class CaseTransitionView(CaseAccessMixin, TransitionView):
    """One form per transition (cases.forms.CASE_TRANSITION_FORMS), fired through fire_transition."""

    process_name = "case"
    detail_url_name = "cases:cases:detail"

    def make_form(self, data=None):
        form = super().make_form(data)
        if "officers" in form.fields:  # file: the officer choices show each certificate's validity
            officers_field(form.fields["officers"])
        if self.name == "record_remedy":
            remedy_step(form, self.request.GET.get("remedy") or (data or {}).get("remedy"))
        for field in form.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget.format = "%Y-%m-%d"
        return form

    def render(self, template, context, status=200):
        case = case_queryset().get(pk=self.obj.pk)
        context.update(case_summary(case))
        return super().render("cases/transition.html", context, status=status)


class CaseFormView(CaseAccessMixin, View):
    """An action on one case that is not a transition; subclasses name the form, template and service."""

    form_class = None
    template_name = ""
    success_message = ""

    def load(self, pk):
        self.case = get_object_or_404(case_queryset(), pk=pk)

    def available(self) -> bool:
        return True

    def page(self, form, refusal=None, status=200):
        return self.render(self.template_name, {
            **case_summary(self.case), "form": form, "refusal": refusal, "available": self.available(),
        }, status=status)

    def initial(self) -> dict:
        return {}

    def get(self, request, pk):
        self.load(pk)
        return self.page(self.form_class(initial=self.initial()))

    def post(self, request, pk):
        self.load(pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        try:
            self.perform(form.cleaned_data)
        except Refusal as refusal:
            self.case.refresh_from_db()
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(self.success_message))
        return HttpResponseRedirect(case_url(self.case.pk))

    def perform(self, data):  # pragma: no cover - abstract
        raise NotImplementedError


class InquiryCreateView(CaseFormView):
    form_class = InquiryForm
    template_name = "cases/inquiry_form.html"
    success_message = INQUIRY_SAVED

    def available(self):
        return (self.case.state in services.INQUIRY_STATES and roles.may("case.inquiry", self.request.user)
                and self.case.officers.filter(pk=self.request.user.pk).exists())

    def initial(self):
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"officers": [o.pk for o in self.case.officers.all()], "held_at": now}

    def perform(self, data):
        services.add_inquiry(case_pk=self.case.pk, user=self.request.user, officers=list(data["officers"]),
                             subject_name=data["subject_name"], record=data["record"], held_at=data["held_at"],
                             client_ip=client_ip(self.request))


class PublicityView(CaseFormView):
    form_class = PublicityForm
    template_name = "cases/publicity_form.html"
    success_message = PUBLICITY_SAVED

    def available(self):
        return (self.case.outcome == Case.Outcome.PENALTY and self.case.decided_on is not None
                and roles.may("case.publicity", self.request.user))

    def initial(self):
        return {"published_on": self.case.published_on or timezone.localdate(),
                "channel": self.case.publicity_channel,
                "not_published_reason": self.case.publicity_withheld_reason}

    def perform(self, data):
        services.record_publicity(case_pk=self.case.pk, user=self.request.user, channel=data["channel"],
                                  published_on=data["published_on"],
                                  not_published_reason=data.get("not_published_reason", ""),
                                  client_ip=client_ip(self.request))


class CaseCreateView(CaseAccessMixin, View):
    def page(self, form, refusal=None, status=200):
        return self.render("cases/case_form.html", {
            "form": form, "refusal": refusal, "available": roles.may("case.create", self.request.user),
        }, status=status)

    def get(self, request):
        return self.page(CaseReportForm(initial={"source": Case.Source.PATROL, "party_kind": Party.Kind.PERSON}))

    def post(self, request):
        form = CaseReportForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        try:
            case = services.create_case(user=request.user, client_ip=client_ip(request), **form.case_fields())
        except Refusal as refusal:
            refusal.fields = {key.replace("party.", "party_"): value for key, value in refusal.fields.items()}
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(CASE_CREATED))
        return HttpResponseRedirect(case_url(case.pk))


# --------------------------------------------------------------------------------------------------
# Officers and their certificates
# --------------------------------------------------------------------------------------------------


class OfficerListView(CaseAccessMixin, View):
    def get(self, request):
        today = timezone.localdate()
        officers = selectors.officer_list().prefetch_related(
            Prefetch("cases", queryset=Case.objects.exclude(
                state__in=[CaseState.CLOSED, CaseState.NOT_FILED, CaseState.TRANSFERRED]), to_attr="open_cases"))
        return self.render("cases/officer_list.html", {
            "rows": [selectors.certificate_status(officer, today) for officer in officers],
            "today": today, "expiring_days": selectors.EXPIRING_DAYS,
        })


# --------------------------------------------------------------------------------------------------
# 更正业务日期: the brigade chief corrects a business date (cases.services.correct_business_date)
# --------------------------------------------------------------------------------------------------


class DateCorrectionForm(BoundedTextForm, forms.Form):
    field = forms.ChoiceField(label=_("Business date"))
    date = forms.DateField(label=_("Correct date"), widget=forms.DateInput(format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Why the recorded date is wrong; kept in the case history."))

    layout = Layout(Row("field", "date"), "reason")

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "---------")] + [
            (name, f"{services.DATE_LABELS[name]}（{getattr(case, name).isoformat()}）") for name in services.CORRECTABLE_DATES
            if getattr(case, name) is not None]


class DateCorrectionView(PageMixin, View):
    """更正业务日期: the brigade chief corrects a case's filing, notice, decision or service date."""

    def load(self, request, pk):
        if pk > MAX_ID:
            raise Http404
        if not roles.may("case.view", request.user):
            raise PermissionDenied
        self.case = get_object_or_404(Case.objects.select_related("violation_type", "party"), pk=pk)

    def page(self, form, refusal=None, status=200):
        return self.render("cases/correct_date_form.html", {
            **case_summary(self.case), "form": form, "refusal": refusal,
            "available": roles.has_role(self.request.user, roles.BRIGADE_CHIEF),
            "case_url": reverse("cases:cases:detail", args=[self.case.pk]),
        }, status=status)

    def get(self, request, pk):
        self.load(request, pk)
        return self.page(DateCorrectionForm(case=self.case))

    def post(self, request, pk):
        self.load(request, pk)
        form = DateCorrectionForm(request.POST, case=self.case)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        data = form.cleaned_data
        try:
            services.correct_business_date(self.case, field=data["field"], day=data["date"], reason=data["reason"],
                                  user=request.user, client_ip=client_ip(request))
        except Refusal as refusal:
            self.case.refresh_from_db()
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(CORRECTED).format(field=services.DATE_LABELS[data["field"]]))
        return HttpResponseRedirect(reverse("cases:cases:detail", args=[self.case.pk]))


# Mounted by config.site under the inbox's deadline pages (/inbox/deadlines/): name inbox:case_correct_date.
date_correction_path = path("cases/<int:pk>/correct-date/", DateCorrectionView.as_view(), name="case_correct_date")


# --------------------------------------------------------------------------------------------------
# Viewflow viewsets and the application (mounted by config/site.py)
# --------------------------------------------------------------------------------------------------


class CaseViewset(AppMenuMixin, Viewset):
    app_name = "cases"
    title = _("Enforcement cases")
    icon = Icon("assignment")

    index_path = path("", CaseListView.as_view(), name="index")
    add_path = path("add/", CaseCreateView.as_view(), name="add")
    detail_path = path("<int:pk>/", CaseDetailView.as_view(), name="detail")
    inquiry_path = path("<int:pk>/inquiries/add/", InquiryCreateView.as_view(), name="inquiry")
    publicity_path = path("<int:pk>/publicity/", PublicityView.as_view(), name="publicity")
    transition_path = path("<int:pk>/transitions/<slug:name>/", CaseTransitionView.as_view(), name="transition")


class OfficerViewset(AppMenuMixin, Viewset):
    app_name = "officers"
    title = _("Enforcement officers")
    icon = Icon("badge")

    index_path = path("", OfficerListView.as_view(), name="index")


class CasesApplication(Application):
    """行政执法: enforcement cases of the comprehensive administrative enforcement brigade, and its officers."""

    app_name = "cases"
    title = _("Administrative enforcement")
    icon = Icon("local_police")

    def has_view_permission(self, user, obj=None):
        # Anonymous users pass here so that the pages send them to the login form.
        return not user.is_authenticated or roles.may("case.view", user)

    cases_path = route("cases/", CaseViewset())
    officers_path = route("officers/", OfficerViewset())

