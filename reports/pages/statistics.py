"""The 行政执法统计年报 page (DESIGN §12): pick a year, the tables counted from the data with the rule of each column,
the 情况说明 (editable by report.edit), the XLSX download, recording the publication, and the due date (31 January
of the next year, 国办发〔2018〕118号). Thin over reports.statistics and reports.services."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_lazy as _
from django.views import View

from web.base import PageMixin, error_status, show_refusal
from web.exports import XLSX_TYPE
from workflows import roles
from workflows.audit import client_ip
from workflows.errors import Refusal
from workflows.text_limits import LONG_TEXT

from .. import services, statistics
from ..models import NARRATIVE_PARTS, AnnualReport

KIND = AnnualReport.Kind.STATISTICS
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=services.FIRST_YEAR, max_value=9999)


class NarrativeForm(forms.Form):
    explanation = forms.CharField(label=NARRATIVE_PARTS[KIND]["explanation"], required=False,
                                  max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 8}))


class PublicationForm(forms.Form):
    published_on = forms.DateField(label=_("Published on"), required=False, widget=DATE)


class StatisticsMixin(PageMixin):
    """Logged in; report.view or 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not roles.may("report.view", request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class IndexView(StatisticsMixin, View):
    """The statistics of last year (the year a report is due for), or of ?year=."""

    def get(self, request):
        form = YearForm(request.GET)
        year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year - 1
        return HttpResponseRedirect(reverse("reports:statistics", args=[year]))


class YearView(StatisticsMixin, View):
    def page(self, year, *, narrative_form=None, publication_form=None, refusal=None, status=200):
        report = services.open_year(KIND, year)
        stats = statistics.enforcement_statistics(year)
        state = statistics.publication(report)
        today = timezone.localdate()
        due = datetime.date.fromisoformat(state["due_date"]) if state["due_date"] else None
        return self.render("reports/statistics.html", {
            "year": year, "stats": stats, "report": report, "due": due,
            "overdue": due is not None and report.published_on is None and today > due,
            "year_form": YearForm(initial={"year": year}),
            "narrative_form": narrative_form or NarrativeForm(initial=state["narrative"]),
            "publication_form": publication_form or PublicationForm(initial={"published_on": today}),
            "narrative": state["narrative"], "narrative_labels": NARRATIVE_PARTS[KIND],
            "can_edit": roles.may("report.edit", self.request.user),
            "year_open": year >= today.year,
            "refusal": refusal.page_text if refusal is not None else "",
        }, status=status)

    def checked_year(self, year):
        try:
            return services.check_kind_and_year(KIND, year)[1], None
        except Refusal as refusal:
            return None, refusal

    def bad_year(self, refusal):
        return self.render("reports/statistics_bad_year.html", {
            "refusal": refusal.page_text, "year_form": YearForm()}, status=400)

    def get(self, request, year):
        year, refusal = self.checked_year(year)
        if refusal is not None:
            return self.bad_year(refusal)
        return self.page(year)


class XlsxView(YearView):
    def get(self, request, year):
        year, refusal = self.checked_year(year)
        if refusal is not None:
            return self.bad_year(refusal)
        report = services.open_year(KIND, year)
        content = statistics.workbook(statistics.enforcement_statistics(year), report.narrative,
                                      NARRATIVE_PARTS[KIND])
        response = HttpResponse(content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"行政执法统计年报-{year}.xlsx")
        return response


class NarrativeView(YearView):
    def post(self, request, year):
        if not roles.may("report.edit", request.user):
            raise PermissionDenied
        year, refusal = self.checked_year(year)
        if refusal is not None:
            return self.bad_year(refusal)
        form = NarrativeForm(request.POST)
        if not form.is_valid():
            return self.page(year, narrative_form=form, status=error_status(request, 400))
        try:
            services.save_narrative(kind=KIND, year=year, user=request.user, narrative=form.cleaned_data,
                                    client_ip=client_ip(request))
        except Refusal as refusal:
            return self.page(year, narrative_form=show_refusal(form, refusal), refusal=refusal,
                             status=error_status(request, refusal.status))
        messages.success(request, gettext("Saved."))
        return HttpResponseRedirect(reverse("reports:statistics", args=[year]))


class PublicationView(YearView):
    def post(self, request, year):
        if not roles.may("report.edit", request.user):
            raise PermissionDenied
        year, refusal = self.checked_year(year)
        if refusal is not None:
            return self.bad_year(refusal)
        form = PublicationForm(request.POST)
        if not form.is_valid():
            return self.page(year, publication_form=form, status=error_status(request, 400))
        try:
            services.record_publication(kind=KIND, year=year, user=request.user,
                                        day=form.cleaned_data.get("published_on"), client_ip=client_ip(request))
        except Refusal as refusal:
            return self.page(year, publication_form=show_refusal(form, refusal), refusal=refusal,
                             status=error_status(request, refusal.status))
        messages.success(request, gettext("The publication was recorded."))
        return HttpResponseRedirect(reverse("reports:statistics", args=[year]))


urlpatterns = [
    path("", IndexView.as_view(), name="statistics_index"),
    path("<int:year>/", YearView.as_view(), name="statistics"),
    path("<int:year>.xlsx", XlsxView.as_view(), name="statistics_xlsx"),
    path("<int:year>/narrative/", NarrativeView.as_view(), name="statistics_narrative"),
    path("<int:year>/publication/", PublicationView.as_view(), name="statistics_publication"),
]
