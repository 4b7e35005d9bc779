"""The pages of the reports app (DESIGN §12), mounted by the site as 报告与监督 (config/site.py).

One module per part, each with its own `urlpatterns`: `rule_of_law` (法治政府建设年度报告), `statistics`
(行政执法统计年报), `supervision` (执法监督 and the weekly circulars).
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views import View
from viewflow.urls import Application
from viewflow.utils import Icon

from workflows import roles

from ..templatetags.reports_menu import links_for
from . import rule_of_law, statistics, supervision


class IndexView(View):
    """报告与监督 itself: the first of its pages the user may open (the brigade chief: supervision; the judicial
    office and the leaders: supervision too; the admin: the annual report)."""

    def get(self, request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        links = links_for(request.user)
        if not links:
            raise PermissionDenied
        return HttpResponseRedirect(links[0]["url"])


class ReportsApplication(Application):
    """报告与监督: the year's reports and the judicial office's supervision of enforcement."""

    app_name = "reports"
    title = _("Reports and supervision")
    icon = Icon("assessment")
    menu_template_name = "reports/menu.html"

    index_path = path("", IndexView.as_view(), name="index")

    rule_of_law_path = path("rule-of-law/", include(rule_of_law.urlpatterns))
    statistics_path = path("statistics/", include(statistics.urlpatterns))
    supervision_path = path("supervision/", include(supervision.urlpatterns))

    def has_view_permission(self, user, obj=None):
        # Only the leaders, the judicial office, the brigade chief and the admin find it in the menu (CONTRACT §9);
        # anonymous users are sent to the login page by the site.
        return not user.is_authenticated or roles.may("report.view", user) or roles.may("supervision.view", user)
