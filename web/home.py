"""The home page of every user (我的待办, /inbox/): what they must act on now, soonest deadline first (overdue
red, due within three working days amber), counts by state, and for the principal and the brigade chief the
leaders' overview (web.overview)."""

from collections import Counter

from django.views import View

from workflows import roles

from . import overview, urgency
from .base import PageMixin
from .inbox import inbox
from .transitions import KIND_LABELS


class HomeView(PageMixin, View):
    def get(self, request):
        items = urgency.mark_urgency(inbox(request.user))
        for item in items:
            item["kind_label"] = KIND_LABELS.get(item["kind"], item["kind"])
        return self.render("web/home.html", {
            "items": items, "roles": [roles.ROLE_LABELS[r] for r in sorted(roles.user_roles(request.user))
                                      if r in roles.ROLE_LABELS],
            "urgent": Counter(item["urgency"] for item in items),
            "soon_days": urgency.SOON_WORKING_DAYS,
            "state_counts": overview.state_counts(request.user),
            "overview": overview.overview() if roles.may("overview.view", request.user) else None,
            # 简易程序 (处罚法 Art 51): an officer on patrol starts an on-the-spot decision from here
            "can_decide_on_the_spot": roles.may("case.on_the_spot", request.user),
        })
