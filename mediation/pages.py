"""The mediation pages of the web UI (viewflow Application 人民调解), thin views over the services and selectors:
the list with filters and XLSX export, the registration form, the detail page (history, deadlines, documents,
attachments, transition buttons), the transition forms (mediation.forms, shared with the API) and the registers."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from viewflow.forms import Layout, Row
from viewflow.urls import Application, AppMenuMixin, Viewset, route
from viewflow.utils import Icon

from cases.models import Village
from cases.validators import validate_credit_code, validate_phone, validate_resident_id
from web.base import PAGE_SIZE, PageMixin, error_status, show_refusal
from web.deadlines import deadline_rows
from web.exports import wants_xlsx, xlsx_response
from web.history import history_rows
from web.personal_data import PersonalDataView
from web.state_chart import chart_context
from web.transitions import TransitionView, transition_buttons
from workflows import roles
from workflows.audit import client_ip
from workflows.errors import Refusal
from workflows.services import get_process
from workflows.text_limits import BoundedTextForm

from . import selectors, services
from .models import Mediation, MediationParty, MediationState

REGISTERED = _("The dispute was registered.")
WORK_RECORD_SAVED = _("The work record was added.")
ACTION_LABELS = {
    "register": _("Registered"),
    "work_record": _("Work record added"),
    "report_violation": _("Violation reported as an enforcement case"),
}


def detail_url(pk) -> str:
    return reverse("mediation:mediations:detail", args=[pk])


class FilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states"))] + list(MediationState.choices))
    village = forms.ModelChoiceField(label=_("Village"), required=False, queryset=Village.objects.all())
    dispute_type = forms.ChoiceField(label=_("Kind of dispute"), required=False,
                                     choices=[("", _("All kinds"))] + list(Mediation.DisputeType.choices))
    q = forms.CharField(label=_("Search number, party or summary"), required=False, max_length=100)


PARTY_ORDINALS = {1: _("First party"), 2: _("Second party"), 3: _("Third party")}
PARTY_DETAILS = ("kind", "gender", "ethnicity", "id_number", "phone", "address")
MIN_PARTY_ROWS, DEFAULT_PARTY_ROWS, MAX_PARTY_ROWS = 2, 3, 10
PARTY_N = _("Party {number}")
PARTY_DETAILS_WITHOUT_NAME = _("Name this party, or leave the row empty.")


class RegisterForm(BoundedTextForm, forms.Form):
    """调解登记: the parties with the details the written agreement names (人民调解法 Art 29 (1): 当事人的基本情况 —
    name, gender, ethnicity, ID number, phone, address; all but the name optional at registration), the village,
    the kind of dispute, the source and a summary. Two parties at least (Art 2); three rows are shown and the
    clerk adds rows (up to ten) with “Add a party row”, which keeps what was typed. A party row i posts
    `party<i>` (the name) and `party<i>_<detail>`."""

    party_rows = forms.IntegerField(widget=forms.HiddenInput, min_value=MIN_PARTY_ROWS, max_value=MAX_PARTY_ROWS,
                                    initial=DEFAULT_PARTY_ROWS, required=False)
    village = forms.ModelChoiceField(label=_("Village"), required=False, queryset=Village.objects.all(),
                                     help_text=_("Empty: the dispute concerns the town."))
    dispute_type = forms.ChoiceField(label=_("Kind of dispute"), choices=Mediation.DisputeType.choices)
    source = forms.ChoiceField(label=_("Source"), choices=[c for c in Mediation.Source.choices
                                                           if c[0] in ("application", "referral", "own_initiative")])
    summary = forms.CharField(label=_("Summary of the dispute"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows or self.rows_posted(self.data) or DEFAULT_PARTY_ROWS
        self.initial["party_rows"] = self.rows
        layout = []
        for i in range(1, self.rows + 1):
            ordinal = PARTY_ORDINALS.get(i) or str(PARTY_N).format(number=i)
            self.fields[f"party{i}"] = forms.CharField(label=ordinal, max_length=100, required=i <= MIN_PARTY_ROWS)
            self.fields[f"party{i}_kind"] = forms.ChoiceField(label=_("Party kind"), choices=MediationParty.Kind.choices,
                                                              initial=MediationParty.Kind.PERSON, required=False)
            self.fields[f"party{i}_gender"] = forms.ChoiceField(
                label=_("Gender"), required=False, choices=[("", "—"), ("男", _("Male")), ("女", _("Female"))])
            self.fields[f"party{i}_ethnicity"] = forms.CharField(label=_("Ethnicity"), max_length=20, required=False)
            self.fields[f"party{i}_id_number"] = forms.CharField(
                label=_("ID number / unified social credit code"), max_length=18, required=False)
            self.fields[f"party{i}_phone"] = forms.CharField(label=_("Phone"), max_length=20, required=False,
                                                             validators=[validate_phone])
            self.fields[f"party{i}_address"] = forms.CharField(label=_("Address"), max_length=200, required=False)
            layout += [Row(f"party{i}", f"party{i}_kind", f"party{i}_gender", f"party{i}_ethnicity"),
                       Row(f"party{i}_id_number", f"party{i}_phone", f"party{i}_address")]
        self.layout = Layout(*layout, Row("village", "dispute_type", "source"), "summary", "party_rows")

    @staticmethod
    def rows_posted(data) -> int | None:
        try:
            rows = int(data.get("party_rows") or 0)
        except (TypeError, ValueError):
            return None
        return min(max(rows, MIN_PARTY_ROWS), MAX_PARTY_ROWS) if rows else None

    def clean(self):
        data = super().clean()
        for i in range(1, self.rows + 1):
            name = (data.get(f"party{i}") or "").strip()
            details = [data.get(f"party{i}_{d}") for d in PARTY_DETAILS if d != "kind"]
            if not name and any(details):
                self.add_error(f"party{i}", PARTY_DETAILS_WITHOUT_NAME)
                continue
            id_number = (data.get(f"party{i}_id_number") or "").strip().upper()
            if name and id_number:
                check = (validate_resident_id if data.get(f"party{i}_kind") != MediationParty.Kind.ORG
                         else validate_credit_code)
                try:
                    check(id_number)
                except forms.ValidationError as error:
                    self.add_error(f"party{i}_id_number", error)
        return data

    def parties(self) -> list[dict]:
        """The named rows as the service takes them (create_mediation's `parties`)."""
        data, rows = self.cleaned_data, []
        for i in range(1, self.rows + 1):
            name = (data.get(f"party{i}") or "").strip()
            if name:
                row = {"name": name, **{d: (data.get(f"party{i}_{d}") or "").strip() for d in PARTY_DETAILS}}
                row["kind"] = row["kind"] or MediationParty.Kind.PERSON
                row["id_number"] = row["id_number"].upper()
                if row["kind"] == MediationParty.Kind.ORG:
                    row["gender"] = row["ethnicity"] = ""
                rows.append(row)
        return rows


class WorkRecordForm(BoundedTextForm, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(format="%Y-%m-%d"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    present = forms.CharField(label=_("Present"), max_length=300, required=False)
    content = forms.CharField(label=_("What was done and said"), widget=forms.Textarea(attrs={"rows": 6}))


class MediationListView(PageMixin, View):
    def get(self, request):
        if not roles.may("mediation.view", request.user):
            raise Http404
        form = FilterForm(request.GET or None)
        filters = {}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            filters = {"state": data["state"] or None, "village": data["village"].pk if data["village"] else None,
                       "dispute_type": data["dispute_type"] or None, "search": data["q"] or None}
        mediations = selectors.mediation_list(request.user, **filters)
        if wants_xlsx(request):
            return xlsx_response(mediations, selectors.MEDIATION_EXPORT_COLUMNS, str(_("People's mediations")))
        page = Paginator(mediations, PAGE_SIZE).get_page(request.GET.get("page"))
        return self.render("mediation/mediation_list.html", {
            "filter_form": form, "filter_layout": Layout(Row("state", "village", "dispute_type", "q")),
            "page_obj": page, "can_create": roles.may("mediation.create", request.user),
        })


class MediationCreateView(PageMixin, View):
    def page(self, form, refusal=None, status=200):
        return self.render("mediation/mediation_form.html", {
            "form": form, "refusal": refusal, "can_add_party": form.rows < MAX_PARTY_ROWS,
        }, status=status)

    def get(self, request):
        return self.page(RegisterForm())

    def post(self, request):
        if "add_party" in request.POST:  # one more party row, keeping what was typed (nothing is saved yet)
            rows = (RegisterForm.rows_posted(request.POST) or DEFAULT_PARTY_ROWS) + 1
            form = RegisterForm(initial=request.POST.dict(), rows=min(rows, MAX_PARTY_ROWS))
            return self.page(form)
        form = RegisterForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        data = form.cleaned_data
        try:
            mediation = services.create_mediation(
                user=request.user, parties=form.parties(), village=data["village"], dispute_type=data["dispute_type"],
                source=data["source"], summary=data["summary"], client_ip=client_ip(request))
        except Refusal as refusal:
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(REGISTERED))
        return HttpResponseRedirect(detail_url(mediation.pk))


class MediationDetailView(PageMixin, View):
    def get(self, request, pk):
        try:
            mediation = services.get_visible(pk, request.user)
        except Refusal:
            raise Http404 from None
        process = get_process("mediation")
        parties = list(mediation.parties.all())
        return self.render("mediation/mediation_detail.html", {
            "mediation": mediation,
            "parties": parties,
            "has_personal_data": any(p.phone or p.id_number for p in parties),
            "work_records": mediation.work_records.select_related("recorded_by"),
            "follow_ups": mediation.follow_ups.select_related("recorded_by"),
            "route_labels": dict(Mediation.Route.choices),
            "mediators": mediation.mediators.all(),
            "transitions": transition_buttons("mediation", mediation, request.user, "mediation:mediations:transition"),
            "can_record": mediation.state == MediationState.MEDIATING and roles.may("mediation.work_record",
                                                                                     request.user),
            "deadlines": deadline_rows(mediation),
            "history": history_rows(process, mediation, ACTION_LABELS),
            **chart_context(process, mediation.state),
        })


class MediationPersonalDataView(PersonalDataView):
    """查看完整信息 on the mediation page: every party's full ID number and phone, audited
    (services.reveal_party_data). POST only; 404 for a mediation the user may not see."""

    def target(self, request, pk):
        try:
            mediation = services.get_visible(pk, request.user)
        except Refusal:
            raise Http404 from None
        return mediation, mediation.number or mediation.title, reverse("mediation:mediations:detail", args=[pk])

    def reveal(self, obj, user, ip):
        return services.reveal_party_data(obj, user=user, client_ip=ip)


class WorkRecordView(PageMixin, View):
    def page(self, mediation, form, refusal=None, status=200):
        return self.render("mediation/work_record_form.html", {"mediation": mediation, "form": form,
                                                                "refusal": refusal}, status=status)

    def load(self, pk):
        try:
            return services.get_visible(pk, self.request.user)
        except Refusal:
            raise Http404 from None

    def get(self, request, pk):
        return self.page(self.load(pk), WorkRecordForm())

    def post(self, request, pk):
        mediation = self.load(pk)
        form = WorkRecordForm(request.POST)
        if not form.is_valid():
            return self.page(mediation, form, status=error_status(request, 400))
        try:
            services.add_work_record(mediation_pk=mediation.pk, user=request.user, client_ip=client_ip(request),
                                     **form.cleaned_data)
        except Refusal as refusal:
            return self.page(mediation, show_refusal(form, refusal), refusal,
                             status=error_status(request, refusal.status))
        messages.success(request, str(WORK_RECORD_SAVED))
        return HttpResponseRedirect(detail_url(mediation.pk))


class MediationTransitionView(TransitionView):
    process_name = "mediation"
    detail_url_name = "mediation:mediations:detail"

    def load(self, pk, name):
        try:
            services.get_visible(pk, self.request.user)
        except Refusal:
            raise Http404 from None
        super().load(pk, name)


class RegisterListView(PageMixin, View):
    """The registers: the committees (one per village, one for the town) and their mediators."""

    def get(self, request):
        if not roles.may("mediation.view", request.user):
            raise Http404
        return self.render("mediation/registers.html", {
            "committees": selectors.committee_list(), "mediators": selectors.mediator_list(),
        })


class MediationViewset(AppMenuMixin, Viewset):
    app_name = "mediations"
    title = _("People's mediations")
    icon = Icon("handshake")

    index_path = path("", MediationListView.as_view(), name="index")
    add_path = path("add/", MediationCreateView.as_view(), name="add")
    detail_path = path("<int:pk>/", MediationDetailView.as_view(), name="detail")
    personal_data_path = path("<int:pk>/personal-data/", MediationPersonalDataView.as_view(),
                              name="personal_data")
    work_record_path = path("<int:pk>/work-records/add/", WorkRecordView.as_view(), name="work_record")
    transition_path = path("<int:pk>/transitions/<slug:name>/", MediationTransitionView.as_view(),
                           name="transition")


class RegisterViewset(AppMenuMixin, Viewset):
    app_name = "registers"
    title = _("Committees and mediators")
    icon = Icon("diversity_3")

    index_path = path("", RegisterListView.as_view(), name="index")


class MediationApplication(Application):
    """人民调解: the mediations of the committees, and the registers of committees and mediators."""

    app_name = "mediation"
    title = _("People's mediation")
    icon = Icon("handshake")

    def has_view_permission(self, user, obj=None):
        # Only those who may see mediations (the parties' personal data) find them in the menu; anonymous users
        # pass here so that the pages send them to the login form.
        return not user.is_authenticated or roles.may("mediation.view", user)

    mediations_path = route("mediations/", MediationViewset())
    registers_path = route("registers/", RegisterViewset())
