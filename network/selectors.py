"""The network's list queries (DESIGN §11): the registers filtered, the coverage of the villages by a legal
adviser on a day, the 法律明白人 per village, the activities by year and kind, and the columns of their exports."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Sum
from django.utils.translation import gettext_lazy as _

from cases.models import Village

from .models import Activity, ActivityKind, LegalAdviser, LegalLiterate


def adviser_list(village=None, current_on=None):
    """The advisers, by village then newest contract first; `village` a Village id; `current_on` a day: only the
    contracts that run on it."""
    rows = LegalAdviser.objects.select_related("village")
    if village:
        rows = rows.filter(village_id=village)
    if current_on:
        rows = rows.filter(contract_start__lte=current_on, contract_end__gte=current_on)
    return rows


def literate_list(village=None, search=None):
    """The 法律明白人, by village and name; `village` a Village id; `search` part of a name."""
    rows = LegalLiterate.objects.select_related("village")
    if village:
        rows = rows.filter(village_id=village)
    if search:
        rows = rows.filter(name__icontains=search)
    return rows


def activity_list(village=None, year=None, kind=None, town_only=False):
    """The activities, newest first; `village` a Village id, `town_only` those the town held itself (no village),
    `year` the year held, `kind` an ActivityKind value."""
    rows = Activity.objects.select_related("village")
    if town_only:
        rows = rows.filter(village__isnull=True)
    elif village:
        rows = rows.filter(village_id=village)
    if year:
        rows = rows.filter(held_on__year=year)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


@dataclass
class CoverageRow:
    village: Village
    adviser: LegalAdviser | None  # the adviser whose contract runs on the day
    literates: int  # the village's 法律明白人


@dataclass
class Coverage:
    day: object
    rows: list
    covered: int
    total: int

    @property
    def percent(self) -> float:
        """Villages covered on the day, in percent of all villages (0 when the town has none)."""
        return round(100 * self.covered / self.total, 1) if self.total else 0.0

    @property
    def literates(self) -> int:
        return sum(row.literates for row in self.rows)


def coverage(day) -> Coverage:
    """Every village with its legal adviser on `day` (a contract whose start ≤ day ≤ end; an expired contract
    does not count the day after its end) and its number of 法律明白人; `covered` the villages with one."""
    current = LegalAdviser.objects.filter(contract_start__lte=day, contract_end__gte=day).order_by("contract_start")
    villages = (Village.objects.annotate(literate_count=Count("legal_literates"))
                .prefetch_related(Prefetch("legal_advisers", queryset=current, to_attr="current_advisers")))
    rows = [CoverageRow(village, (village.current_advisers or [None])[0], village.literate_count)
            for village in villages]
    return Coverage(day=day, rows=rows, covered=sum(1 for row in rows if row.adviser), total=len(rows))


def activity_counts(year) -> dict:
    """For `year`: kind → {"count": activities, "attendance": people}, every kind present (0 when none)."""
    counts = {kind: {"count": 0, "attendance": 0} for kind in ActivityKind.values}
    for row in (Activity.objects.filter(held_on__year=year).order_by().values("kind")
                .annotate(n=Count("pk"), people=Sum("attendance"))):
        counts[row["kind"]] = {"count": row["n"], "attendance": row["people"] or 0}
    return counts


def activity_years() -> list[int]:
    """The years that have activities, newest first."""
    return sorted({day.year for day in Activity.objects.dates("held_on", "year")}, reverse=True)


# --- exports ------------------------------------------------------------------------------------------------

def _phone_column(show_phones: bool):
    return [(_("Phone"), "phone")] if show_phones else []


def adviser_export_columns(show_phones: bool) -> list:
    return [(_("Village"), "village.name"), (_("Full name"), "name"),
            (_("Law firm"), "firm"), *_phone_column(show_phones),
            (_("Contract start"), "contract_start"), (_("Contract end"), "contract_end")]


def literate_export_columns(show_phones: bool) -> list:
    return [(_("Village"), "village.name"), (_("Full name"), "name"), *_phone_column(show_phones),
            (_("Trained on"), "trained_on")]


ACTIVITY_EXPORT_COLUMNS = [
    (_("Date held"), "held_on"),
    (_("Kind"), lambda a: str(a.get_kind_display())),
    (_("Title"), "title"),
    (_("Village"), lambda a: a.village.name if a.village else str(_("The town"))),
    (_("Attendance"), "attendance"),
    (_("Campaign"), "campaign"),
]
