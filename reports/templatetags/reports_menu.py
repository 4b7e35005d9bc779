"""The menu of 报告与监督 (reports.pages.ReportsApplication): one link per page the user's roles open."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows import roles

register = template.Library()

#: (url name, title, Material icon, the action of workflows.roles that opens the page), in menu order.
MENU = (
    ("reports:supervision", _("Enforcement supervision"), "policy", "supervision.view"),
    ("reports:rule_of_law_index", _("Annual report on building a rule-of-law government"), "description",
     "report.view"),
    ("reports:statistics_index", _("Annual enforcement statistics"), "table_chart", "report.view"),
)


def links_for(user) -> list[dict]:
    """The reports pages `user` may open: [{"url", "title", "icon"}], in menu order."""
    return [{"url": reverse(name), "title": title, "icon": icon}
            for name, title, icon, action in MENU if roles.may(action, user)]


@register.simple_tag
def reports_menu_links(user):
    return links_for(user)
