"""The 行政执法统计年报 of one year, counted from the data (DESIGN §12, CONTRACT §9, research/domain-systems.md §4).

`enforcement_statistics(year)` returns the tables, each cell with the rule that counts it, in words; `workbook(...)`
writes them as XLSX (one sheet per table, the 情况说明 and the counting rules). Nothing is stored: the figures are
computed each time, so a decision corrected later changes the table (the published file is what was published).

Counting rules (国办发〔2018〕118号 asks for the year's data by 31 January; the rules below are the counties' forms
read in the research note — local practice, not a statute):
- a decision made from 1 January to 31 December of the year counts, also one revoked later (it was made that year);
- one decision is one case (宗), counted once under its heaviest kind, in the order of 行政处罚法 Art 9 from the
  heaviest (DESIGN §12): 行政拘留, 限制从业, 责令关闭, 责令停产停业, 限制开展生产经营活动, 吊销许可证件, 降低资质等级,
  暂扣许可证件, 没收非法财物, 没收违法所得, 罚款, 通报批评, 警告. This is NOT cases.measures' `severity` (the brigade's
  reading for Art 45 ¶2, which ranks 吊销许可证件 above 责令停产停业 and 限制从业, and the two confiscations alike);
  the statistics follow Art 9's order as the forms do;
- a named kind plus 其他 counts under the named kind; 其他 alone counts under 其他;
- 罚没金额 (万元, two decimals): the fines plus the confiscations whose value the decision states, at the decision's
  own figure (a fine changed later on reconsideration or by a court counts at the figure first decided).
"""

import datetime
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cases.models import Case, CaseState, InspectionRecord, LegalReview, OfficerCertificate, Remedy
from notifications.deadlines import compute_due
from notifications.models import Deadline, DeadlineRule
from workflows import roles
from workflows.audit import object_type_of
from workflows.models import AuditEntry

from .models import NARRATIVE_PARTS

TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")

#: 行政处罚法 Art 9 from the heaviest (DESIGN §12): the statistics' order. `detention` (行政拘留) has no code in
#: cases.measures: only public security detains (Art 18 ¶3, statute), so a township's column is always 0.
HEAVIEST_FIRST = ("detention", "restrict_practice", "close_down", "suspend_production", "restrict_business",
                  "revoke_permit", "lower_qualification", "suspend_permit", "confiscate_property",
                  "confiscate_gains", "fine", "criticism", "warning")
OTHER = "other"

#: The columns of the penalties table, in the forms' order (research §4: lightest first, then 其他 and 合计).
PENALTY_COLUMNS = {
    "warning": _("Warning"),
    "criticism": _("Public criticism"),
    "fine": _("Fine"),
    "confiscate_gains": _("Confiscation of illegal gains"),
    "confiscate_property": _("Confiscation of illegal property"),
    "suspend_permit": _("Suspension of a permit"),
    "lower_qualification": _("Lowering of the qualification grade"),
    "revoke_permit": _("Revocation of a permit"),
    "restrict_business": _("Restriction of production or business activities"),
    "suspend_production": _("Order to suspend production or business"),
    "close_down": _("Order to close down"),
    "restrict_practice": _("Restriction of practice"),
    "detention": _("Administrative detention"),
    "other": _("Other administrative penalty"),
}


def heaviest_kind(codes) -> str:
    """The kind a decision with the measure `codes` (cases.measures codes) is counted under: the first of
    HEAVIEST_FIRST among them; `other` only when no named kind is there (a named kind plus 其他 counts under the
    named kind); `other` too for a decision without any code (a kind not kept on the record)."""
    present = set(codes or ())
    for code in HEAVIEST_FIRST:
        if code in present:
            return code
    return OTHER


def wan_yuan(yuan: Decimal) -> Decimal:
    """Yuan to 万元, rounded half up to two decimals (Decimal arithmetic throughout, never float)."""
    return (Decimal(yuan) / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Decision:
    """One penalty decision made in the year, as the table counts it."""

    case_id: int
    decided_on: datetime.date
    procedure: str
    kind: str
    amount: Decimal  # yuan: the fine plus a determinable confiscation, at the decision's figure
    revoked: bool
    reduced: bool


def _year_bounds(year: int):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def penalty_decisions(year: int) -> list[Decision]:
    """The penalty decisions made in `year` (decided_on from 1 January to 31 December), one per decision:
    - every case whose current decision is a penalty decided in the year — also one revoked later on
      reconsideration or by a court (the revoked decision stays on the case, cases.flows `_remedy_outcome`);
    - every decision revoked with a new decision ordered (撤销并责令重新作出): the case's decision was cleared, the
      remedy keeps its date and fine (Remedy.previous_decided_on, previous_fine); such a decision with a fine counts
      under 罚款 (the other measures of a cleared decision are not kept on the record), one without a fine is not
      counted (the record does not say whether it was a penalty).
    The fine is the figure first decided: a fine changed by a remedy counts at the remedy's `previous_fine`."""
    first, last = _year_bounds(year)
    decisions = []
    cases = (Case.objects.filter(outcome=Case.Outcome.PENALTY, decided_on__range=(first, last))
             .prefetch_related(Prefetch("remedies", queryset=Remedy.objects.order_by("id"))).order_by("id"))
    for case in cases:
        remedies = list(case.remedies.all())
        fine = case.fine
        changed = [r for r in remedies if r.outcome == Remedy.Outcome.CHANGED
                   and r.previous_decided_on == case.decided_on]
        if changed:
            fine = changed[0].previous_fine
        amount = (fine or Decimal(0)) + (case.confiscation_value or Decimal(0))
        decisions.append(Decision(
            case_id=case.pk, decided_on=case.decided_on, procedure=case.procedure,
            kind=heaviest_kind(case.measures), amount=amount,
            revoked=any(r.outcome == Remedy.Outcome.REVOKED for r in remedies),
            reduced=case.mitigation == Case.Mitigation.REDUCED))
    redone = (Remedy.objects.filter(outcome=Remedy.Outcome.REVOKED_REDO, previous_decided_on__range=(first, last),
                                    previous_fine__isnull=False)
              .select_related("case").order_by("id"))
    for remedy in redone:
        decisions.append(Decision(
            case_id=remedy.case_id, decided_on=remedy.previous_decided_on, procedure=remedy.case.procedure,
            kind="fine", amount=remedy.previous_fine, revoked=True, reduced=False))
    return decisions


def _table(key, title, columns, rows, note=""):
    """A table: `columns` [(key, label, rule in words)], `rows` [(key, label, {column key: value})]."""
    return {
        "key": key, "title": str(title), "note": str(note),
        "columns": [{"key": ckey, "label": str(label), "rule": str(rule)} for ckey, label, rule in columns],
        "rows": [{"key": rkey, "label": str(label), "values": [values.get(ckey) for ckey, _l, _r in columns]}
                 for rkey, label, values in rows],
    }


def _body_table(year: int, reference_day: datetime.date):
    officers = list(get_user_model().objects.filter(groups__name=roles.ENFORCEMENT_OFFICER, is_active=True)
                    .prefetch_related(Prefetch("certificates", queryset=OfficerCertificate.objects.all()))
                    .distinct())
    in_post = len(officers)
    certified = sum(1 for officer in officers if any(c.valid_on(reference_day) for c in officer.certificates.all()))
    rate = (Decimal(certified) * 100 / in_post).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if in_post else None
    columns = [
        ("in_post", _("Officers in post"),
         _("Active users holding the enforcement officer role now (lawflow keeps no history of posts).")),
        ("certified", _("Certified officers"),
         _("Of those, the officers holding an enforcement certificate valid on {day}.").format(day=reference_day)),
        ("rate", _("Certification rate (%)"),
         _("Certified officers ÷ officers in post × 100, one decimal; empty when nobody is in post.")),
    ]
    values = {"in_post": in_post, "certified": certified, "rate": rate}
    return _table("body", _("Enforcement body"), columns,
                  [("brigade", _("Comprehensive administrative enforcement brigade"), values)])


def _penalty_table(decisions):
    kinds = list(PENALTY_COLUMNS)
    columns = [(code, label, _("Decisions whose heaviest kind (Art 9 order) is this one."))
               for code, label in PENALTY_COLUMNS.items()]
    columns[kinds.index("detention")] = (
        "detention", PENALTY_COLUMNS["detention"],
        _("Always 0: only public security detains (Administrative Penalty Law Art 18 ¶3)."))
    columns[kinds.index("other")] = (
        "other", PENALTY_COLUMNS["other"],
        _("Decisions with only an other penalty (a named kind plus other counts under the named kind)."))
    columns += [
        ("total", _("Total"), _("Every penalty decision made in the year, once (also those revoked later).")),
        ("amount", _("Fines and confiscations (10,000 yuan)"),
         _("Fines plus confiscations whose value the decision states, at the decision's figure, in 10,000 yuan, "
           "two decimals.")),
    ]

    def row(selected):
        values = {code: sum(1 for d in selected if d.kind == code) for code in kinds}
        values["total"] = len(selected)
        values["amount"] = wan_yuan(sum((d.amount for d in selected), Decimal(0)))
        return values

    rows = [
        ("general", _("General procedure"), row([d for d in decisions if d.procedure != Case.Procedure.SIMPLE])),
        ("simple", _("Simple procedure (on the spot)"),
         row([d for d in decisions if d.procedure == Case.Procedure.SIMPLE])),
        ("total", _("Total"), row(decisions)),
    ]
    return _table("penalties", _("Administrative penalties (cases)"), columns, rows,
                  _("Counted in cases: one decision is one case, under its heaviest kind."))


def _handling_table(year: int, decisions):
    first, last = _year_bounds(year)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    remedies = Remedy.objects.all()
    corrected = (Remedy.Outcome.REVOKED, Remedy.Outcome.REVOKED_REDO, Remedy.Outcome.CHANGED)
    columns = [
        ("filed", _("Cases filed"), _("Cases filed (立案) in the year, by the filing date; on-the-spot decisions "
                                     "are not filed.")),
        ("closed", _("Cases closed"), _("Cases closed in the year (the closing step, or a revocation ending the "
                                       "case), by the day it was recorded.")),
        ("no_penalty", _("No-penalty decisions"), _("Decisions not to penalise (不予处罚) made in the year; not "
                                                    "counted as penalties.")),
        ("reduced", _("Reduced penalties"), _("Penalty decisions of the year reduced below the minimum (减轻).")),
        ("legal_reviews", _("Legal reviews"), _("Legal reviews (法制审核) recorded in the year, every round.")),
        ("transfers", _("Transfers"), _("Cases transferred (移送) in the year, by the transfer date.")),
        ("reconsiderations", _("Reconsiderations"), _("Reconsiderations filed in the year.")),
        ("reconsiderations_corrected", _("Reconsiderations: revoked or changed"),
         _("Reconsiderations decided in the year that revoked or changed the decision.")),
        ("lawsuits", _("Lawsuits"), _("Lawsuits filed in the year.")),
        ("lawsuits_corrected", _("Lawsuits: revoked or changed"),
         _("Lawsuits decided in the year that revoked or changed the decision.")),
    ]
    closing = {"close", "record_remedy"}
    closed_ids = set(
        AuditEntry.objects.filter(object_type="cases.case", transition__in=closing, target=CaseState.CLOSED,
                                  at__gte=start, at__lt=end).values_list("object_id", flat=True))
    values = {
        "filed": Case.objects.filter(filed_on__range=(first, last)).count(),
        "closed": len(closed_ids),
        "no_penalty": Case.objects.filter(outcome=Case.Outcome.NO_PENALTY, decided_on__range=(first, last)).count(),
        "reduced": sum(1 for d in decisions if d.reduced),
        "legal_reviews": LegalReview.objects.filter(created_at__gte=start, created_at__lt=end).count(),
        "transfers": Case.objects.filter(transferred_on__range=(first, last)).count(),
        "reconsiderations": remedies.filter(kind=Remedy.Kind.RECONSIDERATION, filed_on__range=(first, last)).count(),
        "reconsiderations_corrected": remedies.filter(kind=Remedy.Kind.RECONSIDERATION, outcome__in=corrected,
                                                      decided_on__range=(first, last)).count(),
        "lawsuits": remedies.filter(kind=Remedy.Kind.LAWSUIT, filed_on__range=(first, last)).count(),
        "lawsuits_corrected": remedies.filter(kind=Remedy.Kind.LAWSUIT, outcome__in=corrected,
                                              decided_on__range=(first, last)).count(),
    }
    return _table("handling", _("Case handling"), columns, [("brigade", _("Comprehensive administrative "
                                                                          "enforcement brigade"), values)])


def _permit_table():
    columns = [(key, label, _("Not kept in lawflow.")) for key, label in (
        ("applied", _("Applied")), ("accepted", _("Accepted")), ("granted", _("Granted")),
        ("refused", pgettext_lazy("permits", "Refused")), ("revoked", _("Revoked")))]
    return _table("permits", _("Administrative permits"), columns,
                  [("brigade", _("Comprehensive administrative enforcement brigade"), {})],
                  _("lawflow handles no administrative permits: these figures come from the permit system and are "
                    "left empty here rather than guessed."))


def _compulsion_table(year: int):
    first, last = _year_bounds(year)
    columns = [
        ("demands", _("Payment demands"), _("Written demands (催告) served in the year (行政强制法 Art 54).")),
        ("court_applications", _("Applications for court enforcement"),
         _("Applications to the court for enforcement made in the year (行政强制法 Art 53).")),
    ]
    values = {
        "demands": Case.objects.filter(demand_served_on__range=(first, last)).count(),
        "court_applications": Case.objects.filter(court_applied_on__range=(first, last)).count(),
    }
    return _table("compulsion", _("Administrative compulsion"), columns,
                  [("brigade", _("Comprehensive administrative enforcement brigade"), values)],
                  _("The brigade takes no compulsory measures of its own in lawflow; a demand or an application "
                    "cleared with a revoked decision is no longer counted."))


def _other_acts_table(year: int):
    first, last = _year_bounds(year)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    columns = [("inspections", _("Inspections"),
                _("On-site inspection records (现场检查笔录) whose inspection started in the year."))]
    values = {"inspections": InspectionRecord.objects.filter(started_at__gte=start, started_at__lt=end).count()}
    return _table("other_acts", _("Other administrative acts"), columns,
                  [("brigade", _("Comprehensive administrative enforcement brigade"), values)],
                  _("Expropriation, requisition, confirmation, payments, rulings and rewards are not handled in "
                    "lawflow."))


def general_rules() -> list[str]:
    """The counting rules of the whole report, in words (the XLSX's rules sheet and the page print them)."""
    return [str(rule) for rule in (
        _("Decisions made from 1 January to 31 December of the year are counted, also those revoked later."),
        _("One decision is one case, counted once under its heaviest kind, in the order of Administrative Penalty "
          "Law Art 9 from the heaviest: detention, restriction of practice, closing down, suspension of production "
          "or business, restriction of business activities, revocation of a permit, lowering of the qualification "
          "grade, suspension of a permit, confiscation of illegal property, confiscation of illegal gains, fine, "
          "public criticism, warning."),
        _("A named kind plus an other penalty counts under the named kind."),
        _("Fines and confiscations are in 10,000 yuan: fines plus confiscations whose value the decision states, "
          "at the decision's figure (a fine changed later counts at the figure first decided)."),
        _("A decision revoked with a new decision ordered counts by its date and fine kept on the remedy; its "
          "other measures are not kept, so it counts under fine."),
        _("No-penalty decisions and reports not filed are not penalties and are not counted in the penalties "
          "table."),
    )]


def reference_day(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day the enforcement body is counted on: 31 December of the year, or today while the year runs."""
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


def enforcement_statistics(year: int) -> dict:
    """The tables of the 行政执法统计年报 of `year` (an int, already checked by the caller):
    {"year", "period": {"from", "to"} (ISO dates), "reference_day", "rules": [text], "tables": [{"key", "title",
    "note", "columns": [{"key", "label", "rule"}], "rows": [{"key", "label", "values": [...]}]}]}. Counts are
    ints; 罚没金额 is a Decimal in 万元 (two decimals); the certification rate a Decimal percent (one decimal) or
    None; the permits table's values are None (not kept in lawflow). Labels in the active language."""
    first, last = _year_bounds(year)
    day = reference_day(year)
    decisions = penalty_decisions(year)
    return {
        "year": year,
        "period": {"from": first.isoformat(), "to": last.isoformat()},
        "reference_day": day.isoformat(),
        "rules": general_rules(),
        "tables": [
            _body_table(year, day),
            _penalty_table(decisions),
            _handling_table(year, decisions),
            _permit_table(),
            _compulsion_table(year),
            _other_acts_table(year),
        ],
    }


# --- the XLSX ---------------------------------------------------------------------------------------------------

def _sheet_title(title) -> str:
    """A worksheet name Excel accepts (as web.exports.sheet_title, which this layer may not import)."""
    cleaned = "".join(ch for ch in str(title or "") if ch not in '[]:*?/\\').strip("' ")
    return cleaned[:31] or "Sheet"


def _put(sheet, row, column, value, *, bold=False):
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, Decimal):
        cell.value = value
        cell.number_format = "0.00" if value.as_tuple().exponent == -2 else "0.0"
    elif value is None or isinstance(value, int):
        cell.value = value
    else:
        cell.value = str(value)
        # Text stays text: a label or a narrative typed as `=HYPERLINK(…)` must not run in the reader's Excel
        # (formula injection; web.exports guards its cells the same way).
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def workbook(stats: dict, narrative: dict, narrative_labels: dict) -> bytes:
    """The XLSX of `stats` (enforcement_statistics's result): one sheet per table (header row, one row per table
    row, a "rule" row under the header naming how each column is counted, the table's note under it), then the
    情况说明 (`narrative`: part key → text, labelled by `narrative_labels`) and the counting rules. Returns the
    file's bytes."""
    book = Workbook()
    book.remove(book.active)
    for table in stats["tables"]:
        sheet = book.create_sheet(_sheet_title(table["title"]))
        _put(sheet, 1, 1, table["title"], bold=True)
        _put(sheet, 2, 1, gettext("Item"), bold=True)
        for index, column in enumerate(table["columns"], start=2):
            _put(sheet, 2, index, column["label"], bold=True)
            sheet.column_dimensions[get_column_letter(index)].width = 14
            sheet.cell(row=2, column=index).alignment = Alignment(wrap_text=True)
        sheet.column_dimensions["A"].width = 28
        row_number = 3
        for row in table["rows"]:
            _put(sheet, row_number, 1, row["label"])
            for index, value in enumerate(row["values"], start=2):
                _put(sheet, row_number, index, "—" if value is None else value)
            row_number += 1
        row_number += 1
        _put(sheet, row_number, 1, gettext("How each column is counted"), bold=True)
        for column in table["columns"]:
            row_number += 1
            _put(sheet, row_number, 1, column["label"])
            _put(sheet, row_number, 2, column["rule"])
        if table["note"]:
            _put(sheet, row_number + 2, 1, table["note"])
        sheet.freeze_panes = "B3"
    sheet = book.create_sheet(_sheet_title(gettext("Explanatory notes")))
    sheet.column_dimensions["B"].width = 100
    for row_number, (key, label) in enumerate(narrative_labels.items(), start=1):
        _put(sheet, row_number, 1, label, bold=True)
        _put(sheet, row_number, 2, narrative.get(key, "")).alignment = Alignment(wrap_text=True, vertical="top")
    sheet = book.create_sheet(_sheet_title(gettext("Counting rules")))
    sheet.column_dimensions["A"].width = 120
    _put(sheet, 1, 1, gettext("Period: {first} to {last}").format(first=stats["period"]["from"],
                                                                  last=stats["period"]["to"]), bold=True)
    for row_number, rule in enumerate(stats["rules"], start=2):
        _put(sheet, row_number, 1, rule).alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def publication(report) -> dict:
    """What the page and the API show of the year's report row (`report`, an AnnualReport of kind statistics):
    {"narrative": {part: text}, "published_on": ISO date or None, "due_date": ISO date (31 January of the next
    year by report.statistics_publish, 国办发〔2018〕118号; the open deadline's own date when there is one),
    "deadline_status": "open" | "closed" | … | None}."""
    deadline = (Deadline.objects.filter(object_type=object_type_of(report), object_id=report.pk,
                                        kind="report.statistics_publish").order_by("-id").first())
    if deadline is not None:
        due = deadline.due_date
    else:
        rule = DeadlineRule.objects.filter(kind="report.statistics_publish").first()
        due = compute_due(rule, datetime.date(report.year, 12, 31)).date if rule else None
    return {
        "narrative": {key: report.narrative.get(key, "") for key in NARRATIVE_PARTS[report.kind]},
        "published_on": report.published_on.isoformat() if report.published_on else None,
        "due_date": due.isoformat() if due else None,
        "deadline_status": deadline.status if deadline is not None else None,
    }
