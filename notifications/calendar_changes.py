"""Deadlines follow the calendar when it changes (DESIGN §4, "Working days"; issue 10).

A deadline in working days is computed with the calendar of the moment and remembers it
(``Deadline.calendar_version``); a deadline that runs into a year the State Council has not announced yet is
*provisional*. The calendar changes when an administrator adds, changes or removes an override
(:class:`~notifications.models.CalendarDay`), marks a year official or takes that back
(:class:`~notifications.models.CalendarYear`), or when ``chinesecalendar`` / ``holidays`` are upgraded. Then:

- every open or suspended working-day deadline that is provisional, or whose period (anchor date to due date)
  contains a changed day, is computed again from its anchor with its rule, keeping what suspensions and
  extensions granted (:func:`notifications.deadlines.recompute_due`);
- its reminders are planned again (before / due / escalation stages sit on working days, so a calendar-day
  deadline such as 行政处罚法 Art 67's 15 days keeps its date but may get its reminders moved);
- a moved due date, or a provisional flag that is settled, is written to the audit trail of the object the
  deadline runs on (old → new and why), and the people concerned (the rule's responsible users and its
  escalation role) get an in-app message when the due date moves;
- every open deadline is stamped with the new calendar version, so :func:`recompute_stale_deadlines` (beat,
  ``manage.py recompute_deadlines``) finds exactly those computed on a calendar that has since changed by
  another way (a library upgrade, rows changed outside the admin and the API).

Calendar-day periods are not moved by a working-day change (民法典 Art 201; moving a last day that falls on a
rest day, 民法典 Art 203, is a separate rule). Everything here writes the database only — in-app messages are
rows; outside channels are sent later by the reminder sweep — so it runs inside the caller's transaction and
the override and the deadlines it moves commit together.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from workflows import audit
from workflows.errors import Message

from . import calendar
from .adjustments import deadline_link
from .deadlines import alert_admins_of_provisional_year, end_of_day, recompute_due
from .models import Deadline, DeadlineRule, Reminder
from .reminder_texts import describe, object_of
from .reminders import plan_reminders, responsible_users, users_in_role
from .services import notify_users

__all__ = ["CalendarChange", "Recomputed", "recompute_after_calendar_change", "recompute_stale_deadlines"]

RUNNING = (Deadline.Status.OPEN, Deadline.Status.SUSPENDED)

MOVED_TITLE = _("Due date moved: {item} of {object}, now {new} (was {old})")
MOVED_BODY = _("The working-day calendar changed ({reason}), so the period was counted again with its rule. "
               "{provisional}")
STILL_PROVISIONAL = _("The new date is still provisional: the State Council notice for that year is not loaded.")
SETTLED = _("The date is no longer provisional.")

REASON_DAY_SAVED = _("calendar override {date}: {kind}")
REASON_DAY_REMOVED = _("calendar override {date} removed")
REASON_YEAR_SAVED = _("{year} marked official")
REASON_YEAR_REMOVED = _("{year} no longer marked official")
REASON_STALE = _("calendar data changed: {old} → {new}")


@dataclass(frozen=True)
class CalendarChange:
    """What changed: single days (overrides) and whole years (official years), and why, in words."""

    days: tuple[datetime.date, ...] = ()
    years: tuple[int, ...] = ()
    reason: str = ""

    def ranges(self) -> list[tuple[datetime.date, datetime.date]]:
        return ([(d, d) for d in self.days]
                + [(datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in self.years])


@dataclass(frozen=True)
class Recomputed:
    """One deadline looked at again: its due date and provisional flag before and after."""

    deadline_id: int
    old_due: datetime.date
    new_due: datetime.date
    was_provisional: bool
    provisional: bool

    @property
    def moved(self) -> bool:
        return self.old_due != self.new_due


def _site_language(message: Message) -> str:
    # Stored text (audit comments, messages) is in the site's language, whoever's request made the change.
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def day_saved_reason(day) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(day.get_kind_display())
    return _site_language(Message(REASON_DAY_SAVED, date=day.date.isoformat(), kind=kind))


def day_removed_reason(date: datetime.date) -> str:
    return _site_language(Message(REASON_DAY_REMOVED, date=date.isoformat()))


def year_saved_reason(year: int) -> str:
    return _site_language(Message(REASON_YEAR_SAVED, year=year))


def year_removed_reason(year: int) -> str:
    return _site_language(Message(REASON_YEAR_REMOVED, year=year))


def _overlapping(ranges, low_field: str, high_field: str) -> Q:
    q = Q(pk__in=[])
    for start, end in ranges:
        q |= Q(**{f"{low_field}__lte": end, f"{high_field}__gte": start})
    return q


def _reminders_touched(ranges) -> set[int]:
    """Open deadlines with a planned reminder on each side of a changed day: their stages may move."""
    if not ranges:
        return set()
    rows = (Reminder.objects.filter(status=Reminder.Status.PLANNED, deadline__status=Deadline.Status.OPEN)
            .values("deadline").annotate(first=Min("send_at"), last=Max("send_at")))
    touched = set()
    for row in rows:
        first, last = timezone.localdate(row["first"]), timezone.localdate(row["last"])
        if any(first <= end and last >= start for start, end in ranges):
            touched.add(row["deadline"])
    return touched


def recompute_after_calendar_change(change: CalendarChange, *, user=None) -> list[Recomputed]:
    """Bring the running deadlines in line with the calendar after ``change`` has been saved.

    Takes the change (days and years, and the reason in words) and the user who made it (None for the system).
    Recomputes open and suspended working-day deadlines, and those whose last day rolls past a rest day (民法典
    Art 203), that are provisional or whose period contains a changed day, replans the reminders of those and of any open deadline whose reminders straddle a changed day, audits
    and announces every move, and stamps every running deadline with the current calendar version. Returns one
    :class:`Recomputed` per deadline recomputed. Refuses nothing; it must be called after the change is written
    (in the same transaction is best).
    """
    ranges = change.ranges()
    working = Deadline.objects.filter(Q(rule__unit=DeadlineRule.Unit.WORKING_DAYS) | Q(rule__rolls_over_rest_day=True),
                                      status__in=RUNNING)
    due_ids = set(working.filter(Q(provisional=True) | _overlapping(ranges, "anchor_date", "due_date"))
                  .values_list("pk", flat=True))
    replan_ids = _reminders_touched(ranges) - due_ids
    return _recompute(due_ids, replan_ids, reason=change.reason, user=user, stamp_all=True)


def recompute_stale_deadlines(*, user=None) -> list[Recomputed]:
    """Recompute every running deadline computed on a calendar version other than today's.

    That happens when ``chinesecalendar`` or ``holidays`` is upgraded (a year becomes official, the library
    corrects a day) or when overrides change without going through the admin or the API. Beat runs it
    (``notifications.tasks.recompute_stale_deadlines``), as does ``manage.py recompute_deadlines``. Cheap when
    nothing is stale: two aggregate queries and one indexed filter. Returns the deadlines recomputed.
    """
    version = calendar.calendar_version()
    stale = Deadline.objects.filter(status__in=RUNNING).exclude(calendar_version=version)
    if not stale.exists():
        return []
    olds = sorted(set(stale.values_list("calendar_version", flat=True)))
    reason = _site_language(Message(REASON_STALE, old=", ".join(o or "?" for o in olds)[:300], new=version))
    working = stale.filter(Q(rule__unit=DeadlineRule.Unit.WORKING_DAYS) | Q(rule__rolls_over_rest_day=True))
    due_ids = set(working.values_list("pk", flat=True))
    replan_ids = set(stale.values_list("pk", flat=True)) - due_ids
    return _recompute(due_ids, replan_ids, reason=reason, user=user, stamp_all=False)


def _recompute(due_ids, replan_ids, *, reason, user, stamp_all) -> list[Recomputed]:
    """Recompute `due_ids`, replan `replan_ids`, then stamp the current calendar version on every running
    deadline (`stamp_all`) or on those two sets only."""
    results = []
    with transaction.atomic():
        version = calendar.calendar_version()
        for deadline in (Deadline.objects.select_for_update().select_related("rule")
                         .filter(pk__in=due_ids, status__in=RUNNING).order_by("pk")):
            results.append(_recompute_one(deadline, version, reason, user))
        for deadline in (Deadline.objects.select_for_update().select_related("rule")
                         .filter(pk__in=replan_ids, status=Deadline.Status.OPEN).order_by("pk")):
            plan_reminders(deadline)
        # The others' periods contain no changed day: their dates are what the new calendar gives.
        stamp = Deadline.objects.filter(status__in=RUNNING)
        if not stamp_all:
            stamp = stamp.filter(pk__in=set(due_ids) | set(replan_ids))
        stamp.exclude(calendar_version=version).update(calendar_version=version)
    return results


def _recompute_one(deadline: Deadline, version: str, reason: str, user) -> Recomputed:
    old_due, was_provisional = deadline.due_date, deadline.provisional
    result = recompute_due(deadline)
    deadline.due_date, deadline.due_at = result.date, end_of_day(result.date)
    deadline.provisional, deadline.calendar_version = result.provisional, version
    deadline.save(update_fields=["due_date", "due_at", "provisional", "calendar_version"])
    plan_reminders(deadline)  # cancels the stages of the old date; plans none while suspended
    outcome = Recomputed(deadline.pk, old_due, result.date, was_provisional, result.provisional)
    if result.provisional and (outcome.moved or not was_provisional):
        alert_admins_of_provisional_year(result.date.year)
    if outcome.moved or was_provisional != result.provisional:
        obj = object_of(deadline)
        _audit(deadline, obj, outcome, reason, user)
        if outcome.moved:
            _tell(deadline, obj, outcome, reason)
    return outcome


def _audit(deadline, obj, outcome: Recomputed, reason: str, user) -> None:
    target = obj if obj is not None else deadline
    state = getattr(obj, "state", "") if obj is not None else ""
    audit.record(target, transition="recompute_deadline", source=state, target=state, user=user, comment=reason,
                 fields={"deadline": deadline.pk, "kind": deadline.kind, "due_date": outcome.old_due,
                         "new_due_date": outcome.new_due, "provisional": outcome.was_provisional,
                         "new_provisional": outcome.provisional, "reason": reason,
                         "calendar_version": deadline.calendar_version})


def concerned_users(deadline: Deadline, obj) -> list:
    """Who is told of a moved due date: the rule's responsible users and its escalation role."""
    users = responsible_users(deadline, obj)
    if deadline.rule.escalate_to:
        users += users_in_role(deadline.rule.escalate_to)
    return list({u.pk: u for u in users}.values())


def _tell(deadline: Deadline, obj, outcome: Recomputed, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _tell_in_site_language(deadline, obj, outcome, reason)


def _tell_in_site_language(deadline: Deadline, obj, outcome: Recomputed, reason: str) -> None:
    title = Message(MOVED_TITLE, item=deadline.rule.name or deadline.kind, object=str(describe(deadline, obj)),
                    old=formats.date_format(outcome.old_due, "DATE_FORMAT"),
                    new=formats.date_format(outcome.new_due, "DATE_FORMAT"))
    body = Message(MOVED_BODY, reason=reason,
                   provisional=STILL_PROVISIONAL if outcome.provisional else
                   (SETTLED if outcome.was_provisional else ""))
    notify_users(concerned_users(deadline, obj), str(title), str(body).strip(), link=deadline_link(deadline))
