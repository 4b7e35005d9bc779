"""Deadlines on objects, computed from the rule table (DESIGN §4) and the working-day calendar."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows import roles
from workflows.audit import object_type_of
from workflows.errors import Message

from . import calendar
from .models import Deadline, DeadlineRule, Notification
from .services import notify_role


def compute_due(rule: DeadlineRule, anchor: date) -> calendar.CalendarResult:
    if rule.unit == DeadlineRule.Unit.WORKING_DAYS:
        return calendar.add_working_days(anchor, rule.length)
    if rule.unit == DeadlineRule.Unit.CALENDAR_DAYS:
        # 民法典 Art 201: a period counted in days excludes the start day.
        return calendar.add_calendar_days(anchor, rule.length)
    due = anchor + timedelta(hours=rule.length)
    return calendar.CalendarResult(date=due, provisional=False)


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


PROVISIONAL_ALERT = _(
    "Deadlines in {year} are computed on a provisional calendar: load the State Council holiday notice for "
    "{year} (calendar overrides) and mark the year official."
)


def alert_admins_of_provisional_year(year: int) -> None:
    """DESIGN §4: a year without data is provisional, and the admin is told — once, not per deadline."""
    title = str(Message(PROVISIONAL_ALERT, year=year))[:200]
    if not Notification.objects.filter(title=title, read_at__isnull=True).exists():
        notify_role(roles.ADMIN, title)


def open_deadline(obj, kind: str, anchor: date) -> Deadline:
    """Open the `kind` deadline on `obj`, anchored on a business date; an open one of that kind is replaced."""
    rule = DeadlineRule.objects.get(kind=kind)
    close_deadlines(obj, kind, status=Deadline.Status.CANCELLED)
    due = compute_due(rule, anchor)
    if due.provisional:
        alert_admins_of_provisional_year(due.date.year)
    return Deadline.objects.create(
        object_type=object_type_of(obj), object_id=obj.pk, rule=rule, kind=kind, anchor_date=anchor,
        due_date=due.date, due_at=end_of_day(due.date), basis=rule.basis, provisional=due.provisional,
        calendar_version=calendar.calendar_version(),
    )


def close_deadlines(obj, *kinds: str, status: str = Deadline.Status.CLOSED) -> int:
    return Deadline.objects.filter(
        object_type=object_type_of(obj), object_id=obj.pk, kind__in=kinds, status=Deadline.Status.OPEN
    ).update(status=status, closed_at=timezone.now())


def deadlines_of(obj):
    return Deadline.objects.filter(object_type=object_type_of(obj), object_id=obj.pk).order_by("opened_at", "id")
