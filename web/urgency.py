"""How urgent a deadline is, alike on the home page's rows and in every deadlines card: red once past due,
amber when due within SOON_WORKING_DAYS working days (the holiday calendar's working days, make-up workdays
included). Local practice (issue 5), not a statute."""

import datetime

from django.utils import timezone

# Amber: due within SOON_WORKING_DAYS working days (soon_limit); red once past due. Defined once, with the deadlines
# (the supervision's yellow cards use the same).
from notifications.deadlines import SOON_WORKING_DAYS, soon_limit  # noqa: F401 - web's callers read them here


def urgency(due_at, now, limit: datetime.date) -> str:
    """'overdue' (past due), 'soon' (due by `limit`) or '' for a deadline's due time."""
    if due_at is None:
        return ""
    if due_at < now:
        return "overdue"
    if timezone.localtime(due_at).date() <= limit:
        return "soon"
    return ""


def mark_urgency(items: list[dict], now=None) -> list[dict]:
    now = now or timezone.now()
    limit = soon_limit(timezone.localdate(now))
    for item in items:
        item["urgency"] = urgency(item.get("due_at"), now, limit)
    return items
