"""The page of the 法治政府建设年度报告 (DESIGN §12): pick a year; the figures computed from the data with the rule
that counts each; the narrative parts in bounded text boxes, kept per year; the Word file; recording the day the
report was submitted to the county and made public; the deadlines card. Read: report.view; write: report.edit.
Every action goes through reports.services."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from web.base import PageMixin, error_status
from web.deadlines import deadline_rows
from workflows import roles
from workflows.audit import client_ip
from workflows.errors import InvalidInput, Refusal
from workflows.text_limits import LONG_TEXT

from .. import services
from ..figures import rule_of_law_figures
from ..models import NARRATIVE_PARTS, AnnualReport

RULE_OF_LAW = AnnualReport.Kind.RULE_OF_LAW


class ReportMixin(PageMixin):
    """Logged in; report.view or 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not roles.may("report.view", request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class IndexView(ReportMixin, View):
    """Without a year (or with ?year=): last year's report, the one due by 1 March."""

    def get(self, request):
        year = request.GET.get("year") or timezone.localdate().year - 1
        try:
            _kind, year = services.check_kind_and_year(RULE_OF_LAW, year)
        except InvalidInput:
            year = timezone.localdate().year - 1
        return HttpResponseRedirect(reverse("reports:rule_of_law", args=[year]))


class ReportView(ReportMixin, View):
    """The report of one year; POST `action` save (the parts), submitted or published (with `day`)."""

    def page(self, year, *, narrative=None, refusal=None, status=200):
        report = services.report_of(RULE_OF_LAW, year)
        kept = report.narrative or {}
        typed = narrative or {}
        today = timezone.localdate()
        return self.render("reports/rule_of_law.html", {
            "year": year, "title": services.title_of(year), "report": report,
            "years": list(range(today.year, services.FIRST_YEAR - 1, -1))[:10],
            "figures": rule_of_law_figures(year),
            "parts": [{"key": key, "label": label, "text": typed.get(key, kept.get(key, ""))}
                      for key, label in NARRATIVE_PARTS[RULE_OF_LAW].items()],
            "limit": LONG_TEXT, "can_edit": roles.may("report.edit", request_user(self)),
            "deadlines": deadline_rows(report) if report.pk else [],
            "docx_url": reverse("report-rule-of-law-file", args=[year, "docx"]),
            "today": today, "refusal": refusal,
        }, status=status)

    def get(self, request, year):
        try:
            _kind, year = services.check_kind_and_year(RULE_OF_LAW, year)
        except InvalidInput as refusal:
            return self.page(timezone.localdate().year - 1, refusal=refusal, status=error_status(request, 400))
        return self.page(year)

    def post(self, request, year):
        if not roles.may("report.edit", request.user):
            raise PermissionDenied
        action = request.POST.get("action")
        narrative = {key: request.POST.get(key, "") for key in NARRATIVE_PARTS[RULE_OF_LAW] if key in request.POST}
        try:
            _kind, year = services.check_kind_and_year(RULE_OF_LAW, year)
            if action == "save":
                services.save_narrative(kind=RULE_OF_LAW, year=year, user=request.user, narrative=narrative,
                                        client_ip=client_ip(request))
                messages.success(request, _("Saved."))
            elif action in ("submitted", "published"):
                record = services.record_submission if action == "submitted" else services.record_publication
                record(kind=RULE_OF_LAW, year=year, user=request.user, day=_day(request.POST.get("day")),
                       client_ip=client_ip(request))
                messages.success(request, _("Recorded."))
            else:
                raise InvalidInput(_("Unknown action."))
        except Refusal as refusal:
            safe_year = year if isinstance(year, int) else timezone.localdate().year - 1
            return self.page(safe_year, narrative=narrative, refusal=refusal,
                             status=error_status(request, refusal.status))
        return HttpResponseRedirect(reverse("reports:rule_of_law", args=[year]))


def request_user(view):
    return view.request.user


def _day(value):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        message = _("Enter a date as YYYY-MM-DD.")
        raise InvalidInput(message, fields={"day": [message]}) from None


urlpatterns = [
    path("", IndexView.as_view(), name="rule_of_law_index"),
    path("<int:year>/", ReportView.as_view(), name="rule_of_law"),
]
