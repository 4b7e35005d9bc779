"""The reports' business actions (DESIGN §12, CONTRACT §9), called alike by pages, API, admin and Celery tasks.

- `open_year(kind, year)`: the year's report row and its deadlines (idempotent; the beat task calls it daily);
- `save_narrative(...)`: the parts a person writes, kept per year;
- `record_submission(...)` / `record_publication(...)`: the day the report went to the county / was made public,
  which closes its deadline.

Every function taking a `user` checks the role table (workflows.roles: `report.edit`, else 403); a wrong field is
InvalidInput (400, the field named). Deadlines: report.rule_of_law_submit (03-01) and report.rule_of_law_publish
(04-01) after 厅字〔2019〕28号; report.statistics_publish (01-31) after 国办发〔2018〕118号 — dates fixed by those
documents, not by a statute, and editable by the admin in the deadline table (notifications/deadline_rules.json).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from notifications.deadlines import close_deadlines, open_deadline
from notifications.models import Deadline
from workflows import audit
from workflows.errors import InvalidInput, Message, bilingual
from workflows.services import require
from workflows.text_limits import LONG_TEXT

from .models import NARRATIVE_PARTS, AnnualReport

#: The deadlines each kind of report opens when its year ends, and which act closes each.
DEADLINES = {
    AnnualReport.Kind.RULE_OF_LAW: {"submitted_on": "report.rule_of_law_submit",
                                    "published_on": "report.rule_of_law_publish"},
    AnnualReport.Kind.STATISTICS: {"published_on": "report.statistics_publish"},
}
#: The document kind of the rule-of-law report in the document machinery (registered by reports.documents).
DOCUMENT_KIND = "rule_of_law_report"
#: The earliest year a report may be asked for (the platform holds no older data; a guard against typos).
FIRST_YEAR = 2000

UNKNOWN_KIND = _("Unknown kind of report.")
BAD_YEAR = _("Enter a year from {first} to {last}.")
UNKNOWN_PART = _("This report has no part named {part}.")
PART_TOO_LONG = _("At most {limit} characters.")
NOT_A_TEXT = _("Enter text.")
DATE_IN_FUTURE = _("The date may not be after today ({today}).")
DATE_BEFORE_YEAR_END = _("A report on {year} is submitted or published after that year ends, not on {day}.")
NOT_SUBMITTABLE = _("Only the annual report on building a rule-of-law government is submitted to the county.")


def check_kind_and_year(kind, year, *, today: datetime.date | None = None) -> tuple[str, int]:
    """The kind and year of a report as asked for, checked: kind one of AnnualReport.Kind, year an integer from
    FIRST_YEAR to this year (a year still running may be drafted). Raises InvalidInput (400)."""
    today = today or timezone.localdate()
    if kind not in AnnualReport.Kind.values:
        raise InvalidInput(UNKNOWN_KIND, fields={"kind": [bilingual(UNKNOWN_KIND)]})
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = None
    if year is None or not FIRST_YEAR <= year <= today.year:
        message = Message(BAD_YEAR, first=FIRST_YEAR, last=today.year)
        raise InvalidInput(message, fields={"year": [bilingual(message)]})
    return kind, year


@transaction.atomic
def open_year(kind: str, year: int) -> AnnualReport:
    """The `kind` report of `year`, created if missing, with its deadlines opened once (anchored on 31 December of
    the year; a fixed yearly date falls in the next year). A deadline already opened, met or cancelled is left
    alone, so calling this again (the daily beat task, a page view) changes nothing. Returns the report."""
    report, _created = AnnualReport.objects.get_or_create(kind=kind, year=year)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    anchor = datetime.date(year, 12, 31)
    for field, deadline_kind in DEADLINES[kind].items():
        if getattr(report, field) is not None:
            continue
        if Deadline.objects.filter(object_type=audit.object_type_of(report), object_id=report.pk,
                                   kind=deadline_kind).exists():
            continue
        open_deadline(report, deadline_kind, anchor)
    return report


@transaction.atomic
def save_narrative(*, kind: str, year: int, user, narrative: dict, client_ip=None) -> AnnualReport:
    """Keep the narrative parts of the `kind` report of `year`: `narrative` maps part keys of
    models.NARRATIVE_PARTS[kind] to text (at most LONG_TEXT characters each); parts not named keep their text.
    Refuses (403) without `report.edit`, (400) an unknown part or a text too long. Audited. Returns the report."""
    require("report.edit", user)
    kind, year = check_kind_and_year(kind, year)
    parts = NARRATIVE_PARTS[kind]
    errors = {}
    cleaned = {}
    for key, text in (narrative or {}).items():
        if key not in parts:
            errors.setdefault(key, []).append(bilingual(Message(UNKNOWN_PART, part=key)))
        elif not isinstance(text, str):
            errors.setdefault(key, []).append(bilingual(NOT_A_TEXT))
        elif len(text) > LONG_TEXT:
            errors.setdefault(key, []).append(bilingual(Message(PART_TOO_LONG, limit=LONG_TEXT)))
        else:
            cleaned[key] = text.strip()
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    report = open_year(kind, year)
    report.narrative = {**report.narrative, **cleaned}
    report.updated_by = user
    report.save(update_fields=["narrative", "updated_by", "updated_at"])
    audit.record(report, transition="save_narrative", user=user, fields={"parts": sorted(cleaned)},
                 client_ip=client_ip)
    return report


def _record_day(*, kind, year, user, field, day, client_ip) -> AnnualReport:
    require("report.edit", user)
    kind, year = check_kind_and_year(kind, year)
    if field not in DEADLINES[kind]:
        raise InvalidInput(NOT_SUBMITTABLE, fields={field: [bilingual(NOT_SUBMITTABLE)]})
    today = timezone.localdate()
    day = day or today
    if day > today:
        message = Message(DATE_IN_FUTURE, today=today)
        raise InvalidInput(message, fields={field: [bilingual(message)]})
    if day <= datetime.date(year, 12, 31):
        message = Message(DATE_BEFORE_YEAR_END, year=year, day=day)
        raise InvalidInput(message, fields={field: [bilingual(message)]})
    report = open_year(kind, year)
    setattr(report, field, day)
    report.updated_by = user
    report.save(update_fields=[field, "updated_by", "updated_at"])
    close_deadlines(report, DEADLINES[kind][field], closed_on=day)
    audit.record(report, transition=f"record_{field.removesuffix('_on')}", user=user, fields={field: day},
                 client_ip=client_ip)
    return report


@transaction.atomic
def record_submission(*, kind: str, year: int, user, day: datetime.date | None = None, client_ip=None):
    """Record that the rule-of-law report of `year` went to the county on `day` (default today; not ahead of today,
    after the year ended): closes report.rule_of_law_submit. 400 for the statistics (they are published, not
    submitted) or a bad date; 403 without `report.edit`. Returns the report."""
    return _record_day(kind=kind, year=year, user=user, field="submitted_on", day=day, client_ip=client_ip)


@transaction.atomic
def record_publication(*, kind: str, year: int, user, day: datetime.date | None = None, client_ip=None):
    """Record that the `kind` report of `year` was made public on `day` (default today; not ahead of today, after
    the year ended): closes report.rule_of_law_publish or report.statistics_publish. 400 for a bad date; 403
    without `report.edit`. Returns the report."""
    return _record_day(kind=kind, year=year, user=user, field="published_on", day=day, client_ip=client_ip)


def report_of(kind: str, year: int) -> AnnualReport:
    """The `kind` report of `year` as kept, or an unsaved empty one (no narrative, nothing recorded) when nobody
    has opened it yet: reading a report changes nothing. `kind` and `year` as check_kind_and_year gives them."""
    return AnnualReport.objects.filter(kind=kind, year=year).first() or AnnualReport(kind=kind, year=year)


def deadlines_of_report(report: AnnualReport) -> list:
    """The deadlines of a kept report (submission, publication), oldest due first; [] for an unsaved one."""
    if report.pk is None:
        return []
    return list(Deadline.objects.filter(object_type=audit.object_type_of(report), object_id=report.pk)
                .select_related("rule").order_by("due_at", "pk"))


def kept_report(kind: str, year: int) -> AnnualReport:
    """The `kind` report of `year`, its row created if missing (without opening deadlines: a document needs an
    owner with an id, e.g. to download this year's draft). `kind` and `year` as check_kind_and_year gives them."""
    report, _created = AnnualReport.objects.get_or_create(kind=kind, year=year)
    return report


def title_of(year: int) -> str:
    """The report's title as the town writes it: 宝丰县石桥镇人民政府关于2023年法治政府建设情况的报告 (county and
    town from settings.COUNTY_NAME and settings.TOWN_NAME)."""
    return gettext("{county}{town} People's Government: report on building a rule-of-law government in {year}"
                   ).format(county=settings.COUNTY_NAME, town=settings.TOWN_NAME, year=year)
