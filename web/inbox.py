"""The inbox query: what a user must act on now, across processes, soonest deadline first (DESIGN §6). Each
app's selectors give the rows of its own processes; the home page (web.home) and `GET /api/v1/inbox/` (web.api)
show them."""

import datetime

from django.utils import timezone

from cases.selectors import case_inbox_items
from mediation.selectors import mediation_inbox_items
from notifications.selectors import adjustment_inbox_items
from petitions.selectors import petition_inbox_items
from review.selectors import decision_inbox_items


def inbox(user) -> list[dict]:
    """[{kind, id, number, title, state, state_label, action, due_at, deadline_kind, overdue, url}] sorted by
    due time (none last), then kind and id."""
    items = (decision_inbox_items(user) + case_inbox_items(user) + petition_inbox_items(user)
             + mediation_inbox_items(user) + adjustment_inbox_items(user))
    never = datetime.datetime.max.replace(tzinfo=timezone.get_current_timezone())
    items.sort(key=lambda item: (item["due_at"] or never, item["kind"], item["id"]))
    return items
