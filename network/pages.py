"""The network pages of the web UI (viewflow Application 法治网络, mounted by config/site.py), thin views over the
services and selectors: the coverage of the villages by their legal advisers, the registers of advisers and
法律明白人, the activity log with its photos (the attachments card). Lists filter and export to Excel; forms keep
what was typed when refused."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from django.views import View
from viewflow.forms import Layout, Row
from viewflow.urls import Application, AppMenuMixin, Viewset, route
from viewflow.utils import Icon

from cases.models import Village
from web import charts
from web.base import MAX_ID, PAGE_SIZE, PageMixin, error_status, show_refusal
from web.exports import wants_xlsx, xlsx_response
from workflows import roles
from workflows.audit import client_ip
from workflows.errors import Refusal
from workflows.forms import IdChoiceField
from workflows.text_limits import BoundedTextForm

from . import selectors, services
from .models import Activity, ActivityKind, LegalAdviser, LegalLiterate

DATE = forms.DateInput(format="%Y-%m-%d")


def village_choices(town=None):
    choices = [("", _("All villages"))]
    if town:
        choices.append(("town", town))
    return choices + [(str(v.pk), v.name) for v in Village.objects.all()]


# --- forms --------------------------------------------------------------------------------------------------

class AdviserForm(BoundedTextForm, forms.Form):
    village = IdChoiceField(label=_("Village"), queryset=Village.objects.all())
    name = forms.CharField(label=_("Full name"), max_length=50)
    firm = forms.CharField(label=_("Law firm"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    contract_start = forms.DateField(label=_("Contract start"), widget=DATE)
    contract_end = forms.DateField(label=_("Contract end"), widget=DATE)

    layout = Layout(Row("village", "name"), Row("firm", "phone"), Row("contract_start", "contract_end"))


class LiterateForm(BoundedTextForm, forms.Form):
    village = IdChoiceField(label=_("Village"), queryset=Village.objects.all())
    name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    trained_on = forms.DateField(label=_("Trained on"), widget=DATE, required=False)

    layout = Layout(Row("village", "name"), Row("phone", "trained_on"))


class ActivityForm(BoundedTextForm, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    held_on = forms.DateField(label=_("Date held"), widget=DATE)
    title = forms.CharField(label=_("Title"), max_length=200)
    village = IdChoiceField(label=_("Village"), queryset=Village.objects.all(), required=False,
                            empty_label=_("The town"), help_text=_("Leave as “The town” for the town's own activity."))
    attendance = forms.IntegerField(label=_("Attendance (people)"), min_value=0, max_value=1_000_000, initial=0)
    campaign = forms.CharField(label=_("Campaign or theme"), max_length=100, required=False,
                               help_text=_("e.g. 宪法宣传周, 国际禁毒日, 民法典宣传月"))
    description = forms.CharField(label=_("Activity content"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    layout = Layout(Row("kind", "held_on"), "title", Row("village", "attendance"), "campaign", "description")


class FilterForm(forms.Form):
    village = forms.ChoiceField(label=_("Village"), required=False)

    def __init__(self, *args, town=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = village_choices(town=_("The town") if town else None)

    def value(self, name):
        self.is_valid()
        return self.cleaned_data.get(name) or None


class ActivityFilterForm(FilterForm):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    layout = Layout(Row("year", "kind", "village"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, town=True, **kwargs)
        years = selectors.activity_years() or [timezone.localdate().year]
        self.fields["year"].choices = [("", _("All years"))] + [(str(y), str(y)) for y in years]
        self.fields["kind"].choices = [("", _("All kinds"))] + list(ActivityKind.choices)


class LiterateFilterForm(FilterForm):
    q = forms.CharField(label=_("Search name"), required=False, max_length=50)

    layout = Layout(Row("village", "q"))


class CoverageForm(forms.Form):
    on = forms.DateField(label=_("On"), required=False, widget=DATE)


# --- views --------------------------------------------------------------------------------------------------

class NetworkMixin(PageMixin):
    """Logged in; a staff role ("network.view") or 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not roles.may("network.view", request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CoverageView(NetworkMixin, View):
    """法律顾问覆盖: every village, its adviser on the day (default today) and its 法律明白人; the share covered."""

    def get(self, request):
        form = CoverageForm(request.GET)
        day = (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()
        result = selectors.coverage(day)
        chart = charts.bars(gettext("Legal literates per village"), [row.village.name for row in result.rows],
                            [(gettext("Legal literates"), [row.literates for row in result.rows])]) if result.rows else ""
        counts = selectors.activity_counts(day.year)
        return self.render("network/coverage.html", {
            "form": form, "day": day, "coverage": result, "chart": chart, "percent_text": f"{result.percent:g}%",
            "activity_counts": [(label, counts[kind]) for kind, label in ActivityKind.choices],
        })


class ListView(NetworkMixin, View):
    template_name = filename = ""
    filter_form = FilterForm
    add_action = "network.edit"

    def rows(self, form):
        raise NotImplementedError

    def columns(self):
        raise NotImplementedError

    def get(self, request):
        form = self.filter_form(request.GET)
        rows = self.rows(form)
        if wants_xlsx(request):
            return xlsx_response(rows, self.columns(), str(self.filename))
        return self.render(self.template_name, {
            "filter_form": form, "filter_layout": getattr(form, "layout", None),
            "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "can_add": roles.may(self.add_action, request.user),
            "can_edit": roles.may(self.add_action, request.user),
            "show_phones": roles.may("network.personal_data", request.user),
            "today": timezone.localdate(),
        })


class AdviserListView(ListView):
    template_name, filename = "network/adviser_list.html", _("Village legal advisers")

    def rows(self, form):
        return selectors.adviser_list(village=form.value("village"))

    def columns(self):
        return selectors.adviser_export_columns(roles.may("network.personal_data", self.request.user))


class LiterateListView(ListView):
    template_name, filename, filter_form = "network/literate_list.html", _("Legal literates"), LiterateFilterForm

    def rows(self, form):
        return selectors.literate_list(village=form.value("village"), search=form.value("q"))

    def columns(self):
        return selectors.literate_export_columns(roles.may("network.personal_data", self.request.user))


class ActivityListView(ListView):
    template_name, filename = "network/activity_list.html", _("Rule-of-law activities")
    filter_form, add_action = ActivityFilterForm, "activity.create"

    def rows(self, form):
        village = form.value("village")
        return selectors.activity_list(village=None if village == "town" else village, year=form.value("year"),
                                       kind=form.value("kind"), town_only=village == "town")

    def columns(self):
        return selectors.ACTIVITY_EXPORT_COLUMNS


class FormView(NetworkMixin, View):
    """Create (no pk) or edit one register entry through its service; a refusal shows the form again with what
    was typed and the reason beside the field."""

    model = form_class = None
    action = "network.edit"
    save = None
    title_add = title_edit = list_url = ""
    fields: tuple = ()

    def load(self, pk):
        if not roles.may(self.action, self.request.user):
            raise PermissionDenied
        if pk is None:
            return None
        if pk > MAX_ID:
            raise Http404
        return get_object_or_404(self.model, pk=pk)

    def page(self, obj, form, refusal=None, status=200):
        return self.render("network/form.html", {
            "form": form, "refusal": refusal, "obj": obj, "title": self.title_edit if obj else self.title_add,
            "back_url": reverse(self.list_url), "submit": _("Save") if obj else _("Create"),
        }, status=status)

    def success_url(self, obj):
        return reverse(self.list_url)

    def get(self, request, pk=None):
        obj = self.load(pk)
        initial = {name: getattr(obj, name) for name in self.fields} if obj else {}
        if obj and "village" in initial:
            initial["village"] = obj.village_id
        return self.page(obj, self.form_class(initial=initial))

    def post(self, request, pk=None):
        obj = self.load(pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.page(obj, form, status=error_status(request, 400))
        try:
            obj = type(self).save(obj, dict(form.cleaned_data), user=request.user, client_ip=client_ip(request))
        except Refusal as refusal:
            return self.page(obj, show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, gettext("Saved."))
        return HttpResponseRedirect(self.success_url(obj))


class AdviserFormView(FormView):
    model, form_class, save = LegalAdviser, AdviserForm, staticmethod(services.save_adviser)
    fields = services.ADVISER_FIELDS
    title_add, title_edit, list_url = _("New legal adviser"), _("Edit legal adviser"), "network:advisers:index"


class LiterateFormView(FormView):
    model, form_class, save = LegalLiterate, LiterateForm, staticmethod(services.save_literate)
    fields = services.LITERATE_FIELDS
    title_add, title_edit, list_url = _("New legal literate"), _("Edit legal literate"), "network:literates:index"


class ActivityFormView(FormView):
    model, form_class, save = Activity, ActivityForm, staticmethod(services.save_activity)
    action, fields = "activity.create", services.ACTIVITY_FIELDS
    title_add, title_edit, list_url = _("Log an activity"), _("Edit activity"), "network:activities:index"

    def success_url(self, obj):
        return reverse("network:activities:detail", args=[obj.pk])


class ActivityDetailView(NetworkMixin, View):
    """One activity, its photos (the attachments card) and, for the roles that log activities, 编辑."""

    def get(self, request, pk):
        if pk > MAX_ID:
            raise Http404
        activity = get_object_or_404(Activity.objects.select_related("village"), pk=pk)
        return self.render("network/activity_detail.html", {
            "activity": activity, "can_edit": roles.may("activity.create", request.user)})


# --- viewflow viewsets and the application ------------------------------------------------------------------

class CoverageViewset(AppMenuMixin, Viewset):
    app_name = "coverage"
    title = _("Adviser coverage")
    icon = Icon("map")

    index_path = path("", CoverageView.as_view(), name="index")


class AdviserViewset(AppMenuMixin, Viewset):
    app_name = "advisers"
    title = _("Village legal advisers")
    icon = Icon("gavel")

    index_path = path("", AdviserListView.as_view(), name="index")
    add_path = path("add/", AdviserFormView.as_view(), name="add")
    edit_path = path("<int:pk>/edit/", AdviserFormView.as_view(), name="edit")


class LiterateViewset(AppMenuMixin, Viewset):
    app_name = "literates"
    title = _("Legal literates")
    icon = Icon("groups")

    index_path = path("", LiterateListView.as_view(), name="index")
    add_path = path("add/", LiterateFormView.as_view(), name="add")
    edit_path = path("<int:pk>/edit/", LiterateFormView.as_view(), name="edit")


class ActivityViewset(AppMenuMixin, Viewset):
    app_name = "activities"
    title = _("Rule-of-law activities")
    icon = Icon("campaign")

    index_path = path("", ActivityListView.as_view(), name="index")
    add_path = path("add/", ActivityFormView.as_view(), name="add")
    detail_path = path("<int:pk>/", ActivityDetailView.as_view(), name="detail")
    edit_path = path("<int:pk>/edit/", ActivityFormView.as_view(), name="edit")


class NetworkApplication(Application):
    """法治网络: the village legal advisers, the 法律明白人 and the activity log of the town's rule-of-law work."""

    app_name = "network"
    title = _("Legal network")
    icon = Icon("hub")

    def has_view_permission(self, user, obj=None):
        # Anonymous users pass here so that the pages send them to the login form.
        return not user.is_authenticated or roles.may("network.view", user)

    coverage_path = route("coverage/", CoverageViewset())
    advisers_path = route("advisers/", AdviserViewset())
    literates_path = route("literates/", LiterateViewset())
    activities_path = route("activities/", ActivityViewset())
