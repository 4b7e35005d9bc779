"""Deadlines on objects, computed from the rule table (DESIGN §4) and the working-day calendar."""

from calendar import monthrange
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta

from django.db.models import Case, CharField, DateField, Value, When
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows import roles
from workflows.audit import object_type_of
from workflows.errors import Message

from . import calendar
from .models import Deadline, DeadlineAdjustment, DeadlineRule, Notification
from .reminders import cancel_reminders, new_reminders, plan_reminders, save_new_reminders
from .services import notify_role


def compute_due(rule: DeadlineRule, anchor: date) -> calendar.CalendarResult:
    """The last day of the rule's period from `anchor`, the start day excluded (民法典 Art 201).

    When the rule says so (`rolls_over_rest_day`, data in deadline_rules.json), a last day that falls on a rest
    day moves to the next working day (民法典 Art 203; 民事诉讼法 Art 85 by analogy): a party's payment term of
    15 days (行政处罚法 Art 67) from 2026-09-16 ends on 2026-10-09, after National Day, not on 10-01.
    """
    return roll_over(rule, raw_due(rule, anchor))


def raw_due(rule: DeadlineRule, anchor: date) -> calendar.CalendarResult:
    """The last day of the period counted by the rule's unit, before any roll-over past a rest day."""
    if rule.unit == DeadlineRule.Unit.WORKING_DAYS:
        # 行政处罚法 Art 85: its 2, 3, 5 and 7-day periods are working days (statute).
        return calendar.add_working_days(anchor, rule.length)
    if rule.unit == DeadlineRule.Unit.CALENDAR_DAYS:
        # 民法典 Art 201: a period counted in days excludes the start day.
        return calendar.add_calendar_days(anchor, rule.length)
    if rule.unit == DeadlineRule.Unit.MONTHS:
        return calendar.CalendarResult(add_months(anchor, rule.length), False)
    if rule.unit == DeadlineRule.Unit.FIXED_DATE:
        return calendar.CalendarResult(next_yearly_date(anchor, rule.fixed_date), False)
    if rule.unit == DeadlineRule.Unit.GIVEN_DATE:  # the order names its own day (e.g. 责令限期改正): due on it
        return calendar.CalendarResult(anchor, False)
    due = anchor + timedelta(hours=rule.length)
    return calendar.CalendarResult(date=due, provisional=False)


def roll_over(rule: DeadlineRule, due: calendar.CalendarResult) -> calendar.CalendarResult:
    """民法典 Art 203: moves a last day on a rest day to the next working day, for the rules that say so."""
    if not rule.rolls_over_rest_day:
        return due
    rolled = calendar.roll_to_working_day(due.date)
    return calendar.CalendarResult(rolled.date, due.provisional or rolled.provisional)


def add_months(anchor: date, months: int) -> date:
    """民法典 Art 202: the day of the last month that corresponds to the start day, or that month's last day
    when it has no such day (2026-01-31 + 1 month = 2026-02-28; 2028-01-31 + 1 month = 2028-02-29)."""
    index = anchor.month - 1 + months
    year, month = anchor.year + index // 12, index % 12 + 1
    return date(year, month, min(anchor.day, monthrange(year, month)[1]))


def next_yearly_date(anchor: date, month_day: str) -> date:
    """The first date `MM-DD` after `anchor` (a yearly date such as 03-01); 02-29 is 02-28 in a common year."""
    try:
        month, day = (int(part) for part in (month_day or "").split("-"))
        date(2028, month, day)
    except (TypeError, ValueError) as error:
        raise ValueError(f"a yearly date is MM-DD, not {month_day!r}") from error
    for year in (anchor.year, anchor.year + 1):
        candidate = date(year, month, min(day, monthrange(year, month)[1]))
        if candidate > anchor:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


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


# The rule table as read by one bookkeeping scope (see bookkeeping()): kind → DeadlineRule, read in one query.
_rules: ContextVar[dict | None] = ContextVar("notifications_scope_rules", default=None)


@contextmanager
def bookkeeping() -> Iterator[None]:
    """One transaction's deadline bookkeeping: inside it the calendar is read once (calendar.shared_calendar) and
    the rule table once, however many deadlines are opened and dates computed. workflows.services.fire_transition
    enters it around every transition (registered in notifications.apps); nested scopes share the outer one. A
    rule or calendar entry saved meanwhile (the admin) empties it, so the next computation reads it again."""
    if _rules.get() is not None:
        with calendar.shared_calendar():
            yield
        return
    token = _rules.set({})
    try:
        with calendar.shared_calendar():
            yield
    finally:
        _rules.reset(token)


def rule_of(kind: str) -> DeadlineRule:
    """The DeadlineRule of `kind` (DeadlineRule.DoesNotExist for an unknown kind); inside bookkeeping() the whole
    table is read once."""
    cache = _rules.get()
    if cache is None:
        return DeadlineRule.objects.get(kind=kind)
    if not cache:
        cache.update((rule.kind, rule) for rule in DeadlineRule.objects.all())
    try:
        return cache[kind]
    except KeyError:
        raise DeadlineRule.DoesNotExist(f"no deadline rule {kind!r}") from None


def _rules_changed(**kwargs) -> None:
    cache = _rules.get()
    if cache is not None:
        cache.clear()


post_save.connect(_rules_changed, sender=DeadlineRule, dispatch_uid="deadline-rules-changed-save")
post_delete.connect(_rules_changed, sender=DeadlineRule, dispatch_uid="deadline-rules-changed-delete")


def open_deadline(obj, kind: str, anchor: date, *, replace: bool = True) -> Deadline:
    """Open the `kind` deadline on `obj`, anchored on a business date; an open one of that kind is replaced,
    unless `replace` is false: several deadlines of one kind then run side by side (the due dates of an approved
    instalment plan, rule `case.instalment`, whose length is 0: the anchor is the due date the plan gives).
    Returns the Deadline; DeadlineRule.DoesNotExist for an unknown kind."""
    return open_deadlines(obj, [(kind, anchor)], replace=replace)[0]


def open_deadlines(obj, openings, *, replace: bool = True, closing=(), closed_on=None) -> list[Deadline]:
    """Open several deadlines on `obj` at once, `openings` being (kind, anchor) pairs, each as open_deadline
    would: the rules and the calendar are read once, the open ones of those kinds replaced in one UPDATE, the
    deadlines inserted in one statement and all their reminders in one more. Returns the Deadlines in the order
    given. A kind given twice with `replace` is opened one after the other (the second replaces the first).
    `closing`: kinds the same act meets (close_deadlines(obj, *closing, closed_on=closed_on)), closed first, in the
    same UPDATE as the replaced ones are cancelled."""
    openings = list(openings)
    kinds = [kind for kind, _anchor in openings]
    closing = tuple(closing)
    if closing and (not replace or set(closing) & set(kinds)):
        close_deadlines(obj, *closing, closed_on=closed_on)
        closing = ()
    if replace and len(set(kinds)) < len(kinds):
        if closing:
            close_deadlines(obj, *closing, closed_on=closed_on)
        return [open_deadline(obj, kind, anchor) for kind, anchor in openings]
    with bookkeeping():
        rules = [rule_of(kind) for kind in kinds]
        if replace:  # what the act meets is closed, the open ones of the kinds opened are replaced: one UPDATE
            _close(obj, [*([(closing, Deadline.Status.CLOSED, closed_on)] if closing else []),
                         (kinds, Deadline.Status.CANCELLED, None)])
        version = calendar.calendar_version()
        object_type = object_type_of(obj)
        deadlines = []
        for rule, (kind, anchor) in zip(rules, openings, strict=True):
            due = compute_due(rule, anchor)
            if due.provisional:
                alert_admins_of_provisional_year(due.date.year)
            deadlines.append(Deadline(
                object_type=object_type, object_id=obj.pk, rule=rule, kind=kind, anchor_date=anchor,
                due_date=due.date, due_at=end_of_day(due.date), basis=rule.basis, provisional=due.provisional,
                calendar_version=version,
            ))
        if len(deadlines) == 1:
            deadlines[0].save()
        else:
            Deadline.objects.bulk_create(deadlines)
        now = timezone.now()
        save_new_reminders([reminder for deadline in deadlines for reminder in new_reminders(deadline, now)])
    return deadlines


def reanchor(deadline: Deadline, anchor: date) -> Deadline:
    """Recompute a deadline from a corrected business date (DESIGN §4) with its rule, and replan its reminders.

    Days already spent in suspension or granted by an extension stay granted.
    """
    deadline.anchor_date = anchor
    with bookkeeping():
        return _reanchor(deadline)


def _reanchor(deadline: Deadline) -> Deadline:
    due = recompute_due(deadline)
    due_date = due.date
    if due.provisional:
        alert_admins_of_provisional_year(due_date.year)
    deadline.due_date, deadline.due_at = due_date, end_of_day(due_date)
    deadline.provisional, deadline.calendar_version = due.provisional, calendar.calendar_version()
    deadline.save(update_fields=["anchor_date", "due_date", "due_at", "provisional", "calendar_version"])
    plan_reminders(deadline)
    return deadline


def recompute_due(deadline: Deadline) -> calendar.CalendarResult:
    """The due date the deadline's rule gives from its anchor date on today's calendar, with the days that
    suspensions already resumed and extensions granted added after it (they stay granted).

    Used when the business date is corrected (reanchor), when the calendar changes (calendar_changes) and when
    a rule's computation changes (migration 0007). ``provisional`` is true when any day counted, the added days
    included, is provisional. The roll-over past a rest day (民法典 Art 203) applies once, to the last day.
    """
    due = raw_due(deadline.rule, deadline.anchor_date)
    granted = deadline.extended_days + suspended_units(deadline)
    if granted:
        extended = add_units(deadline.rule, due.date, granted)
        due = calendar.CalendarResult(extended.date, due.provisional or extended.provisional)
    return roll_over(deadline.rule, due)


def suspended_units(deadline: Deadline) -> int:
    """How long the period stood still in suspensions already resumed (adjustments.py records it on each
    approved resumption), in the rule's unit."""
    return sum(deadline.adjustments.filter(action=DeadlineAdjustment.Action.RESUME,
                                           status=DeadlineAdjustment.Status.APPROVED)
               .exclude(days=None).values_list("days", flat=True))


def add_units(rule: DeadlineRule, day: date, length: int) -> calendar.CalendarResult:
    """`length` more units of the rule after `day`: working days for a working-day rule, else calendar days."""
    if rule.unit == DeadlineRule.Unit.WORKING_DAYS:
        return calendar.add_working_days(day, length)
    return calendar.add_calendar_days(day, length)


def extend_date(rule: DeadlineRule, day: date, length: int) -> calendar.CalendarResult:
    """`length` more units of the rule after `day` (an extension, or the days left after a suspension), the
    last day rolled past a rest day when the rule says so (民法典 Art 203)."""
    return roll_over(rule, add_units(rule, day, length))


def close_deadlines(obj, *kinds: str, status: str = Deadline.Status.CLOSED, closed_on=None) -> int:
    """Close (or cancel) the open or suspended deadlines of these kinds; their reminders are never sent.

    `closed_on`: the business date of the act that meets them (the filing's filed_on, the service's served_on ...);
    a deadline is met in time when that day is on or before its due date, whatever the hour the act is entered.
    Without one (an act with no date of its own), today. Returns how many were closed."""
    return _close(obj, [(kinds, status, closed_on)])


def _close(obj, groups) -> int:
    """Close the open or suspended deadlines of `obj` in `groups` — (kinds, status, closed_on) each, the kinds of
    different groups distinct — in one UPDATE, and cancel their reminders (two more, when any was closed)."""
    now, today = timezone.now(), timezone.localdate()
    kinds = [kind for group_kinds, _status, _on in groups for kind in group_kinds]
    if len(groups) == 1:
        status, closed_on = groups[0][1], groups[0][2] or today
    else:  # each kind its group's status and day
        status = Case(*[When(kind__in=group_kinds, then=Value(group_status))
                        for group_kinds, group_status, _on in groups], output_field=CharField())
        closed_on = Case(*[When(kind__in=group_kinds, then=Value(group_on or today))
                           for group_kinds, _status, group_on in groups], output_field=DateField())
    of_obj = Deadline.objects.filter(object_type=object_type_of(obj), object_id=obj.pk, kind__in=kinds)
    closed = of_obj.filter(status__in=[Deadline.Status.OPEN, Deadline.Status.SUSPENDED]).update(
        status=status, closed_at=now, closed_on=closed_on)
    if closed:
        # The rows just closed are those of these kinds closed at this very instant (one UPDATE, no SELECT first).
        statuses = {group_status for _kinds, group_status, _on in groups}
        cancel_reminders(of_obj.filter(status__in=statuses, closed_at=now).values("pk"))
    return closed


def deadlines_of(obj):
    return Deadline.objects.filter(object_type=object_type_of(obj), object_id=obj.pk).order_by("opened_at", "id")


# How near a due date counts as "due soon": within SOON_WORKING_DAYS working days (the holiday calendar's working
# days, make-up workdays included). Local practice (issue 5), not a statute. The one definition: the amber rows of
# the inbox and deadline cards (web.urgency) and the supervision's yellow cards (reports.supervision) both use it.
SOON_WORKING_DAYS = 3


def soon_limit(today: date) -> date:
    """The last day that still counts as "due soon": the third working day after `today`."""
    return calendar.add_working_days(today, SOON_WORKING_DAYS).date
