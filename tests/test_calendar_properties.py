"""Properties of the calendar and deadline arithmetic (issue 17): notifications/calendar.py (working days, calendar
days, roll-over, the fallback for years the holiday library does not know), notifications/deadlines.py (the due
date of each unit of the rule table, months, fixed yearly dates, "due soon") and workflows/dates.py (the one rule
per business date). Each property is what a docstring of that code promises, tried on a few hundred dates spread
over years chinesecalendar knows (2004–2026), years only python-holidays knows (its rule-based holidays, the
fallback) and years neither knows (Monday to Friday).

No test reads the clock: every "today" is drawn. The calendar reads its overrides from the database, so the module
uses it; examples that add an override roll it back.
"""

import datetime
import functools

import chinese_calendar
import holidays
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from cases.models import Case
from notifications import calendar
from notifications.calendar import (
    MAX_DAYS,
    CalendarResult,
    add_calendar_days,
    add_working_days,
    day_info,
    is_official_year,
    is_workday,
    roll_to_working_day,
    working_days_between,
)
from notifications.deadlines import (
    SOON_WORKING_DAYS,
    add_months,
    add_units,
    compute_due,
    extend_date,
    next_yearly_date,
    raw_due,
    soon_limit,
)
from notifications.models import CalendarDay, CalendarYear, DeadlineRule
from review.models import Decision
from workflows.dates import CASE_ORDER, EARLIEST_YEARS_BACK, check_business_date, earliest_date
from workflows.errors import InvalidInput

pytestmark = pytest.mark.django_db

PROPERTY = hypothesis_settings(max_examples=200, derandomize=True, database=None, deadline=None,
                               suppress_health_check=[HealthCheck.too_slow])
FEWER = hypothesis_settings(PROPERTY, max_examples=100)  # properties that walk long spans or write overrides

ONE_DAY = datetime.timedelta(days=1)
OFFICIAL = (2004, 2026)  # the years chinesecalendar 1.11.0 carries (checked below)

# Dates in the three kinds of year: the library's (official), python-holidays' rules only (it computes 1950–2100;
# fallback) and none (after 2100: Monday to Friday, fallback); Spring Festival, National Day and the turn of the
# year are drawn often. Some sixty years in all: python-holidays takes milliseconds a year, the calendar keeps 64.
official_days = st.dates(datetime.date(2004, 1, 1), datetime.date(2026, 12, 31))
fallback_days = st.dates(datetime.date(1995, 1, 1), datetime.date(2003, 12, 31)) | st.dates(
    datetime.date(2027, 1, 1), datetime.date(2045, 12, 31)) | st.dates(datetime.date(2098, 1, 1),
                                                                      datetime.date(2100, 12, 31))
unknown_days = st.dates(datetime.date(2101, 1, 1), datetime.date(2108, 12, 31))
holiday_edges = st.builds(lambda year, month, day: datetime.date(year, month, day),
                          st.integers(2002, 2029), st.sampled_from([1, 2, 9, 10, 12]), st.integers(1, 28))
days = st.one_of(official_days, fallback_days, unknown_days, holiday_edges)
spans = st.integers(min_value=0, max_value=250)


@functools.lru_cache(maxsize=None)
def _holidays(year):
    return frozenset(holidays.China(years=year))


@functools.lru_cache(maxsize=None)
def workday(d):
    """The oracle, from the module's docstring and no database: chinesecalendar in the years it knows, else Monday
    to Friday less python-holidays' statutory holidays (no override exists unless a test adds one)."""
    if OFFICIAL[0] <= d.year <= OFFICIAL[1]:
        return chinese_calendar.is_workday(d)
    return d.weekday() < 5 and d not in _holidays(d.year)


def all_days(first, last):
    """Every day d with first <= d <= last."""
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def test_the_years_the_library_knows_are_the_ones_these_properties_assume():
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()  # the oracle assumes no override
    assert calendar.package_knows_year(OFFICIAL[0]) and calendar.package_knows_year(OFFICIAL[1])
    assert not calendar.package_knows_year(OFFICIAL[0] - 1) and not calendar.package_knows_year(OFFICIAL[1] + 1)


# --- notifications/calendar.py ---------------------------------------------------------------------------------


@PROPERTY
@given(start=days, n=spans)
def test_counting_back_the_working_days_added_gives_their_number(start, n):
    """add_working_days: the n-th working day after `start` (start excluded); working_days_between counts the
    working days d with start < d <= end: so n."""
    end = add_working_days(start, n).date
    assert working_days_between(start, end) == n


@PROPERTY
@given(start=days, n=st.integers(min_value=1, max_value=250), backwards=st.booleans())
def test_a_working_day_result_is_never_a_rest_day(start, n, backwards):
    result = add_working_days(start, -n if backwards else n)
    assert workday(result.date), result
    assert (result.date < start) if backwards else (result.date > start)


@PROPERTY
@given(start=days, n=spans)
def test_one_working_day_more_is_strictly_later_and_the_days_between_are_rest_days(start, n):
    earlier, later = add_working_days(start, n).date, add_working_days(start, n + 1).date
    assert later > earlier
    # The (n+1)-th working day is the first working day after the n-th: nothing between them is one.
    assert not any(workday(d) for d in all_days(earlier + ONE_DAY, later - ONE_DAY))


@PROPERTY
@given(start=days, n=st.integers(min_value=1, max_value=250))
def test_going_back_the_same_number_of_working_days_returns_to_the_start_or_the_working_day_before_it(start, n):
    """The start day never counts: from a working day, n forward then n back is the start; from a rest day it is
    the last working day before it (the first one counted going back)."""
    there = add_working_days(start, n).date
    back = add_working_days(there, -n).date
    assert back == (start if workday(start) else add_working_days(start, -1).date)


@PROPERTY
@given(start=days)
def test_zero_working_days_is_the_start_day_itself(start):
    assert add_working_days(start, 0) == CalendarResult(start, day_info(start).provisional)


@PROPERTY
@given(a=days, gaps=st.tuples(st.integers(0, 200), st.integers(0, 200)))
def test_counting_working_days_is_additive(a, gaps):
    b = a + datetime.timedelta(days=gaps[0])
    c = b + datetime.timedelta(days=gaps[1])
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)


@PROPERTY
@given(a=days, gap=st.integers(-300, 300))
def test_working_days_between_counts_the_working_days_after_the_start_up_to_the_end(a, gap):
    b = a + datetime.timedelta(days=gap)
    expected = sum(1 for d in all_days(a + ONE_DAY, b) if workday(d))  # 0 when b <= a
    assert working_days_between(a, b) == expected
    assert 0 <= expected <= max(0, (b - a).days)


@PROPERTY
@given(start=days, n=st.integers(min_value=-MAX_DAYS, max_value=MAX_DAYS))
def test_calendar_days_there_and_back_give_the_start_and_are_never_provisional(start, n):
    there = add_calendar_days(start, n)
    assert there.date == start + datetime.timedelta(days=n) and there.provisional is False
    assert add_calendar_days(there.date, -n) == CalendarResult(start, False)


@PROPERTY
@given(start=days, n=st.integers(min_value=MAX_DAYS + 1, max_value=10 * MAX_DAYS), negative=st.booleans())
def test_a_period_longer_than_max_days_is_refused(start, n, negative):
    for add in (add_working_days, add_calendar_days):
        with pytest.raises(ValueError):
            add(start, -n if negative else n)


@PROPERTY
@given(day=days)
def test_rolling_over_gives_the_first_working_day_on_or_after_the_day(day):
    """roll_to_working_day (民法典 Art 203): the day itself when it is a working day, else the first working day
    after it; so rolling twice changes nothing."""
    rolled = roll_to_working_day(day)
    assert rolled.date >= day and workday(rolled.date)
    assert not any(workday(d) for d in all_days(day, rolled.date - ONE_DAY))
    assert roll_to_working_day(rolled.date).date == rolled.date
    assert rolled.date == (day if workday(day) else add_working_days(day, 1).date)


@PROPERTY
@given(day=days)
def test_a_day_is_official_in_the_libraries_years_and_follows_the_fallback_rule_elsewhere(day):
    """day_info: `official` from chinesecalendar when it knows the year, else `fallback` — Monday to Friday less
    python-holidays' statutory holidays — and provisional (no CalendarYear row, no override here)."""
    info = day_info(day)
    if OFFICIAL[0] <= day.year <= OFFICIAL[1]:
        assert (info.source, info.provisional) == ("official", False)
        assert info.is_workday == chinese_calendar.is_workday(day)
        assert is_official_year(day.year)
    else:
        assert (info.source, info.provisional) == ("fallback", True)
        assert info.is_workday == (day.weekday() < 5 and day not in holidays.China(years=day.year))
        assert not is_official_year(day.year)
    assert info.is_workday == is_workday(day) == workday(day)


@PROPERTY
@given(start=days, n=st.integers(min_value=-250, max_value=250))
def test_a_result_is_provisional_exactly_when_a_day_examined_lies_in_a_year_without_data(start, n):
    """add_working_days: `provisional` when any day examined, the start day included, is provisional."""
    result = add_working_days(start, n)
    first, last = sorted((start, result.date))
    outside = any(not (OFFICIAL[0] <= year <= OFFICIAL[1]) for year in range(first.year, last.year + 1))
    assert result.provisional == outside


@FEWER
@given(day=st.one_of(official_days, fallback_days), as_workday=st.booleans(), n=st.integers(1, 30))
def test_an_override_decides_its_day_and_the_arithmetic_follows_it(day, as_workday, n):
    """An admin's CalendarDay row comes first: the day is what the row says; counting across it follows."""
    with transaction.atomic():
        before = working_days_between(day - datetime.timedelta(days=40), day)
        CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.WORKDAY if as_workday else CalendarDay.Kind.HOLIDAY)
        info = day_info(day)
        assert (info.source, info.is_workday) == ("override", as_workday)
        assert info.provisional == (not OFFICIAL[0] <= day.year <= OFFICIAL[1])
        after = working_days_between(day - datetime.timedelta(days=40), day)
        assert after - before == int(as_workday) - int(workday(day))
        if as_workday:  # the overridden working day can be reached and is never skipped
            assert add_working_days(add_working_days(day, -n).date, n).date == day
        transaction.set_rollback(True)


@FEWER
@given(day=fallback_days, n=st.integers(0, 30))
def test_a_year_marked_official_is_no_longer_provisional(day, n):
    """A CalendarYear row (the admin loaded the year's notice) makes the year's fallback days settled."""
    with transaction.atomic():
        CalendarYear.objects.create(year=day.year)
        assert is_official_year(day.year)
        info = day_info(day)
        assert (info.source, info.provisional) == ("fallback", False)
        result = add_working_days(day, n)
        assert result.provisional == (result.date.year != day.year and not is_official_year(result.date.year))
        transaction.set_rollback(True)


@PROPERTY
@given(day=days, n=st.integers(-5, 5))
def test_a_datetime_is_refused_where_a_date_is_expected(day, n):
    moment = datetime.datetime.combine(day, datetime.time(12))
    for call in (lambda: add_working_days(moment, n), lambda: add_calendar_days(moment, n),
                 lambda: day_info(moment), lambda: roll_to_working_day(moment),
                 lambda: working_days_between(moment, day), lambda: working_days_between(day, moment)):
        with pytest.raises(TypeError):
            call()
    with pytest.raises(TypeError):
        add_working_days(day, True)


# --- notifications/deadlines.py --------------------------------------------------------------------------------


def rule(unit, length=0, fixed_date="", rolls_over=False):
    """An unsaved rule of the table (deadline_rules.json): only unit, length, fixed_date and roll-over count."""
    return DeadlineRule(kind="x.property", name="property", opens_on="", length=length, unit=unit,
                        fixed_date=fixed_date, rolls_over_rest_day=rolls_over)


@PROPERTY
@given(anchor=days, length=st.integers(0, 250), rolls_over=st.booleans())
def test_a_working_day_rule_is_due_on_the_nth_working_day_after_its_anchor(anchor, length, rolls_over):
    due = compute_due(rule(DeadlineRule.Unit.WORKING_DAYS, length, rolls_over=rolls_over), anchor)
    if length or not rolls_over:  # the n-th working day is one already: the roll-over changes nothing
        assert due == add_working_days(anchor, length)
    else:  # zero days from a rest day: the anchor itself, rolled over to the next working day
        assert due.date == roll_to_working_day(anchor).date


@PROPERTY
@given(anchor=days, length=st.integers(0, 250), rolls_over=st.booleans())
def test_a_calendar_day_rule_counts_from_the_day_after_its_anchor_and_rolls_over_a_rest_day_when_it_says_so(
        anchor, length, rolls_over):
    """民法典 Art 201 (start day excluded) and Art 203 (a last day on a rest day moves to the next working day, for
    the rules that say so)."""
    raw = anchor + datetime.timedelta(days=length)
    due = compute_due(rule(DeadlineRule.Unit.CALENDAR_DAYS, length, rolls_over=rolls_over), anchor)
    if rolls_over:
        assert due.date == roll_to_working_day(raw).date and workday(due.date)
        assert due.provisional == roll_to_working_day(raw).provisional
    else:
        assert due == CalendarResult(raw, False)


@PROPERTY
@given(anchor=days, months=st.integers(0, 120))
def test_months_end_on_the_corresponding_day_or_the_last_day_of_the_month(anchor, months):
    """民法典 Art 202: the same day of the last month, or its last day when the month has no such day."""
    due = add_months(anchor, months)
    assert (due.year - anchor.year) * 12 + due.month - anchor.month == months
    last = (due.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - ONE_DAY
    assert due.day == min(anchor.day, last.day)
    assert add_months(anchor, months + 1) > due
    assert compute_due(rule(DeadlineRule.Unit.MONTHS, months), anchor) == CalendarResult(due, False)


@PROPERTY
@given(a=days, b=days, months=st.integers(0, 120))
def test_a_later_anchor_never_gives_an_earlier_month_end(a, b, months):
    first, second = sorted((a, b))
    assert add_months(first, months) <= add_months(second, months)


FIXED_DATES = ["01-31", "02-28", "02-29", "03-01", "04-01", "12-31"]


@PROPERTY
@given(anchor=days, month_day=st.sampled_from(FIXED_DATES))
def test_a_fixed_date_rule_is_due_on_the_first_such_date_after_its_anchor(anchor, month_day):
    """next_yearly_date: the first MM-DD after the anchor, 02-29 read as 02-28 in a common year. The reports of
    the table (report.rule_of_law_submit 03-01, …_publish 04-01, report.statistics_publish 01-31) use it."""
    due = compute_due(rule(DeadlineRule.Unit.FIXED_DATE, fixed_date=month_day), anchor)
    assert due.provisional is False
    assert anchor < due.date <= anchor + datetime.timedelta(days=366)
    month, day = (int(part) for part in month_day.split("-"))
    matches = [d for d in all_days(anchor + ONE_DAY, due.date)
               if d.month == month and (d.day == day or (month, day) == (2, 29) and d.day == 28
                                        and not _leap(d.year))]
    assert matches and matches[0] == due.date  # it is such a date, and the first one


def _leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@pytest.mark.parametrize("kind", ["report.rule_of_law_submit", "report.rule_of_law_publish",
                                  "report.statistics_publish"])
@FEWER
@given(anchor=days)
def test_the_reports_fixed_dates_from_the_table(kind, anchor):
    table_rule = DeadlineRule.objects.get(kind=kind)
    assert table_rule.unit == DeadlineRule.Unit.FIXED_DATE
    due = compute_due(table_rule, anchor)
    assert due.date == next_yearly_date(anchor, table_rule.fixed_date)
    assert due.date.strftime("%m-%d") == table_rule.fixed_date and anchor < due.date


@PROPERTY
@given(anchor=days, month_day=st.one_of(st.text(max_size=6), st.sampled_from(["13-01", "02-30", "00-10", "1-1-1"])))
def test_a_malformed_fixed_date_is_refused(anchor, month_day):
    try:
        month, day = (int(part) for part in month_day.split("-"))
        datetime.date(2028, month, day)
    except ValueError:
        with pytest.raises(ValueError):
            next_yearly_date(anchor, month_day)
    else:
        assert next_yearly_date(anchor, month_day) > anchor


@PROPERTY
@given(anchor=days)
def test_a_given_date_rule_is_due_on_its_anchor(anchor):
    """The order names its own day (责令限期改正, 处罚法 Art 28 ¶1): the anchor is the due date."""
    assert compute_due(rule(DeadlineRule.Unit.GIVEN_DATE), anchor) == CalendarResult(anchor, False)


@PROPERTY
@given(a=days, b=days, length=st.integers(0, 100),
       unit=st.sampled_from([DeadlineRule.Unit.WORKING_DAYS, DeadlineRule.Unit.CALENDAR_DAYS,
                             DeadlineRule.Unit.MONTHS, DeadlineRule.Unit.GIVEN_DATE]),
       rolls_over=st.booleans())
def test_a_later_anchor_never_makes_a_deadline_earlier(a, b, length, unit, rolls_over):
    first, second = sorted((a, b))
    the_rule = rule(unit, length, rolls_over=rolls_over)
    assert compute_due(the_rule, first).date <= compute_due(the_rule, second).date
    assert compute_due(the_rule, first).date >= first


@PROPERTY
@given(day=days, length=st.integers(0, 120), rolls_over=st.booleans(),
       unit=st.sampled_from([DeadlineRule.Unit.WORKING_DAYS, DeadlineRule.Unit.CALENDAR_DAYS]))
def test_an_extension_adds_the_rules_units_and_rolls_over_like_the_rule(day, length, rolls_over, unit):
    the_rule = rule(unit, rolls_over=rolls_over)
    added = add_units(the_rule, day, length)
    if unit == DeadlineRule.Unit.WORKING_DAYS:
        assert added == add_working_days(day, length)
    else:
        assert added == add_calendar_days(day, length)
    extended = extend_date(the_rule, day, length)
    assert extended.date == (roll_to_working_day(added.date).date if rolls_over else added.date)
    # An extension of a working-day rule is the same as a longer rule: the units add up.
    if unit == DeadlineRule.Unit.WORKING_DAYS:
        base = raw_due(rule(unit, 10), day).date
        assert add_units(the_rule, base, length).date == raw_due(rule(unit, 10 + length), day).date


@PROPERTY
@given(today=days)
def test_due_soon_ends_on_the_third_working_day_after_today(today):
    limit = soon_limit(today)
    assert workday(limit) and sum(workday(d) for d in all_days(today + ONE_DAY, limit)) == SOON_WORKING_DAYS


# --- workflows/dates.py ----------------------------------------------------------------------------------------


@PROPERTY
@given(today=st.dates(datetime.date(1921, 1, 1), datetime.date(9999, 12, 31)))
def test_the_earliest_business_date_is_twenty_years_back(today):
    """EARLIEST_YEARS_BACK years back, 29 February read as 28 February in a common year."""
    earliest = earliest_date(today)
    assert earliest.year == today.year - EARLIEST_YEARS_BACK and earliest.month == today.month
    assert earliest.day == today.day or (today.month, today.day, earliest.day) == (2, 29, 28)
    assert 365 * EARLIEST_YEARS_BACK <= (today - earliest).days <= 366 * EARLIEST_YEARS_BACK


CHAIN = ["violation_date", "filed_on", "notified_on", "decided_on", "served_on", "executed_on"]


@st.composite
def recorded_case(draw):
    """An unsaved case with some of its chain of dates recorded (in any order: the rule must judge each one)."""
    today = draw(st.dates(datetime.date(2010, 1, 1), datetime.date(2035, 12, 31)))
    case = Case()
    for field in CHAIN:
        if draw(st.booleans()):
            setattr(case, field, today - datetime.timedelta(days=draw(st.integers(0, 400))))
    return today, case


def predecessors(field):
    """The case dates `field` must not precede, among CHAIN (workflows.dates.CASE_ORDER)."""
    return [rule.earlier for rule in CASE_ORDER.get(field, ()) if rule.earlier in CHAIN]


def successors(field):
    return [later for later, rules in CASE_ORDER.items() if later in CHAIN
            and any(rule.earlier == field for rule in rules)]


@PROPERTY
@given(recorded=recorded_case(), field=st.sampled_from(CHAIN), offset=st.integers(-30 * 366, 30),
       correcting=st.booleans())
def test_a_business_date_is_accepted_exactly_between_the_events_it_follows_and_today(recorded, field, offset,
                                                                                       correcting):
    """check_business_date: refused when after today, more than 20 years back, before an event it follows, or
    (correcting) after an event recorded as following it; accepted otherwise. The refusal is a 400 naming the
    field, with rule "date …"."""
    today, case = recorded
    value = today + datetime.timedelta(days=offset)
    before = [getattr(case, f) for f in predecessors(field) if getattr(case, f) is not None]
    after = [getattr(case, f) for f in successors(field) if getattr(case, f) is not None] if correcting else []
    ok = earliest_date(today) <= value <= today and all(value >= d for d in before) and all(
        value <= d for d in after)
    try:
        check_business_date(case, field, value, today=today, correcting=correcting)
    except InvalidInput as refusal:
        assert not ok, (field, value, refusal.detail)
        assert refusal.status == 400 and refusal.rule.startswith("date") and field in refusal.fields
    else:
        assert ok, (field, value)


@PROPERTY
@given(today=st.dates(datetime.date(2010, 1, 1), datetime.date(2035, 12, 31)), signed_back=st.integers(0, 400),
       offset=st.integers(-500, 30), moment=st.times())
def test_a_decision_is_published_after_its_signing_day_and_not_after_today(today, signed_back, offset, moment):
    """条例 Art 32: the publication follows the signing; the signing's local day counts, whatever its hour."""
    from django.utils import timezone

    signed_day = today - datetime.timedelta(days=signed_back)
    decision = Decision(signed_at=timezone.make_aware(datetime.datetime.combine(signed_day, moment)))
    value = today + datetime.timedelta(days=offset)
    ok = max(signed_day, earliest_date(today)) <= value <= today
    try:
        check_business_date(decision, "published_on", value, today=today)
    except InvalidInput:
        assert not ok, value
    else:
        assert ok, value
