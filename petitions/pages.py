"""The petitions pages of the web UI (viewflow Application), thin views over the services and selectors.

Lists come from petitions.selectors (only what the user may see: personal data), registration goes through
petitions.services, transitions through workflows.services.fire_transition (web.transitions.TransitionView)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from django.views import View
from viewflow.forms import Layout, Row
from viewflow.urls import Application, AppMenuMixin, Viewset, route
from viewflow.utils import Icon

from cases.models import Village
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
from .models import Petition, PetitionReview, PetitionState

PETITION_CREATED = _("The petition was registered.")
PETITIONERS_HELP = _("One per line: name, phone, ID number (optional). A group visit: at most 5 representatives.")
PETITIONER_LINE_BAD = _("Line {line}: give the name and the phone, separated by a comma.")
ACTION_LABELS = {"register": _("Petition registered"), "mediation_outcome": _("Mediation outcome recorded")}


class PetitionForm(BoundedTextForm, forms.Form):
    channel = forms.ChoiceField(label=pgettext_lazy("petition", "Channel"), choices=Petition.Channel.choices)
    petitioners = forms.CharField(label=_("Petitioners"), widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=PETITIONERS_HELP)
    group_visit = forms.BooleanField(label=_("Group visit"), required=False)
    village = forms.ModelChoiceField(label=_("Village"), queryset=Village.objects.all(), required=False,
                                     help_text=_("Empty: the matter concerns the town."))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))
    received_on = forms.DateField(label=_("Received on"))
    repeat_of = forms.ModelChoiceField(label=_("Repeat of the petition"), queryset=Petition.objects.all(),
                                       required=False)

    def clean_petitioners(self):
        rows = []
        for line_no, line in enumerate(self.cleaned_data["petitioners"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(str(PETITIONER_LINE_BAD).format(line=line_no))
            rows.append({"name": parts[0], "phone": parts[1], "id_number": parts[2] if len(parts) > 2 else ""})
        return rows


class PetitionFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All"))] + list(PetitionState.choices))
    channel = forms.ChoiceField(label=pgettext_lazy("petition", "Channel"), required=False,
                                choices=[("", _("All"))] + list(Petition.Channel.choices))
    q = forms.CharField(label=_("Search number, subject or petitioner"), required=False, max_length=100)


class PetitionTransitionView(TransitionView):
    process_name = "petition"
    detail_url_name = "petitions:petitions:detail"

    def load(self, pk, name):
        super().load(pk, name)
        if not services.may_view(self.request.user, self.obj):
            raise Http404


class PetitionListView(PageMixin, View):
    def get(self, request):
        if not roles.may("petition.view", request.user):
            raise Http404
        form = PetitionFilterForm(request.GET or None)
        state = channel = search = None
        if form.is_bound and form.is_valid():
            state = form.cleaned_data["state"] or None
            channel = form.cleaned_data["channel"] or None
            search = form.cleaned_data["q"] or None
        petitions = selectors.petition_list(request.user, state=state, channel=channel, search=search)
        if wants_xlsx(request):
            return xlsx_response(petitions, selectors.PETITION_EXPORT_COLUMNS, str(_("Petitions")))
        page = Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
        return self.render("petitions/petition_list.html", {
            "filter_form": form, "filter_layout": Layout(Row("state", "channel", "q")), "page_obj": page,
            "can_create": roles.may("petition.create", request.user),
        })


def review_rounds(rows):
    """The petitioner's windows share one rule (条例 Art 35–36): each row says its round, 复查 then 复核."""
    windows = [d for d in rows if d.kind == "petition.review_request"]
    for deadline, label in zip(windows, PetitionReview.Round.labels, strict=False):
        deadline.subject = label
    return rows


class PetitionDetailView(PageMixin, View):
    def get(self, request, pk):
        petition = get_object_or_404(Petition.objects.select_related("village", "repeat_of", "created_by"), pk=pk)
        if not services.may_view(request.user, petition):
            raise Http404
        process = get_process("petition")
        petitioners = list(petition.petitioners.all())
        mediations = getattr(petition, "mediations", None)  # the mediation app's, when installed
        return self.render("petitions/petition_detail.html", {
            "petition": petition, "petitioners": petitioners,
            "has_personal_data": any(p.phone or p.id_number for p in petitioners),
            "reviews": petition.reviews.all(), "repeats": petition.repeats.all(),
            "mediations": mediations.all() if mediations is not None else None,
            "transitions": transition_buttons("petition", petition, request.user, "petitions:petitions:transition"),
            "deadlines": review_rounds(deadline_rows(petition)),
            "history": history_rows(process, petition, ACTION_LABELS),
            **chart_context(process, petition.state),
        })


class PetitionPersonalDataView(PersonalDataView):
    """查看完整信息 on the petition page: every petitioner's full phone and ID number, audited
    (services.reveal_petitioner_data). POST only; 404 for a petition the user may not see."""

    def target(self, request, pk):
        petition = get_object_or_404(Petition, pk=pk)
        if not services.may_view(request.user, petition):
            raise Http404
        return petition, petition.number or petition.subject, reverse("petitions:petitions:detail", args=[pk])

    def reveal(self, obj, user, ip):
        return services.reveal_petitioner_data(obj, user=user, client_ip=ip)


class PetitionCreateView(PageMixin, View):
    def page(self, form, refusal=None, status=200):
        return self.render("petitions/petition_form.html", {"form": form, "refusal": refusal}, status=status)

    def get(self, request):
        if not roles.may("petition.create", request.user):
            raise Http404
        return self.page(PetitionForm())

    def post(self, request):
        form = PetitionForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        try:
            petition = services.create_petition(user=request.user, client_ip=client_ip(request), **form.cleaned_data)
        except Refusal as refusal:
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(PETITION_CREATED))
        return HttpResponseRedirect(reverse("petitions:petitions:detail", args=[petition.pk]))


class PetitionViewset(AppMenuMixin, Viewset):
    app_name = "petitions"
    title = _("Petitions")
    icon = Icon("record_voice_over")

    index_path = path("", PetitionListView.as_view(), name="index")
    add_path = path("add/", PetitionCreateView.as_view(), name="add")
    detail_path = path("<int:pk>/", PetitionDetailView.as_view(), name="detail")
    personal_data_path = path("<int:pk>/personal-data/", PetitionPersonalDataView.as_view(), name="personal_data")
    transition_path = path("<int:pk>/transitions/<slug:name>/", PetitionTransitionView.as_view(), name="transition")


class PetitionsApplication(Application):
    """信访: registration, acceptance, village-first handling, the answer, review and re-review."""

    app_name = "petitions"
    title = _("Petitions")
    icon = Icon("record_voice_over")

    def has_view_permission(self, user, obj=None):
        # Only those who may see petitions (personal data) find them in the menu; anonymous users pass here so
        # that the pages send them to the login form.
        return not user.is_authenticated or roles.may("petition.view", user)

    petitions_path = route("petitions/", PetitionViewset())
