"""Enforcement supervision (执法监督) for the judicial office and the leaders: what the page, the API and the weekly
circular count (DESIGN §12, CONTRACT §9). Counting only: no pages, no changes.

行政执法监督条例 (国务院令, in force 2026-02-01) makes the judicial administration (here the township's judicial
office) supervise enforcement; it names the matters watched (持证执法, 有案不立, 超期办案, 乱罚款 and
discretion) but fixes no thresholds, counting rules or card colours: every rule below that is not a statute's is
local practice, and says so. Statute otherwise: 行政处罚法 (2021), "处罚法".

Sizes are a township's (hundreds of cases a year): rows are read with a few narrow queries and counted in Python,
alike on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseState
from cases.selectors import officer_list
from notifications.calendar import working_days_between
from notifications.deadlines import SOON_WORKING_DAYS, soon_limit
from notifications.models import Deadline

MONTHS = 12  # the monthly series run over the last 12 months, this month last

# --- the bases, named once (shown on the page, carried by the API) ----------------------------------------------

BASIS_SUPERVISION = _("Regulation on the Supervision of Administrative Law Enforcement (in force 2026-02-01)")
BASIS_CARDS = _("Local practice under the supervision regulation: a yellow card when a case deadline falls due "
                "within 3 working days, a red card once it is missed; the deadline's own basis is given with it.")
BASIS_OVERDUE = _("Local practice under the supervision regulation: of the case deadlines due in a month, the share "
                  "met after the due day or still open after it.")
BASIS_DISCRETION = _("Administrative Penalty Law Art 32 and the town's discretion standard (local): a fine below the "
                     "minimum needs a reduction (减轻) with its ground; above the maximum is never allowed; a fine "
                     "equal to the minimum or the maximum is shown for a second look (local practice).")
BASIS_UNFILED = _("Administrative Penalty Law Art 54 (file promptly; the filing period is the town's, 15 working "
                  "days by default): a report neither filed, declined nor transferred within the filing period is "
                  "a sign of a case not filed (有案不立).")
BASIS_CERTIFICATES = _("Administrative Penalty Law Art 42 (enforcement by certified officers): officers with a valid "
                       "certificate on the day, of the active enforcement officers; cases filed with an officer "
                       "whose certificate was not valid on the filing day.")

# Periods the agency waits out rather than meets (the party's 10 working days after a demand, 行政强制法 Art 54) and
# the party's own windows (no responsible role in the town: statement, hearing request) are neither cards nor
# overdue: nobody in the town can miss them. The same choice as the leaders' overview (web.overview).
WAITING_PERIODS = ("case.demand_period",)

YELLOW, RED = "yellow", "red"


def _enforcement_deadlines():
    """The enforcement deadlines the town must meet: kinds case.*, with a responsible role, not a waiting
    period."""
    return (Deadline.objects.filter(kind__startswith="case.").exclude(rule__responsible_role="")
            .exclude(kind__in=WAITING_PERIODS))


def _objects(rows) -> dict:
    """(object_type, object_id) → the object, one query per kind of object."""
    wanted: dict[str, set] = {}
    for row in rows:
        wanted.setdefault(row.object_type, set()).add(row.object_id)
    found = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        query = model._default_manager.filter(pk__in=ids)
        if model is Case:
            query = query.select_related("violation_type", "party")
        for obj in query:
            found[(object_type, obj.pk)] = obj
    return found


def _case_of(obj):
    if isinstance(obj, Case):
        return obj
    return getattr(obj, "case", None)


def _object_data(obj) -> dict:
    """The card's object: the case's number (or, before filing, its registration), title and page."""
    case = _case_of(obj)
    if case is None:
        return {"type": "", "id": None, "number": "", "title": str(obj), "url": ""}
    return {"type": "case", "id": case.pk, "number": case.number or "", "title": case.title,
            "url": case.page_path()}


# --------------------------------------------------------------------------------------------------------------
# Yellow and red cards
# --------------------------------------------------------------------------------------------------------------


def card_kind(due_at, now, limit: datetime.date) -> str | None:
    """'red' when the deadline's due time has passed (its last day is over), 'yellow' when its last day is no later
    than `limit` (notifications.deadlines.soon_limit: within SOON_WORKING_DAYS working days, the same notion
    as the inbox's amber rows), else None."""
    if due_at < now:
        return RED
    if timezone.localtime(due_at).date() <= limit:
        return YELLOW
    return None


def cards(now=None) -> list[dict]:
    """The yellow and red cards (黄牌, 红牌) of the open enforcement deadlines (kinds case.*; a suspended deadline
    does not run and has none). Each card: object {type, id, number, title, url}; kind 'yellow' | 'red';
    deadline {kind, name, due_date (ISO), basis}; days: working days left (yellow; 0 = due today) or working
    days overdue (red; 0 when only rest days have passed since the due day). Red first, the most overdue first,
    then yellow, the soonest first. Basis: BASIS_CARDS (local practice)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    limit = soon_limit(today)
    rows = list(_enforcement_deadlines().filter(status=Deadline.Status.OPEN, due_date__lte=limit)
                .select_related("rule").order_by("due_at", "id"))
    objects = _objects(rows)
    result = []
    for row in rows:
        kind = card_kind(row.due_at, now, limit)
        obj = objects.get((row.object_type, row.object_id))
        if kind is None or obj is None:
            continue
        days = (working_days_between(row.due_date, today) if kind == RED
                else working_days_between(today, row.due_date))
        result.append({
            "object": _object_data(obj), "kind": kind, "days": days,
            "deadline": {"kind": row.kind, "name": row.rule.name, "due_date": row.due_date.isoformat(),
                         "basis": row.basis},
        })
    result.sort(key=lambda c: (c["kind"] != RED, -c["days"] if c["kind"] == RED else c["days"],
                               c["deadline"]["due_date"]))
    return result


# --------------------------------------------------------------------------------------------------------------
# Overdue rate per month
# --------------------------------------------------------------------------------------------------------------


def month_starts(today: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the last `months` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _i in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def is_late(row, today: datetime.date) -> bool:
    """A deadline due by now is late when it is still open after its due day, or was met after it: by the business
    date of the act that met it (Deadline.closed_on), not the hour it was entered (处罚法 Art 85: periods in
    days)."""
    if row.status == Deadline.Status.OPEN:
        return row.due_date < today
    closed_on = row.closed_on or (timezone.localdate(row.closed_at) if row.closed_at else None)
    return closed_on is not None and closed_on > row.due_date


def overdue_between(start: datetime.date, end: datetime.date, now=None) -> dict:
    """Of the enforcement deadlines whose due day lies in [start, end] and before today: due (how many), late (how
    many were met after the due day or are still open after it) and rate (percent, one decimal; None when none was
    due). Open and closed deadlines count; suspended and cancelled ones do not (the clock stopped, or the act
    was no longer needed). Basis: BASIS_OVERDUE (local practice)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    end = min(end, today - datetime.timedelta(days=1))
    due = late = 0
    if end >= start:
        rows = _enforcement_deadlines().filter(due_date__gte=start, due_date__lte=end,
                                               status__in=[Deadline.Status.OPEN, Deadline.Status.CLOSED])
        for row in rows.only("status", "due_date", "closed_on", "closed_at"):
            due += 1
            late += is_late(row, today)
    return {"due": due, "late": late, "rate": round(100 * late / due, 1) if due else None}


def overdue_rate(now=None, months: int = MONTHS) -> dict:
    """The overdue rate per month for the last `months` months: {months: [{month 'YYYY-MM', due, late, rate}],
    due, late, rate (the whole window), basis}. A deadline counts in the month of its due day; this month
    counts only the days already past."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    series = []
    for first in month_starts(today, months):
        last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
        series.append({"month": f"{first:%Y-%m}", **overdue_between(first, last, now)})
    due = sum(m["due"] for m in series)
    late = sum(m["late"] for m in series)
    return {"months": series, "due": due, "late": late, "rate": round(100 * late / due, 1) if due else None,
            "basis": str(BASIS_OVERDUE)}


# --------------------------------------------------------------------------------------------------------------
# Fines outside or at the edge of the discretion band
# --------------------------------------------------------------------------------------------------------------

BELOW_MIN, ABOVE_MAX, AT_MIN, AT_MAX = "below_min", "above_max", "at_min", "at_max"
OUTLIER_LABELS = {
    BELOW_MIN: _("Below the minimum without a reduction"),
    ABOVE_MAX: _("Above the maximum"),
    AT_MIN: _("At the minimum"),
    AT_MAX: _("At the maximum"),
}


def outlier_kind(fine: Decimal, low: Decimal, high: Decimal, reduced_with_ground: bool) -> str | None:
    """Where a decided fine lies against the band [low, high] (the violation type's 裁量基准): below_min (lower than
    the minimum without a reduction 减轻 with its ground, 处罚法 Art 32), above_max (no ground allows it), at_min or
    at_max (equal to an end: local practice asks for a second look), else None (inside, or below with a
    reduction and its ground)."""
    if fine > high:
        return ABOVE_MAX
    if fine < low:
        return None if reduced_with_ground else BELOW_MIN
    if fine == high:
        return AT_MAX
    if fine == low:
        return AT_MIN
    return None


def discretion_outliers(start: datetime.date, end: datetime.date) -> list[dict]:
    """Penalty decisions with a fine decided between `start` and `end` (inclusive) whose fine lies outside or at the
    edge of the violation type's discretion band as it stands now. Each: object {…}, kind (below_min | above_max |
    at_min | at_max), label, fine, fine_min, fine_max (yuan, strings), mitigation, mitigation_ground,
    decided_on. Outside first, then the edges; the latest decision first. Basis: BASIS_DISCRETION."""
    rows = (Case.objects.filter(outcome=Case.Outcome.PENALTY, fine__isnull=False, decided_on__gte=start,
                                decided_on__lte=end)
            .select_related("violation_type", "party").order_by("-decided_on", "-id"))
    result = []
    for case in rows:
        vt = case.violation_type
        reduced = case.mitigation == Case.Mitigation.REDUCED and bool(case.mitigation_ground)
        kind = outlier_kind(case.fine, vt.fine_min, vt.fine_max, reduced)
        if kind is None:
            continue
        result.append({
            "object": _object_data(case), "kind": kind, "label": str(OUTLIER_LABELS[kind]),
            "fine": f"{case.fine:.2f}", "fine_min": f"{vt.fine_min:.2f}", "fine_max": f"{vt.fine_max:.2f}",
            "mitigation": case.mitigation, "mitigation_ground": case.mitigation_ground,
            "mitigation_label": str(case.get_mitigation_display()),
            "decided_on": case.decided_on.isoformat(),
        })
    order = {BELOW_MIN: 0, ABOVE_MAX: 0, AT_MIN: 1, AT_MAX: 1}
    result.sort(key=lambda r: order[r["kind"]])  # stable: the latest decision first within each group
    return result


# --------------------------------------------------------------------------------------------------------------
# Reports not filed in time (有案不立 signals)
# --------------------------------------------------------------------------------------------------------------


def unfiled_reports(start: datetime.date, end: datetime.date, now=None) -> list[dict]:
    """Reports whose filing period (deadline case.filing, 处罚法 Art 54, the town's 15 working days by default)
    ended without a filing, a decision not to file or a transfer by its last day: those still open after it
    (whatever the due day), and those settled late whose due day lies between `start` and `end`. Each: object
    {…}, reported_on, due_date, state, state_label, settled_on (the act's day, or None while open), days
    (working days past the due day, to the act or to today). Open ones first, the oldest due first. Basis:
    BASIS_UNFILED."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_rows = list(Deadline.objects.filter(kind="case.filing", status=Deadline.Status.OPEN,
                                             due_date__lt=today))
    closed_rows = [row for row in Deadline.objects.filter(kind="case.filing", status=Deadline.Status.CLOSED,
                                                          due_date__gte=start, due_date__lte=end)
                   if is_late(row, today)]
    rows = sorted(open_rows, key=lambda r: r.due_date) + sorted(closed_rows, key=lambda r: r.due_date)
    objects = _objects(rows)
    result = []
    for row in rows:
        case = _case_of(objects.get((row.object_type, row.object_id)))
        if case is None:
            continue
        settled = None
        if row.status == Deadline.Status.CLOSED:
            settled = row.closed_on or timezone.localdate(row.closed_at)
        result.append({
            "object": _object_data(case), "reported_on": timezone.localdate(case.reported_at).isoformat(),
            "due_date": row.due_date.isoformat(), "state": case.state,
            "state_label": str(CaseState(case.state).label),
            "settled_on": settled.isoformat() if settled else None,
            "days": working_days_between(row.due_date, settled or today),
        })
    return result


# --------------------------------------------------------------------------------------------------------------
# Certification rate
# --------------------------------------------------------------------------------------------------------------


def _valid_on(officer, day: datetime.date) -> bool:
    return any(cert.valid_on(day) for cert in officer.certificates.all())


def certification_rate(start: datetime.date, end: datetime.date, now=None) -> dict:
    """持证率 (处罚法 Art 42): {certified, officers, rate (percent, one decimal; None without officers), uncertified:
    [{id, name, username}] the active enforcement officers without a certificate valid today, and
    cases_without_certificate: [{object, officer, filed_on}] the cases filed between `start` and `end` with an
    officer whose certificates were none valid on the filing day (OfficerCertificate.valid_on: issued, not
    expired — valid through its expiry day — and not revoked), basis}. The filing refuses such officers (C1), so
    a row here means the data was changed around the flow or a certificate was entered back-dated."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    officers = list(officer_list())
    uncertified = [o for o in officers if not _valid_on(o, today)]
    certified = len(officers) - len(uncertified)
    cases = (Case.objects.filter(filed_on__gte=start, filed_on__lte=end)
             .select_related("violation_type", "party").prefetch_related("officers__certificates")
             .order_by("filed_on", "id"))
    flagged = []
    for case in cases:
        for officer in case.officers.all():
            if not _valid_on(officer, case.filed_on):
                flagged.append({"object": _object_data(case), "filed_on": case.filed_on.isoformat(),
                                "officer": {"id": officer.pk, "name": officer.display_name}})
    return {
        "certified": certified, "officers": len(officers),
        "rate": round(100 * certified / len(officers), 1) if officers else None,
        "uncertified": [{"id": o.pk, "name": o.display_name, "username": o.username}
                        for o in uncertified],
        "cases_without_certificate": flagged,
        "basis": str(BASIS_CERTIFICATES),
    }


# --------------------------------------------------------------------------------------------------------------
# Everything at once
# --------------------------------------------------------------------------------------------------------------


def window(today: datetime.date, months: int = MONTHS) -> tuple[datetime.date, datetime.date]:
    """The period the lists cover: from the first day of the month `months - 1` months back to today."""
    return month_starts(today, months)[0], today


def supervision(now=None) -> dict:
    """The supervision figures as of `now` (CONTRACT §9): cards, overdue_rate (the monthly series of the last 12
    months), discretion_outliers, unfiled_reports, certification_rate (each list over the same 12 months), the
    counts of the cards (card_counts {yellow, red}), the period {start, end} and the bases of each rule."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = window(today)
    card_list = cards(now)
    counts = Counter(card["kind"] for card in card_list)
    return {
        "as_of": today.isoformat(), "period": {"start": start.isoformat(), "end": end.isoformat()},
        "soon_working_days": SOON_WORKING_DAYS,
        "cards": card_list, "card_counts": {YELLOW: counts[YELLOW], RED: counts[RED]},
        "overdue_rate": overdue_rate(now),
        "discretion_outliers": discretion_outliers(start, end),
        "unfiled_reports": unfiled_reports(start, end, now),
        "certification_rate": certification_rate(start, end, now),
        "basis": {"supervision": str(BASIS_SUPERVISION), "cards": str(BASIS_CARDS),
                  "overdue_rate": str(BASIS_OVERDUE), "discretion_outliers": str(BASIS_DISCRETION),
                  "unfiled_reports": str(BASIS_UNFILED), "certification_rate": str(BASIS_CERTIFICATES)},
    }


def week_figures(week_start: datetime.date, now=None) -> dict:
    """The figures of one week (Monday `week_start` to Sunday) for its circular, as they stand at `now`: cards
    (open now), overdue (deadlines due in the week), discretion_outliers (decided in the week), unfiled_reports
    (open ones, and those settled late with the due day in the week), certification_rate (today; cases filed in
    the week). JSON only, to be kept on the Circular row."""
    now = now or timezone.now()
    week_end = week_start + datetime.timedelta(days=6)
    card_list = cards(now)
    counts = Counter(card["kind"] for card in card_list)
    return {
        "week_start": week_start.isoformat(), "week_end": week_end.isoformat(),
        "as_of": timezone.localdate(now).isoformat(),
        "cards": card_list, "card_counts": {YELLOW: counts[YELLOW], RED: counts[RED]},
        "overdue": overdue_between(week_start, week_end, now),
        "discretion_outliers": discretion_outliers(week_start, week_end),
        "unfiled_reports": unfiled_reports(week_start, week_end, now),
        "certification_rate": certification_rate(week_start, week_end, now),
    }
