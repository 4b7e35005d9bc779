"""How urgent a deadline is, alike on the home page's rows and in every deadlines card: red once past due,
amber when due within SOON_WORKING_DAYS working days (the holiday calendar's working days, make-up workdays
included). Local practice (issue 5), not a statute."""

import datetime

from django.utils import timezone

from notifications.calendar import add_working_days

# Amber: due within this many working days; red once past due.
SOON_WORKING_DAYS = 3


def soon_limit(today: datetime.date) -> datetime.date:
    """The last day that still counts as "due soon": the third working day after today."""
    return add_working_days(today, SOON_WORKING_DAYS).date


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
