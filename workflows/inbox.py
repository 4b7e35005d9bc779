"""The inbox: what a user must act on now, across processes, soonest deadline first (DESIGN §6)."""

import datetime

from django.utils import timezone


def inbox(user) -> list[dict]:
    from cases.selectors import case_inbox_items
    from notifications.selectors import adjustment_inbox_items
    from review.selectors import decision_inbox_items

    items = decision_inbox_items(user) + case_inbox_items(user) + adjustment_inbox_items(user)
    never = datetime.datetime.max.replace(tzinfo=timezone.get_current_timezone())
    items.sort(key=lambda item: (item["due_at"] or never, item["kind"], item["id"]))
    return items
