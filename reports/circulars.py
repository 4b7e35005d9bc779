"""The weekly enforcement supervision circular (执法监督通报) of the judicial office (DESIGN §12, CONTRACT §9).

A circular covers one week (Monday to Sunday). Issuing it keeps the week's figures (reports.supervision.week_figures)
on the `Circular` row, so that the document never changes afterwards, and numbers it as a document of the kind
`supervision_circular` (documents.services.issue: gap-free per year). 行政执法监督条例 (in force 2026-02-01) has the
judicial administration report what it finds in its supervision; a weekly rhythm is the town's own practice
(local practice, as many counties' 执法监督周通报 are).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from documents import registry, services as document_services
from notifications.services import notify_role
from workflows import roles
from workflows.errors import InvalidInput, Message, bilingual
from workflows.services import require

from . import supervision
from .models import Circular

KIND = "supervision_circular"
OWNER = "circulars"
NUMBER_PATTERN = "{town}司监通〔{year}〕{seq}号"

NOT_A_MONDAY = _("A circular covers a week from Monday to Sunday: give the Monday it starts on.")
WEEK_NOT_OVER = _("The week has not ended yet: a circular is issued once its week is over.")
WEEK_INVALID = _("Give the Monday of the week as YYYY-MM-DD.")
WEEK_TOO_EARLY = _("The platform holds no records before {year}: give a later week.")
#: The earliest week a circular may cover (as reports.services.FIRST_YEAR: no older data; a guard against
#: typos such as 0001-01-01, which would be numbered as a circular of year 1).
FIRST_YEAR = 2000
NOT_ISSUED = _("The circular is produced when it is issued.")


def last_week(today: datetime.date) -> datetime.date:
    """The Monday of the week before the one `today` lies in."""
    return today - datetime.timedelta(days=today.weekday() + 7)


def parse_week(value) -> datetime.date | None:
    """A week's Monday from a date or 'YYYY-MM-DD'; None for an empty value; InvalidInput (400) otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(WEEK_INVALID, fields={"week_start": [bilingual(WEEK_INVALID)]}) from None


def issue_circular(*, week_start=None, user=None, remarks: str = "", now=None) -> tuple[Circular, bool]:
    """Issue the circular of the week starting `week_start` (a Monday; default: last week) and tell the judicial
    office (in-app notification). Returns (circular, created).

    Idempotent: a week already issued returns its circular unchanged (created False), whoever asks, so the Monday
    task may run twice or be retried. `user` None is the system (the beat task); a person needs the action
    supervision.circular (the judicial office; 403 otherwise). Refuses (400) a day that is not a Monday, one before FIRST_YEAR,
    or a week not yet over (its Sunday is today or later)."""
    if user is not None:
        require("supervision.circular", user)
    now = now or timezone.now()
    today = timezone.localdate(now)
    week_start = parse_week(week_start) or last_week(today)
    if week_start >= today:  # also keeps a far-future date from overflowing the week's Sunday
        raise InvalidInput(WEEK_NOT_OVER, fields={"week_start": [bilingual(WEEK_NOT_OVER)]})
    if week_start.year < FIRST_YEAR:
        message = Message(WEEK_TOO_EARLY, year=FIRST_YEAR)
        raise InvalidInput(message, fields={"week_start": [bilingual(message)]})
    if week_start.weekday() != 0:
        raise InvalidInput(NOT_A_MONDAY, fields={"week_start": [bilingual(NOT_A_MONDAY)]})
    if week_start + datetime.timedelta(days=6) >= today:
        raise InvalidInput(WEEK_NOT_OVER, fields={"week_start": [bilingual(WEEK_NOT_OVER)]})
    existing = Circular.objects.filter(week_start=week_start).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            circular = Circular.objects.create(
                week_start=week_start, figures=supervision.week_figures(week_start, now),
                remarks=(remarks or "").strip(), issued_by=user if getattr(user, "pk", None) else None)
            document = document_services.issue(KIND, circular, user=user, on=today)
            counts = circular.figures["card_counts"]
            notify_role(roles.JUDICIAL_OFFICE,
                        gettext("Supervision circular {number} issued").format(number=document.number),
                        gettext("Week of {start} to {end}: {red} red and {yellow} yellow cards.").format(
                            start=circular.figures["week_start"], end=circular.figures["week_end"],
                            red=counts["red"], yellow=counts["yellow"]),
                        link=circular.page_path())
    except IntegrityError:
        # Another run issued the same week in the meantime (week_start is unique): theirs stands.
        return Circular.objects.get(week_start=week_start), False
    return circular, True


def circulars():
    """Every circular, the latest week first."""
    return Circular.objects.order_by("-week_start")


# --- the document ---------------------------------------------------------------------------------------------


def _day(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def _rate(value) -> str:
    return "—" if value is None else f"{value:g}%"


def circular_context(circular, record=None) -> dict:
    """执法监督通报 from the figures kept on the circular: the week, the cards, the deadlines met late, the fines at or
    beyond the discretion band, the reports not filed in time and the certification rate, each with its basis.
    Further keys: `week_start`, `week_end`, `card_counts`."""
    f = circular.figures
    counts = f["card_counts"]
    overdue = f["overdue"]
    cert = f["certification_rate"]
    card_lines = [
        gettext("{colour}: {number} {title}, {deadline} due {due}; {days}.").format(
            colour=gettext("Red card") if c["kind"] == "red" else gettext("Yellow card"),
            number=c["object"]["number"] or gettext("(not yet filed)"), title=c["object"]["title"],
            deadline=c["deadline"]["name"], due=_day(c["deadline"]["due_date"]),
            days=(gettext("{n} working days overdue") if c["kind"] == "red"
                  else gettext("{n} working days left")).format(n=c["days"]))
        for c in f["cards"]] or [gettext("No case deadline is near or missed.")]
    outlier_lines = [
        gettext("{number} {title}: fine {fine} yuan, band {low}–{high} yuan ({label}), decided {day}.").format(
            number=o["object"]["number"], title=o["object"]["title"], fine=o["fine"], low=o["fine_min"],
            high=o["fine_max"], label=o["label"], day=_day(o["decided_on"]))
        for o in f["discretion_outliers"]] or [gettext("No fine decided this week lies at or beyond its band.")]
    unfiled_lines = [
        gettext("{title}: reported {reported}, to be filed by {due}; {status}.").format(
            title=u["object"]["title"], reported=_day(u["reported_on"]), due=_day(u["due_date"]),
            status=(gettext("still not filed ({n} working days late)").format(n=u["days"]) if not u["settled_on"]
                    else gettext("settled on {day}, {n} working days late").format(
                        day=_day(u["settled_on"]), n=u["days"])))
        for u in f["unfiled_reports"]] or [gettext("No report is past its filing period.")]
    cert_lines = [gettext("{certified} of {officers} enforcement officers hold a valid certificate ({rate}).").format(
        certified=cert["certified"], officers=cert["officers"], rate=_rate(cert["rate"]))]
    cert_lines += [gettext("Without a valid certificate: {name}.").format(name=o["name"]) for o in cert["uncertified"]]
    cert_lines += [gettext("{number}: filed on {day} with {name}, whose certificate was not valid that day.").format(
        number=c["object"]["number"], day=_day(c["filed_on"]), name=c["officer"]["name"])
        for c in cert["cases_without_certificate"]]
    sections = [
        {"heading": gettext("I. Deadline warnings"), "paragraphs": [
            gettext("As of {day}: {red} red cards (deadline missed) and {yellow} yellow cards (due within 3 working "
                    "days).").format(day=_day(f["as_of"]), red=counts["red"], yellow=counts["yellow"]),
            *card_lines]},
        {"heading": gettext("II. Deadlines met late"), "paragraphs": [
            gettext("Of {due} case deadlines due this week, {late} were met late or are still open ({rate}).").format(
                due=overdue["due"], late=overdue["late"], rate=_rate(overdue["rate"]))]},
        {"heading": gettext("III. Fines at or beyond the discretion band"), "paragraphs": outlier_lines},
        {"heading": gettext("IV. Reports not filed in time"), "paragraphs": unfiled_lines},
        {"heading": gettext("V. Enforcement certificates"), "paragraphs": cert_lines},
    ]
    if circular.remarks:
        sections.append({"heading": gettext("VI. Remarks"), "paragraphs": [circular.remarks]})
    sections.append({"heading": gettext("Basis"), "paragraphs": [
        str(supervision.BASIS_SUPERVISION), str(supervision.BASIS_CARDS), str(supervision.BASIS_DISCRETION),
        str(supervision.BASIS_UNFILED), str(supervision.BASIS_CERTIFICATES)]})
    return {
        "issuer": f"{settings.TOWN_NAME}司法所",
        "fields": [{"label": gettext("Week"),
                    "value": f"{_day(f['week_start'])}至{_day(f['week_end'])}"}],
        "sections": sections, "seal": False,
        "week_start": f["week_start"], "week_end": f["week_end"], "card_counts": counts,
    }


def _unavailable(circular, record):
    # A circular exists once issued: the row is created in the same transaction as its number.
    return None if circular.pk else NOT_ISSUED


def register() -> None:
    """The circular as an owner of documents and its one document kind (called from ReportsConfig.ready)."""
    registry.register_owner(registry.Owner(
        name=OWNER, model=Circular,
        may_view=lambda user, circular: roles.may("supervision.view", user),
        may_attach=lambda user, circular: False,
        label=lambda circular: f"{circular.week_start:%Y%m%d}",
        url=lambda circular: reverse("reports:circular", args=[circular.pk]),
    ))
    registry.register(registry.DocumentKind(
        name=KIND, owner=OWNER, title=_("Enforcement supervision circular"),
        context=circular_context, unavailable=_unavailable,
        numbered=True, number_pattern=NUMBER_PATTERN, order=10,
    ))
