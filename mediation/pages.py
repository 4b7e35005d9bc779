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
from web.base import PAGE_SIZE, PageMixin, error_status, show_refusal
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
from .models import Mediation, MediationState

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


class RegisterForm(BoundedTextForm, forms.Form):
    party1 = forms.CharField(label=_("First party"), max_length=100)
    party1_address = forms.CharField(label=_("First party's address"), max_length=200, required=False)
    party2 = forms.CharField(label=_("Second party"), max_length=100)
    party2_address = forms.CharField(label=_("Second party's address"), max_length=200, required=False)
    village = forms.ModelChoiceField(label=_("Village"), required=False, queryset=Village.objects.all(),
                                     help_text=_("Empty: the dispute concerns the town."))
    dispute_type = forms.ChoiceField(label=_("Kind of dispute"), choices=Mediation.DisputeType.choices)
    source = forms.ChoiceField(label=_("Source"), choices=[c for c in Mediation.Source.choices
                                                           if c[0] in ("application", "referral", "own_initiative")])
    summary = forms.CharField(label=_("Summary of the dispute"), widget=forms.Textarea(attrs={"rows": 4}))


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
        return self.render("mediation/mediation_form.html", {"form": form, "refusal": refusal}, status=status)

    def get(self, request):
        return self.page(RegisterForm())

    def post(self, request):
        form = RegisterForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        data = form.cleaned_data
        parties = [{"name": data["party1"], "address": data["party1_address"]},
                   {"name": data["party2"], "address": data["party2_address"]}]
        try:
            mediation = services.create_mediation(
                user=request.user, parties=parties, village=data["village"], dispute_type=data["dispute_type"],
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
        return self.render("mediation/mediation_detail.html", {
            "mediation": mediation,
            "parties": mediation.parties.all(),
            "work_records": mediation.work_records.select_related("recorded_by"),
            "mediators": mediation.mediators.all(),
            "transitions": transition_buttons("mediation", mediation, request.user, "mediation:mediations:transition"),
            "can_record": mediation.state == MediationState.MEDIATING and roles.may("mediation.work_record",
                                                                                     request.user),
            "deadlines": deadline_rows(mediation),
            "history": history_rows(process, mediation, ACTION_LABELS),
            **chart_context(process, mediation.state),
        })


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

    mediations_path = route("mediations/", MediationViewset())
    registers_path = route("registers/", RegisterViewset())
