"""Tests of the working-day calendar service (notifications/calendar.py, DESIGN §4 "Working days").

Expected dates come from the State Council's 2026 holiday notice, as carried by chinesecalendar 1.11.0:
Spring Festival rest 2026-02-15..02-23 with Saturdays 02-14 and 02-28 as make-up workdays; National Day
rest 10-01..10-07 with Saturday 10-10 as a make-up workday.
"""

from datetime import date, datetime, timedelta
from importlib import metadata

import chinese_calendar
import pytest

from notifications import calendar as cal
from notifications.calendar import (
    CalendarResult,
    DayInfo,
    add_calendar_days,
    add_working_days,
    calendar_version,
    day_info,
    is_official_year,
    is_workday,
    working_days_between,
)
from notifications.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


# --- the 2026 notice, from chinesecalendar ------------------------------------------------------------


def test_make_up_saturdays_2026_are_working_days():
    for d in (date(2026, 2, 14), date(2026, 2, 28)):
        assert d.weekday() == 5
        assert day_info(d) == DayInfo(d, is_workday=True, provisional=False, source="official")


def test_spring_festival_2026_is_rest():
    d = date(2026, 2, 16)
    while d <= date(2026, 2, 23):
        assert not is_workday(d), d
        d += timedelta(days=1)
    # The days around the break are working days.
    assert is_workday(date(2026, 2, 13))
    assert is_workday(date(2026, 2, 24))


def test_spring_festival_2026_plus_7_working_days():
    assert add_working_days(date(2026, 2, 13), 7) == CalendarResult(date(2026, 3, 2), provisional=False)


def test_national_day_2026_plus_7_working_days():
    # 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13, 10-14, 10-15.
    assert add_working_days(date(2026, 10, 3), 7) == CalendarResult(date(2026, 10, 15), provisional=False)


def test_rest_day_start_is_not_counted_and_not_one_day_late():
    start = date(2026, 2, 15)  # Sunday, first day of the Spring Festival break
    result = add_working_days(start, 7)
    assert result == CalendarResult(date(2026, 3, 3), provisional=False)
    # The library's find_workday lands a day late from a rest day; we must not reproduce that.
    assert chinese_calendar.find_workday(7, start) == date(2026, 3, 4)
    assert result.date != chinese_calendar.find_workday(7, start)


def test_plain_week():
    assert add_working_days(date(2026, 11, 23), 5) == CalendarResult(date(2026, 11, 30), provisional=False)


def test_zero_days_returns_start():
    assert add_working_days(date(2026, 2, 15), 0) == CalendarResult(date(2026, 2, 15), provisional=False)
    assert add_working_days(date(2027, 3, 10), 0) == CalendarResult(date(2027, 3, 10), provisional=True)


def test_negative_days_count_backwards():
    # Back from Monday 03-02 (not counted): 02-28 (make-up Saturday), 02-27, 02-26, 02-25, 02-24,
    # then the break 02-23..02-15, then 02-14 (make-up Saturday) and 02-13.
    assert add_working_days(date(2026, 3, 2), -7) == CalendarResult(date(2026, 2, 13), provisional=False)
    assert add_working_days(date(2026, 3, 2), -6) == CalendarResult(date(2026, 2, 14), provisional=False)
    # "3 working days ahead" of Monday 2026-11-30: Wednesday 11-25.
    assert add_working_days(date(2026, 11, 30), -3).date == date(2026, 11, 25)


def test_working_days_between():
    assert working_days_between(date(2026, 2, 13), date(2026, 3, 2)) == 7
    assert working_days_between(date(2026, 2, 15), date(2026, 3, 3)) == 7
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 30)) == 5
    # The end day counts, the start day does not.
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 24)) == 1
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0
    assert working_days_between(date(2026, 11, 30), date(2026, 11, 23)) == 0


def test_working_days_between_inverts_add_working_days():
    start = date(2026, 1, 1)
    for n in (1, 5, 7, 20, 60, 200):
        end = add_working_days(start, n).date
        assert working_days_between(start, end) == n
        assert is_workday(end)


# --- 2027: unknown to chinesecalendar 1.11.0 ----------------------------------------------------------


def test_2027_is_unknown_to_the_library_and_does_not_crash():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 1))
    assert not is_official_year(2027)
    assert is_official_year(2026)
    info = day_info(date(2027, 1, 1))
    assert info == DayInfo(date(2027, 1, 1), is_workday=False, provisional=True, source="fallback")


def test_2027_fallback_weekday_and_weekend():
    assert day_info(date(2027, 3, 10)) == DayInfo(date(2027, 3, 10), True, True, "fallback")  # Wednesday
    assert day_info(date(2027, 3, 13)) == DayInfo(date(2027, 3, 13), False, True, "fallback")  # Saturday
    # National Day 2027 (Friday 10-01) is a statutory holiday known ahead of the notice.
    assert not is_workday(date(2027, 10, 1))


def test_2027_arithmetic_is_provisional():
    assert add_working_days(date(2027, 3, 10), 1) == CalendarResult(date(2027, 3, 11), provisional=True)
    # Crossing into 2027: 12-29, 12-30, 12-31, then New Year's Day (Friday) is a rest day.
    assert add_working_days(date(2026, 12, 28), 5) == CalendarResult(date(2027, 1, 5), provisional=True)
    # Staying in 2026 is not provisional.
    assert add_working_days(date(2026, 12, 28), 3) == CalendarResult(date(2026, 12, 31), provisional=False)


def test_fallback_rule_matches_2026_except_make_up_weekend_days():
    """The fallback rule, applied to a known year, misses only the make-up weekend workdays."""
    differences = []
    d = date(2026, 1, 1)
    while d.year == 2026:
        if cal._fallback_is_workday(d) != chinese_calendar.is_workday(d):
            differences.append(d)
        d += timedelta(days=1)
    assert differences == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    assert all(x.weekday() >= 5 and chinese_calendar.is_workday(x) for x in differences)


# --- admin overrides -----------------------------------------------------------------------------------


def test_workday_override_on_2027_saturday():
    d = date(2027, 2, 6)  # Saturday
    assert not is_workday(d)
    CalendarDay.objects.create(date=d, kind=CalendarDay.Kind.WORKDAY, note="make-up workday")
    assert day_info(d) == DayInfo(d, is_workday=True, provisional=True, source="override")
    # Friday 2027-02-05 (Spring Festival eve, a statutory holiday) + 1 working day is now that Saturday.
    assert add_working_days(date(2027, 2, 5), 1) == CalendarResult(d, provisional=True)


def test_holiday_override_on_2026_weekday():
    d = date(2026, 11, 25)  # Wednesday
    assert is_workday(d)
    CalendarDay.objects.create(date=d, kind=CalendarDay.Kind.HOLIDAY)
    assert day_info(d) == DayInfo(d, is_workday=False, provisional=False, source="override")
    assert add_working_days(date(2026, 11, 23), 5) == CalendarResult(date(2026, 12, 1), provisional=False)
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 30)) == 4


def test_calendar_year_makes_2027_official():
    CalendarDay.objects.create(date=date(2027, 2, 6), kind=CalendarDay.Kind.WORKDAY)
    assert add_working_days(date(2027, 3, 10), 5).provisional
    CalendarYear.objects.create(year=2027, notice="国办发明电〔2026〕x号")
    assert is_official_year(2027)
    assert not is_official_year(2028)
    assert day_info(date(2027, 2, 6)) == DayInfo(date(2027, 2, 6), True, False, "override")
    assert day_info(date(2027, 3, 10)) == DayInfo(date(2027, 3, 10), True, False, "fallback")
    assert add_working_days(date(2027, 3, 10), 5) == CalendarResult(date(2027, 3, 17), provisional=False)
    assert add_working_days(date(2026, 12, 28), 5) == CalendarResult(date(2027, 1, 5), provisional=False)
    # A period running into 2028 is provisional again.
    assert add_working_days(date(2027, 12, 29), 5).provisional


def test_overrides_are_loaded_in_few_queries(django_assert_max_num_queries):
    CalendarDay.objects.create(date=date(2026, 11, 25), kind=CalendarDay.Kind.HOLIDAY)
    # About a year of working days inside known years: one query for the overrides.
    with django_assert_max_num_queries(1):
        add_working_days(date(2025, 6, 2), 250)
    # Into an unknown year: the overrides, plus the official years once.
    with django_assert_max_num_queries(2):
        add_working_days(date(2026, 6, 1), 400)
    with django_assert_max_num_queries(1):
        working_days_between(date(2025, 1, 1), date(2026, 12, 31))


# --- calendar version ---------------------------------------------------------------------------------


def test_calendar_version_changes_with_overrides():
    empty = calendar_version()
    assert empty == (
        f"chinesecalendar-{metadata.version('chinesecalendar')};"
        f"holidays-{metadata.version('holidays')};overrides-0-none;years-0"
    )
    assert calendar_version() == empty  # stable while nothing changes

    day = CalendarDay.objects.create(date=date(2027, 2, 6), kind=CalendarDay.Kind.WORKDAY)
    one = calendar_version()
    assert one != empty
    assert ";overrides-1-" in one

    CalendarYear.objects.create(year=2027)
    with_year = calendar_version()
    assert with_year != one
    assert with_year.endswith(";years-1")

    day.delete()
    assert calendar_version() not in (empty, one, with_year)

    for i in range(150):
        CalendarDay.objects.create(date=date(2027, 1, 1) + timedelta(days=i), kind=CalendarDay.Kind.HOLIDAY)
    assert len(calendar_version()) <= 100  # fits Deadline.calendar_version


# --- calendar days and input checks ------------------------------------------------------------------


def test_add_calendar_days_excludes_start_day():
    # 民法典 Art 201: the start day is not counted.
    assert add_calendar_days(date(2026, 1, 31), 15) == CalendarResult(date(2026, 2, 15), provisional=False)
    # Not rolled over a rest day (2026-02-15 is a Sunday in the Spring Festival break).
    assert not is_workday(add_calendar_days(date(2026, 1, 31), 15).date)
    assert add_calendar_days(date(2027, 3, 1), -1) == CalendarResult(date(2027, 2, 28), provisional=False)


def test_absurd_day_counts_raise():
    for days in (3661, -3661, 10**9):
        with pytest.raises(ValueError):
            add_working_days(date(2026, 1, 1), days)
        with pytest.raises(ValueError):
            add_calendar_days(date(2026, 1, 1), days)


def test_largest_period_is_accepted():
    result = add_working_days(date(2026, 1, 1), 3660)
    assert result.provisional
    assert result.date.year in range(2040, 2042)
    assert add_calendar_days(date(2026, 1, 1), -3660).date == date(2026, 1, 1) - timedelta(days=3660)


def test_datetime_is_rejected():
    with pytest.raises(TypeError):
        day_info(datetime(2026, 2, 14, 9, 0))
    with pytest.raises(TypeError):
        add_working_days(date(2026, 2, 14), 1.5)
