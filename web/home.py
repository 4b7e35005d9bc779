"""The home page of every user (我的待办, /inbox/): what they must act on now, soonest deadline first (overdue
red, due within three working days amber; web.inbox.PAGE_SIZE rows a page, the totals over all), counts by state, and for the principal and the brigade chief the
leaders' overview (web.overview)."""

from django.views import View

from workflows import roles

from . import overview, urgency
from .base import PageMixin
from .inbox import inbox_page
from .transitions import KIND_LABELS


class HomeView(PageMixin, View):
    def get(self, request):
        # A page of the inbox (web.inbox.PAGE_SIZE rows), ?page= as every list of the site: not a number → the
        # first page, past the last → the last.
        try:
            number = max(1, int(request.GET.get("page", 1)))
        except ValueError:
            number = 1
        page = inbox_page(request.user, number, urgency=True)
        items = urgency.mark_urgency(page.items)
        for item in items:
            item["kind_label"] = KIND_LABELS.get(item["kind"], item["kind"])
        return self.render("web/home.html", {
            "items": items, "page_obj": page, "roles": [roles.ROLE_LABELS[r] for r in sorted(roles.user_roles(request.user))
                                                        if r in roles.ROLE_LABELS],
            # counts over every row, not the page's only
            "total": page.count, "urgent": {"overdue": page.overdue, "soon": page.soon},
            "soon_days": urgency.SOON_WORKING_DAYS,
            "state_counts": overview.state_counts(request.user),
            "overview": overview.overview() if roles.may("overview.view", request.user) else None,
            # 简易程序 (处罚法 Art 51): an officer on patrol starts an on-the-spot decision from here
            "can_decide_on_the_spot": roles.may("case.on_the_spot", request.user),
        })
