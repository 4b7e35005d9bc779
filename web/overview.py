"""The home page's counts by state and the leaders' overview (issue 5): cases per month and state, the overdue
rate, legality-review outcomes and time, certificates. (How urgent each row is: web.urgency.)

Read-only queries; the charts are drawn by web.charts. Sizes are a township's (hundreds of objects a
year), so months and rates are counted in Python from a few narrow queries, alike on SQLite and PostgreSQL.
"""

import datetime
from collections import Counter, defaultdict

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from cases.models import Case, CaseState, LegalReview
from cases.selectors import certificate_status, officer_list
from notifications.calendar import working_days_between
from notifications.models import Deadline
from review.models import Decision, DecisionState, Meeting, MeetingState, ReviewOpinion
from workflows import roles

from . import charts

OVERVIEW_MONTHS = 12
OVERDUE_PROCESSES = {"cases.case": "case", "review.decision": "decision"}  # Deadline.object_type → process
# Periods the agency waits out rather than meets: the party's 10 working days after a demand (行政强制法 Art 54)
# end before the court may be applied to, so the application always "closes" them after their due day.
WAITING_PERIODS = ("case.demand_period",)
REVIEW_DEADLINE_KIND = "decision.review"  # 条例 Art 27: the legality review period, counted in working days

DECISION_ROLES = (roles.DRAFTER, roles.JUDICIAL_OFFICE, roles.OFFICE_SECRETARY, roles.MEETING_CHAIR,
                  roles.PRINCIPAL, roles.ADMIN)
MEETING_ROLES = (roles.OFFICE_SECRETARY, roles.MEETING_CHAIR, roles.PRINCIPAL, roles.ADMIN)


# --------------------------------------------------------------------------------------------------
# Counts by state
# --------------------------------------------------------------------------------------------------


def _count_rows(queryset, choices, list_url: str) -> list[dict]:
    counts = dict(queryset.order_by().values_list("state").annotate(n=Count("id")))
    return [{"state": value, "label": label, "count": counts[value], "url": f"{list_url}?state={value}"}
            for value, label in choices if counts.get(value)]


def state_counts(user) -> list[dict]:
    """Per process the user works on: how many objects are in each state (only states that have any), each
    linked to the list filtered by that state. Enforcement officers count their own cases."""
    sections = []
    if roles.has_role(user, *DECISION_ROLES):
        sections.append({"key": "decisions", "title": _("Major decisions"),
                         "rows": _count_rows(Decision.objects.all(), DecisionState.choices,
                                             reverse("review:decisions:index"))})
    if roles.has_role(user, *MEETING_ROLES):
        sections.append({"key": "meetings", "title": _("Joint meetings"),
                         "rows": _count_rows(Meeting.objects.all(), MeetingState.choices,
                                             reverse("review:meetings:index"))})
    if roles.may("case.view", user):
        own_only = roles.user_roles(user) == {roles.ENFORCEMENT_OFFICER}
        cases = Case.objects.filter(officers=user) if own_only else Case.objects.all()
        sections.append({"key": "cases", "title": _("My cases") if own_only else _("Enforcement cases"),
                         "rows": _count_rows(cases, CaseState.choices, reverse("cases:cases:index"))})
    return sections


# --------------------------------------------------------------------------------------------------
# The leaders' overview (principal, brigade chief)
# --------------------------------------------------------------------------------------------------


def month_starts(today: datetime.date, months: int = OVERVIEW_MONTHS) -> list[datetime.date]:
    """The first days of the last `months` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _i in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _month_key(moment) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


def _window_start(first_month: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(first_month, datetime.time.min))


def cases_per_month(months: list[datetime.date]) -> list[tuple[str, list[int]]]:
    """Cases registered in each month, one series per state they are in now (states with none left out)."""
    counts = Counter()
    for reported_at, state in Case.objects.filter(reported_at__gte=_window_start(months[0])).values_list(
            "reported_at", "state"):
        counts[(_month_key(reported_at), state)] += 1
    series = []
    for value, label in CaseState.choices:
        row = [counts[(month, value)] for month in months]
        if any(row):
            series.append((str(label), row))
    return series


def _met_late(due_at, closed_on, closed_at) -> bool:
    """A closed deadline was met late when the act's business date falls after the due day (periods are counted
    in days, 处罚法 Art 85); a closing recorded before closed_on existed is judged by its entry time."""
    if closed_on is not None:
        return closed_on > timezone.localtime(due_at).date()
    return bool(closed_at and closed_at > due_at)


def overdue_by_month(months: list[datetime.date], now) -> dict:
    """Of the deadlines of cases and decisions that fell due in each month (up to now), how many were or are
    overdue: still open past their due time, or met only after it — by the business date of the act that met it
    (Deadline.closed_on: the filing's filed_on, the service's served_on ...), so that a filing entered at 20:00 on
    the day it was due, or back-dated, counts as met on its day. Party windows (statement, hearing request:
    no responsible role in the town), waiting periods (WAITING_PERIODS), suspended and cancelled deadlines are
    not counted; certificates have their own list."""
    due = defaultdict(Counter)
    late = defaultdict(Counter)
    rows = (Deadline.objects.filter(due_at__gte=_window_start(months[0]), due_at__lt=now,
                                    object_type__in=OVERDUE_PROCESSES,
                                    status__in=[Deadline.Status.OPEN, Deadline.Status.CLOSED])
            .exclude(rule__responsible_role="").exclude(kind__in=WAITING_PERIODS)
            .values_list("object_type", "due_at", "status", "closed_on", "closed_at"))
    for object_type, due_at, status, closed_on, closed_at in rows:
        process = OVERDUE_PROCESSES[object_type]
        month = _month_key(due_at)
        due[process][month] += 1
        if status == Deadline.Status.OPEN or _met_late(due_at, closed_on, closed_at):
            late[process][month] += 1
    total_due = sum(sum(c.values()) for c in due.values())
    total_late = sum(sum(c.values()) for c in late.values())

    def rates(process):
        return [round(100 * late[process][m] / due[process][m], 1) if due[process][m] else None for m in months]

    return {
        "due": total_due, "late": total_late,
        "rate": round(100 * total_late / total_due, 1) if total_due else None,
        "series": [(gettext("Enforcement cases"), rates("case")), (gettext("Major decisions"), rates("decision"))],
    }


def review_outcomes(since) -> dict:
    """Legality reviews of decisions (条例 Art 27-28) and legal reviews of major cases (处罚法 Art 58) by outcome."""
    decisions = dict(ReviewOpinion.objects.filter(created_at__gte=since).order_by().values_list("outcome")
                     .annotate(n=Count("id")))
    cases = dict(LegalReview.objects.filter(created_at__gte=since).order_by().values_list("outcome")
                 .annotate(n=Count("id")))
    outcomes = ReviewOpinion.Outcome.choices  # passed, returned for revision, failed: the opinion's own labels
    return {
        "labels": [str(label) for _value, label in outcomes],
        "decisions": [decisions.get(value, 0) for value, _label in outcomes],
        "cases": [cases.get(value, 0) if value in LegalReview.Outcome.values else None for value, _label in outcomes],
    }


def average_review_time(since) -> dict:
    """Working days from submission to the judicial office's opinion, over the legality reviews finished since
    `since` (the review deadline opens on submission and closes with the opinion)."""
    spans = [working_days_between(timezone.localtime(opened).date(), timezone.localtime(closed).date())
             for opened, closed in Deadline.objects.filter(
                 kind=REVIEW_DEADLINE_KIND, status=Deadline.Status.CLOSED, closed_at__gte=since)
             .values_list("opened_at", "closed_at")]
    return {"count": len(spans), "average": round(sum(spans) / len(spans), 1) if spans else None}


def certificates_needing_attention(today: datetime.date) -> list:
    """Enforcement officers whose certificate expires soon (cases.selectors.EXPIRING_DAYS), has expired, was revoked,
    or who hold none: 持证上岗, 处罚法 Art 42. Soonest first."""
    rows = [certificate_status(officer, today) for officer in officer_list()]
    rows = [row for row in rows if row.status != "valid"]
    rows.sort(key=lambda row: (row.days_left is None, row.days_left if row.days_left is not None else 0,
                               row.officer.username))
    return rows


def overview(now=None) -> dict:
    """Everything on the principal's and the brigade chief's overview, charts included."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    months = month_starts(today)
    since = _window_start(months[0])
    labels = [f"{m.year}-{m.month:02d}" for m in months]
    cases = cases_per_month(months)
    overdue = overdue_by_month(months, now)
    reviews = review_outcomes(since)
    return {
        "since": months[0],
        "cases_total": sum(sum(values) for _name, values in cases),
        "overdue": overdue,
        "reviews": reviews,
        "review_time": average_review_time(since),
        "certificates": certificates_needing_attention(today),
        "cases_chart": charts.stacked_bars(gettext("Cases per month, by state"), labels, cases) if cases else "",
        "overdue_chart": charts.bars(gettext("Overdue rate per month"), labels, overdue["series"], percent=True)
        if overdue["due"] else "",
        "reviews_chart": charts.bars(gettext("Review outcomes"), reviews["labels"], [
            (gettext("Legality review of major decisions"), reviews["decisions"]),
            (gettext("Legal review of major enforcement decisions"), reviews["cases"]),
        ]) if any(reviews["decisions"]) or any(v for v in reviews["cases"] if v) else "",
    }
