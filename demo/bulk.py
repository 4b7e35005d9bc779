"""Helpers for the demo's registers loaded in bulk (demo.petitions, demo.mediation): rows of past years in their
final states, written with bulk_create rather than through every step of the flow, so that the annual reports of
the demo town count the town's figures without seeding taking minutes. Their numbers are taken from the yearly
series (workflows.numbering) like any other, so that later registrations continue the series without a gap or a
collision."""

import datetime

from django.conf import settings
from django.db import transaction

from notifications import calendar
from workflows.models import NumberSequence
from workflows.numbering import pattern_for


def reserve_numbers(scope: str, year: int, fmt: str, count: int) -> list[str]:
    """The next `count` numbers of the yearly series `scope` of `year` (the admin's pattern if set, else `fmt`),
    taken at once: the sequence row is locked and advanced by `count`, as workflows.numbering.next_number would
    after `count` calls. Runs inside the caller's transaction (a rollback gives the numbers back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reserve_numbers must run inside the transaction that uses the numbers")
    fmt = pattern_for(scope, fmt)
    NumberSequence.objects.get_or_create(scope=scope, year=year)
    sequence = NumberSequence.objects.select_for_update().get(scope=scope, year=year)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return [fmt.format(town=settings.TOWN_SHORT_NAME, town_name=settings.TOWN_NAME, year=year, seq=seq)
            for seq in range(first, first + count)]


def workday_from(day: datetime.date, last: datetime.date) -> datetime.date:
    """The first working day on or after `day`, but not after `last` (then the last working day before it)."""
    probe = day
    while probe <= last and not calendar.is_workday(probe):
        probe += datetime.timedelta(days=1)
    if probe <= last:
        return probe
    probe = last
    while not calendar.is_workday(probe):
        probe -= datetime.timedelta(days=1)
    return probe


def spread_days(start: datetime.date, end: datetime.date, count: int) -> list[datetime.date]:
    """`count` working days spread evenly from `start` to `end` (both included), in order."""
    span = (end - start).days + 1
    return [workday_from(start + datetime.timedelta(days=i * span // count), end) for i in range(count)]


def pro_rata(target: int, start: datetime.date, end: datetime.date) -> int:
    """Of a yearly `target`, the share of the days from `start` to `end` (0 when `end` is before `start`)."""
    if end < start:
        return 0
    return target * ((end - start).days + 1) // 365
