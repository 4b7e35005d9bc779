"""The working-day calendar service (DESIGN §4, "Working days").

Working days follow the State Council's annual holiday notice (国务院办公厅关于某年部分节假日安排的通知):
weekends are rest days, statutory holidays are rest days (全国年节及纪念日放假办法), and the make-up
workdays (调休上班日) named by the notice are working days.

Where a day's status comes from, in order of precedence:

1. ``override``: a :class:`~notifications.models.CalendarDay` row entered by an administrator, e.g. next
   year's notice before the ``chinesecalendar`` package carries it;
2. ``official``: the ``chinesecalendar`` package, when it knows the year (1.11.0 knows 2004–2026 and raises
   ``NotImplementedError`` for other years);
3. ``fallback``: Monday to Friday less the statutory holidays that ``python-holidays`` computes from the
   rules (it knows them ahead of the notice, but not the make-up weekend workdays).

A year is *official* when ``chinesecalendar`` knows it or a :class:`~notifications.models.CalendarYear` row
says the administrator has loaded that year's notice as overrides. Days of a year that is not official are
*provisional*: a deadline computed across them is flagged so that it can be recomputed and the
administrator alerted once the notice is loaded.

Periods counted in working days exclude the start day: the first working day counted is the first one after
the start, whatever the start day is. Periods in calendar days also exclude the start day (民法典 Art 201).
For instance 行政处罚法 Art 85 uses working days for its 2, 3, 5 and 7-day periods and calendar days for
its 15 and 90-day periods.

All functions take ``datetime.date`` values that are already local (Asia/Shanghai) calendar dates.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import metadata

import chinese_calendar
import holidays
from django.db.models import CharField, DateField, IntegerField, Value
from django.db.models.signals import post_delete, post_save

from notifications.models import CalendarDay, CalendarYear

__all__ = [
    "MAX_DAYS",
    "CalendarResult",
    "DayInfo",
    "add_calendar_days",
    "add_working_days",
    "calendar_version",
    "day_info",
    "is_official_year",
    "roll_to_working_day",
    "is_workday",
    "package_knows_year",
    "shared_calendar",
    "working_days_between",
]

#: The largest period, in days, that the arithmetic accepts (about ten years); anything larger is a bug.
MAX_DAYS = 3660

SOURCE_OVERRIDE = "override"
SOURCE_OFFICIAL = "official"
SOURCE_FALLBACK = "fallback"

_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class DayInfo:
    """The status of one day.

    ``source`` is ``"override"`` (an admin :class:`CalendarDay` row), ``"official"`` (``chinesecalendar``
    knows the year) or ``"fallback"`` (Monday–Friday less the statutory holidays of ``python-holidays``).
    ``provisional`` is true when the day's year is not official (see :func:`is_official_year`).
    """

    date: datetime.date
    is_workday: bool
    provisional: bool
    source: str


@dataclass(frozen=True)
class CalendarResult:
    """The result of date arithmetic: the date reached, and whether any day used was provisional."""

    date: datetime.date
    provisional: bool


# --------------------------------------------------------------------------------------------------
# Library data (process-wide caches; the libraries' data never changes while the process runs)
# --------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def package_knows_year(year: int) -> bool:
    """Whether ``chinesecalendar`` has the State Council notice of ``year``.

    The package raises ``NotImplementedError`` for a year outside its data; that is caught here.
    """
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@functools.lru_cache(maxsize=64)
def _statutory_holidays(year: int) -> frozenset[datetime.date]:
    """The public holidays ``python-holidays`` computes for ``year`` in China, as an immutable set.

    They follow 全国年节及纪念日放假办法 (New Year's Day, Spring Festival, Qingming, Labour Day, Dragon
    Boat, Mid-Autumn, National Day), including the package's own guess of the substitute days off for a
    holiday falling on a weekend; the make-up weekend workdays are not known before the notice.
    """
    return frozenset(holidays.China(years=year).keys())


def _fallback_is_workday(d: datetime.date) -> bool:
    """Monday to Friday, less the statutory holidays."""
    return d.weekday() < 5 and d not in _statutory_holidays(d.year)


def _check_date(d: object, name: str = "date") -> None:
    # A datetime is a date subclass; silently using it would hide a time-zone bug in the caller.
    if isinstance(d, datetime.datetime) or not isinstance(d, datetime.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(d).__name__}")


def _check_days(days: object) -> None:
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, not {type(days).__name__}")
    if abs(days) > MAX_DAYS:
        raise ValueError(f"days must be between -{MAX_DAYS} and {MAX_DAYS}, got {days}")


# --------------------------------------------------------------------------------------------------
# The view of the database (overrides and official years): per call, or shared by one transaction
# --------------------------------------------------------------------------------------------------


class _Calendar:
    """The calendar as seen by one public call, or by every call inside one :func:`shared_calendar` scope.

    The overrides and the official years are read in one query the first time a day is looked at (the tables hold
    an administrator's entries, a few dozen rows a year) and kept in a dict and a set. The version is derived from
    those same rows (their number and latest change), so it costs nothing more. Nothing is kept beyond the call or
    the scope, and saving or deleting an override or an official year inside a scope empties it (the signal
    handlers below): an override saved by the admin takes effect at once.
    """

    def __init__(self) -> None:
        self._overrides: dict[datetime.date, bool] | None = None
        self._days_latest: datetime.datetime | None = None
        self._db_years: frozenset[int] | None = None
        self._years_latest: datetime.datetime | None = None

    def reset(self) -> None:
        self.__init__()

    def preload(self, first: datetime.date, last: datetime.date) -> None:
        """Load the overrides (all of them, in one query; the span is kept for the callers' sake)."""
        self._load()

    def _load(self) -> dict[datetime.date, bool]:
        """Read the overrides and the official years, both tables in one query (UNION ALL), once."""
        if self._overrides is None:
            days = CalendarDay.objects.order_by().values_list(
                "date", "kind", "updated_at", Value(None, output_field=IntegerField()))
            years = CalendarYear.objects.order_by().values_list(
                Value(None, output_field=DateField()), Value("", output_field=CharField()), "updated_at", "year")
            overrides, db_years, days_latest, years_latest = {}, set(), None, None
            for day, kind, updated_at, year in days.union(years, all=True):
                if year is None:
                    overrides[day] = kind == CalendarDay.Kind.WORKDAY
                    if updated_at is not None and (days_latest is None or updated_at > days_latest):
                        days_latest = updated_at
                else:
                    db_years.add(year)
                    if updated_at is not None and (years_latest is None or updated_at > years_latest):
                        years_latest = updated_at
            self._overrides, self._days_latest = overrides, days_latest
            self._db_years, self._years_latest = frozenset(db_years), years_latest
        return self._overrides

    def _load_years(self) -> frozenset[int]:
        self._load()
        return self._db_years

    def is_official_year(self, year: int) -> bool:
        if package_knows_year(year):
            return True
        return year in self._load_years()

    def day(self, d: datetime.date) -> DayInfo:
        official = self.is_official_year(d.year)
        override = self._load().get(d)
        if override is not None:
            return DayInfo(d, override, not official, SOURCE_OVERRIDE)
        if package_knows_year(d.year):
            try:
                return DayInfo(d, chinese_calendar.is_workday(d), False, SOURCE_OFFICIAL)
            except NotImplementedError:  # pragma: no cover - package_knows_year() said it knows the year
                pass
        # A year whose notice the admin has loaded (CalendarYear) is official: its days without an
        # override follow the same rule but are not provisional.
        return DayInfo(d, _fallback_is_workday(d), not official, SOURCE_FALLBACK)

    def version(self) -> str:
        overrides, years = self._load(), self._load_years()
        stamps = [s for s in (self._days_latest, self._years_latest) if s is not None]
        latest = _format_stamp(max(stamps)) if stamps else "none"
        return (
            f"chinesecalendar-{_package_version('chinesecalendar')};"
            f"holidays-{_package_version('holidays')};"
            f"overrides-{len(overrides)}-{latest};years-{len(years)}"
        )


_shared: ContextVar[_Calendar | None] = ContextVar("notifications_shared_calendar", default=None)


@contextmanager
def shared_calendar() -> Iterator[None]:
    """Inside this scope every calendar function reads the overrides and the official years at most once.

    Meant for one transaction (``workflows.services.fire_transition`` enters it around each transition, through
    ``notifications.deadlines.bookkeeping``; opening deadlines and planning their reminders enter it too). Nested
    scopes share the outer one. An override or an official year saved or deleted meanwhile (in this process)
    empties it, and the next call reads the database again; a change committed by another process is seen by the
    next scope, that is the next transaction.
    """
    if _shared.get() is not None:
        yield
        return
    token = _shared.set(_Calendar())
    try:
        yield
    finally:
        _shared.reset(token)


def _calendar() -> _Calendar:
    """The scope's shared calendar, or a fresh one for this call alone."""
    return _shared.get() or _Calendar()


def _calendar_changed(**kwargs) -> None:
    shared = _shared.get()
    if shared is not None:
        shared.reset()


for _model in (CalendarDay, CalendarYear):
    post_save.connect(_calendar_changed, sender=_model, dispatch_uid=f"calendar-changed-save-{_model.__name__}")
    post_delete.connect(_calendar_changed, sender=_model, dispatch_uid=f"calendar-changed-delete-{_model.__name__}")
del _model


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def is_official_year(year: int) -> bool:
    """Whether the working days of ``year`` are settled.

    True when ``chinesecalendar`` knows the year or an administrator has recorded (``CalendarYear``) that
    the year's State Council notice is loaded as overrides.
    """
    return _calendar().is_official_year(year)


def day_info(d: datetime.date) -> DayInfo:
    """The status of day ``d``: working day or rest day, where that comes from and whether it is provisional."""
    _check_date(d)
    return _calendar().day(d)


def is_workday(d: datetime.date) -> bool:
    """Whether ``d`` is a working day (see :func:`day_info`)."""
    return day_info(d).is_workday


def add_working_days(start: datetime.date, days: int) -> CalendarResult:
    """The ``days``-th working day after ``start`` (before it when ``days`` is negative).

    The start day itself never counts, whether or not it is a working day: from Sunday 2026-02-15, seven
    working days end on 2026-03-03. (``chinese_calendar.find_workday`` first moves to the next working day
    and so lands a day late from a rest day; it is deliberately not used.) ``days == 0`` returns ``start``.
    ``provisional`` is true when any day examined, the start day included, is provisional.

    Raises ``ValueError`` when ``abs(days)`` exceeds :data:`MAX_DAYS`.
    """
    _check_date(start, "start")
    _check_days(days)
    cal = _calendar()
    if days == 0:
        return CalendarResult(start, cal.day(start).provisional)

    step = _ONE_DAY if days > 0 else -_ONE_DAY
    # A generous estimate of the span (5 working days a week plus the longest holiday runs) so that the
    # overrides of all the years touched usually come in one query; further years load on demand.
    estimate = datetime.timedelta(days=abs(days) * 7 // 5 + 30)
    try:
        horizon = start + estimate if days > 0 else start - estimate
    except OverflowError:
        horizon = datetime.date.max if days > 0 else datetime.date.min
    cal.preload(start, horizon)

    provisional = cal.day(start).provisional
    remaining = abs(days)
    current = start
    while remaining:
        current += step
        info = cal.day(current)
        provisional = provisional or info.provisional
        if info.is_workday:
            remaining -= 1
    return CalendarResult(current, provisional)


def add_calendar_days(start: datetime.date, days: int) -> CalendarResult:
    """``start`` plus ``days`` calendar days.

    The start day is excluded (民法典 Art 201: a period counted in days starts on the next day), so a
    15-day period from 2026-01-31 ends on 2026-02-15. A last day falling on a rest day is *not* moved here
    (民法典 Art 203 moves it to the day after the holiday for civil-law periods); callers decide. Calendar
    days do not depend on the holiday notice, so the result is never provisional.

    Raises ``ValueError`` when ``abs(days)`` exceeds :data:`MAX_DAYS`.
    """
    _check_date(start, "start")
    _check_days(days)
    return CalendarResult(start + datetime.timedelta(days=days), False)


def roll_to_working_day(day: datetime.date) -> CalendarResult:
    """``day`` itself when it is a working day, else the first working day after it.

    民法典 Art 203 (民事诉讼法 Art 85 by analogy): a period whose last day is a statutory holiday (or a rest day)
    ends on the day after the holiday. A year without data still answers, on the fallback rule, provisionally.
    """
    _check_date(day, "day")
    cal = _calendar()
    cal.preload(day, day + datetime.timedelta(days=30))
    info = cal.day(day)
    provisional = info.provisional
    current = day
    for _step in range(MAX_DAYS):
        if info.is_workday:
            return CalendarResult(current, provisional)
        current += _ONE_DAY
        info = cal.day(current)
        provisional = provisional or info.provisional
    raise ValueError(f"no working day within {MAX_DAYS} days after {day}")  # pragma: no cover - bad overrides


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days ``d`` with ``start < d <= end``; 0 when ``end <= start``."""
    _check_date(start, "start")
    _check_date(end, "end")
    if end <= start:
        return 0
    cal = _calendar()
    cal.preload(start + _ONE_DAY, end)
    count = 0
    current = start
    while current < end:
        current += _ONE_DAY
        if cal.day(current).is_workday:
            count += 1
    return count


@functools.lru_cache(maxsize=None)
def _package_version(name: str) -> str:
    """The installed version of a package (read once per process: it cannot change while the process runs)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - both are hard dependencies
        return "unknown"


def calendar_version() -> str:
    """A short tag of the calendar data a deadline was computed with, stored on the deadline.

    Example: ``chinesecalendar-1.11.0;holidays-0.108;overrides-3-20261120T081530.123456Z;years-1`` — the
    library versions, the number of override rows, the latest change to the overrides or the official
    years (UTC, ISO 8601 basic format) and the number of official-year rows. It changes whenever a
    library is upgraded or an override or official year is added, edited or deleted (a deletion lowers a
    count). It fits ``Deadline.calendar_version`` (100 characters). Inside a :func:`shared_calendar` scope it is
    derived from the rows the scope read once (no query of its own).
    """
    return _calendar().version()


def _format_stamp(stamp: datetime.datetime) -> str:
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(datetime.timezone.utc)
        return stamp.strftime("%Y%m%dT%H%M%S.%fZ")
    return stamp.strftime("%Y%m%dT%H%M%S.%f")
