"""执法监督 (DESIGN §12, CONTRACT §9): the supervision page of the judicial office, the principal and the brigade
chief — yellow and red cards, the overdue rate per month (a chart drawn on the server), fines at or beyond the
discretion band, reports not filed in time, the certification rate — and the weekly circulars (通报) with their
downloads; the judicial office issues a week's circular from here (the Monday task issues last week's anyway).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View

from documents.files import file_url
from documents.selectors import issued
from web import charts
from web.base import PageMixin, error_status
from workflows import roles
from workflows.errors import Refusal

from .. import circulars, supervision


class SupervisionMixin(PageMixin):
    """Logged in; supervision.view (judicial_office, principal, brigade_chief) or 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not roles.may("supervision.view", request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _circular_row(circular) -> dict:
    document = issued(circulars.KIND, circular)
    figures = circular.figures or {}
    return {
        "circular": circular, "number": document.number if document else "",
        "week_end": figures.get("week_end", ""), "counts": figures.get("card_counts", {}),
        "docx": file_url(circulars.OWNER, circular.pk, circulars.KIND, None, "docx", api=False),
        "pdf": file_url(circulars.OWNER, circular.pk, circulars.KIND, None, "pdf", api=False),
    }


class SupervisionView(SupervisionMixin, View):
    """GET: the page; POST (the judicial office): issue the circular of the week given (default last week)."""

    def _page(self, request, refusal=None, status=200):
        figures = supervision.supervision()
        months = figures["overdue_rate"]["months"]
        chart = charts.bars(gettext("Overdue rate per month"), [m["month"] for m in months],
                            [(gettext("Case deadlines"), [m["rate"] for m in months])], percent=True) \
            if figures["overdue_rate"]["due"] else ""
        return self.render("reports/supervision.html", {
            "figures": figures, "overdue_chart": chart,
            "red_cards": [c for c in figures["cards"] if c["kind"] == "red"],
            "yellow_cards": [c for c in figures["cards"] if c["kind"] == "yellow"],
            "circulars": [_circular_row(c) for c in circulars.circulars()[:52]],
            "may_issue": roles.may("supervision.circular", request.user),
            "last_week": circulars.last_week(timezone.localdate()),
            "refusal": refusal,
        }, status=status)

    def get(self, request):
        return self._page(request)

    def post(self, request):
        try:
            circular, _created = circulars.issue_circular(
                week_start=request.POST.get("week_start") or None, user=request.user,
                remarks=(request.POST.get("remarks") or "")[:2000])
        except Refusal as refusal:
            return self._page(request, refusal, status=error_status(request, refusal.status))
        return redirect("reports:circular", circular.pk)


class CircularView(SupervisionMixin, View):
    """One circular: its number, week and figures as issued, with the downloads."""

    def get(self, request, pk):
        circular = get_object_or_404(circulars.circulars(), pk=pk)
        context = circulars.circular_context(circular)
        return self.render("reports/circular.html", {"row": _circular_row(circular), "context": context})


urlpatterns = [
    path("", SupervisionView.as_view(), name="supervision"),
    path("circulars/<int:pk>/", CircularView.as_view(), name="circular"),
]
