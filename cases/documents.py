"""The enforcement case's documents and attachments (DESIGN §10, CONTRACT §6): registered with the document
machinery (documents.registry) when the app is ready.

Every document is filled from the case's data, never typed twice. Each kind's context returns the envelope of
documents.rendering (`fields`, `sections`, `rights`, `signatures`, `seal`). Statute: 行政处罚法 (2021) as Art N.

Records. A document that exists once per record (an inquiry record per inquiry) lists its records; the
documents that exist once per case but may be made again — a new notice after Art 45 ¶2, a hearing rescheduled,
a decision made again after a reconsideration revoked it (撤销并责令重新作出, 行政复议法 Art 64), a second court
application after a withdrawal — are keyed by their `Round`: the how-manieth time the case's flow did the step
that issues them (counted in the audit trail). So a decision made again takes a new number and never reuses the
revoked one's (GB/T 9704 §7.2.5: a number is assigned once), and the listing shows the current one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import CharField, DateField, DateTimeField, F, Subquery, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents import registry
from documents.models import Attachment
from workflows import roles
from workflows.errors import Message

from . import measures as penalty_measures
from .flows import ROUND_STEPS, Round, round_of  # noqa: F401 (the records of the documents made again)
from .models import Case, CaseState

# ---------------------------------------------------------------------------------------------------------------
# Texts (translatable; the Chinese is in locale/zh_Hans)
# ---------------------------------------------------------------------------------------------------------------

L_CASE_NUMBER = _("Case number")
L_PARTY = _("Party")
L_PARTY_KIND = _("Party kind")
L_ID_NUMBER = _("ID number / unified social credit code")
L_ADDRESS = _("Address")
L_PHONE = _("Phone")
L_CAUSE = _("Cause of the case")
L_SOURCE = _("Source of the case")
L_VIOLATION_AT = _("Time and place of the violation")
L_OFFICERS = _("Officers and certificate numbers")
L_FILED_ON = _("Filed on")
L_PLACE = _("Place")
L_TIME = _("Time")
L_PARTY_PRESENT = _("Party or representative present")
L_WITNESS = _("Witness")
L_RECORDED_BY = _("Recorded by")
L_PERSON_QUESTIONED = _("Person questioned")
L_PRESIDING = _("Presiding officer")
L_HEARING_KIND = _("Public hearing")
L_REVIEWER = _("Legal reviewer")
L_OUTCOME = _("Outcome")
L_ATTENDEES = _("Attendees")
L_DOCUMENT = _("Document served")
L_RECIPIENT = _("Recipient")
L_SERVICE_METHOD = _("Method of service")
L_SERVED_ON = _("Served on")
L_COURT = _("Court")
L_STATE = _("State")
L_DECIDED_ON = _("Decided on")
L_AMOUNT = _("Amount")

H_FACTS = _("Facts of the violation")
H_EVIDENCE = _("Evidence")
H_BASIS = _("Legal basis")
H_PENALTY = _("Penalty")
H_PERFORMANCE = _("Manner and term of performance")
H_REASONS = _("Case summary and reasons for filing")
H_FINDINGS = _("Findings")
H_RECORD = _("Record")
H_OPINION = _("Opinion")
H_CONCLUSION = _("Conclusion reached")
H_INTENDED = _("Intended penalty")
H_PARTY_RIGHTS = _("The party's rights")
H_HEARING = _("Hearing arrangements")
H_GROUND = _("Ground for no penalty")
H_CORRECTION = _("Correction required")
H_DEMAND = _("Demand")
H_APPLICATION = _("Application")
H_COURSE = _("Course of the case")
H_EXECUTION = _("Execution")

T_NOT_FILED = _("The case has not been filed yet.")
T_SPOT_NOT_FILED = _("A case decided on the spot has no filing approval (Art 51–52).")
T_NO_RECORD = _("No such record on this case.")
T_NOT_NOTIFIED = _("The party has not been notified yet.")
T_NO_HEARING = _("No hearing has been scheduled.")
T_NO_HEARING_RECORD = _("The hearing record has not been entered yet.")
T_NO_DISCUSSION = _("No collective discussion has been recorded.")
T_NOT_DECIDED = _("The decision has not been made yet.")
T_NOT_PENALTY = _("The case was not decided with a penalty.")
T_NOT_NO_PENALTY = _("The case was not decided without a penalty.")
T_NOT_SPOT = _("The case was not decided on the spot.")
T_NO_DEMAND = _("No demand for payment has been served.")
T_NO_APPLICATION = _("The court has not been applied to.")
T_NOT_CLOSABLE = _("The case has not been executed or closed yet.")
T_NO_REVIEW = _("No legal review has been recorded.")

P_NONE = _("None recorded.")
P_INQUIRY = _("Inquiry record of {name}, {at}")
P_INSPECTION = _("Inspection record at {place}, {at}")
P_ATTACHMENT = _("{title} ({category})")
P_FINE = _("A fine of {amount} yuan (RMB {upper}).")
P_MEASURES = _("Measures: {measures}.")
P_MEASURES_NOTE = _("Description: {note}")
P_OTHER_MEASURE = _("Other administrative penalty: {note}.")
P_ROUND = _("made again, time {n}")
P_CONFISCATION = _("Value confiscated: {amount} yuan.")
P_PAY = _("Within 15 days of receiving this decision, pay the fine at {bank} (Art 67 ¶3); the agency that decides "
          "the fine does not collect it (Art 67 ¶1).")
P_PAY_BY = _("Last day to pay: {due}.")
P_SURCHARGE = _("A fine not paid when due is increased each day by three per cent of the fine, at most by the fine's amount "
                "(Art 72 ¶1(1)); the agency may apply to the people's court for enforcement (Art 72 ¶1(3)).")
P_NO_FINE_PERFORMANCE = _("Perform the measures above from the day this decision is served.")
P_RIGHTS = _("If the party does not accept this decision, it may apply for administrative reconsideration to "
             "{county_government} within 60 days of receiving it (行政复议法 Art 20), or bring an administrative "
             "lawsuit before {court} within 6 months (行政诉讼法 Art 46). During reconsideration or the lawsuit the "
             "decision is not suspended (Art 73).")
P_RIGHTS_NO_PENALTY = _("If the party does not accept this decision, it may apply for administrative "
                        "reconsideration to {county_government} within 60 days of receiving it (行政复议法 Art 20), or "
                        "bring an administrative lawsuit before {court} within 6 months (行政诉讼法 Art 46).")
P_NOTICE_INTENT = _("The agency intends to impose the following penalty: {penalty}")
P_NOTICE_NO_PENALTY = _("The agency intends not to impose a penalty: {ground}")
P_NOTICE_STATEMENT = _("Under Art 44–45 the party has the right to state its case and defend itself. Submit the "
                       "statement and defence in writing or orally by {until}; if nothing is submitted by then, the "
                       "party is taken to have waived the right.")
P_NOTICE_STATEMENT_NO_DATE = _("Under Art 44–45 the party has the right to state its case and defend itself; a "
                               "heavier penalty is never imposed because the party defends itself (Art 45 ¶2).")
P_NOTICE_HEARING = _("This penalty entitles the party to request a hearing (Art 63). Request it within 5 working "
                     "days of receiving this notice, by {until} (Art 64(1)); if no request is made in time, the "
                     "party is taken to have waived the hearing.")
P_NOTICE_NO_HEARING = _("This penalty does not entitle the party to a hearing (Art 63).")
P_MITIGATION = _("Mitigation: {mitigation} ({ground}).")
P_HEARING_WHEN = _("The hearing is held at {at}, at {place}.")
P_HEARING_PUBLIC = _("The hearing is public (Art 64(3)).")
P_HEARING_PRIVATE = _("The hearing is not public: {reason} (Art 64(3)).")
P_HEARING_RIGHTS = _("The party may attend in person or appoint one or two representatives (Art 64(5)); may ask the "
                     "presiding officer or other hearing staff to withdraw if they have a direct interest in the "
                     "case (Art 64(4)); and is taken to have waived the hearing if it does not attend without a "
                     "proper reason or leaves without permission (Art 64(6)). Bring identity papers and evidence.")
P_HEARING_NOTICE_DAY = _("This notice is given on {notice}, at least 7 days before the hearing (Art 64(2)).")
P_SIGNED = _("The record was signed by the participants (Art 64(8)).")
P_REFUSED = _("Refusal to sign: {note}")
P_REVIEW = _("Reviewed by {reviewer} on {day}: {outcome}.")
P_DISCUSSION_ON = _("Held on {day}.")
P_DECISION_REVOKED = _("This case's earlier decision was revoked by {body} on {day} and a new decision ordered.")
P_NO_PENALTY_GROUND = _("Ground: {ground}.")
P_EDUCATION = _("Education given to the party: {education}")
P_SPOT_PLACE = _("Violation at {time}, {place}.")
P_SPOT_COLLECTED = _("Collected on the spot (Art 68–69), receipt number {receipt}.")
P_SPOT_STATEMENT = _("The party's statement and defence: {statement}")
P_CORRECTION = _("Under Art 28 ¶1 the party is ordered to correct the violation as follows: {measure}")
P_CORRECTION_DUE = _("Correct it by {due}. If it is not corrected in time, the agency will deal with it according "
                     "to law.")
P_DEMAND = _("The penalty decision {number} was served on {served} (Art 61). The party has not performed it within "
             "the term. Under 行政强制法 Art 54 and 35 the party is demanded to pay {amount} yuan (RMB {upper}), "
             "the unpaid fine and the surcharge of Art 72 ¶1(1), by {term}.")
P_DEMAND_RIGHTS = _("The party has the right to state its case and defend itself on receiving this demand "
                    "(行政强制法 Art 35(4), 36); the agency records and reviews it. If the party does not pay within the "
                    "term, the agency will apply to the people's court for enforcement (行政强制法 Art 53–54).")
P_APPLICATION = _("Under 行政强制法 Art 53–55 the agency applies to {court} for enforcement of the penalty decision "
                  "{number} against the party.")
P_APPLICATION_FACTS = _("The decision was decided on {decided} and served on {served}; the fine was {fine} yuan; "
                        "the demand was served on {demand} and the term ended on {term}; the party has neither paid "
                        "nor sought reconsideration or sued within the periods.")
P_APPLICATION_OWED = _("Amount to be enforced: {amount} yuan.")
P_APPLICATION_ATTACHED = _("Attached (行政强制法 Art 55): the penalty decision and its proof of service, the demand "
                           "and its proof of service, the party's statement and the agency's review of it, and "
                           "the party's property as far as known.")
P_CLOSING = _("Reported on {reported}; filed on {filed}; decided on {decided}; served on {served}; executed on "
              "{executed}.")
P_DASH = "—"

S_PARTY = _("Party (signature):")
S_OFFICERS = _("Officers (signature):")
S_RECORDER = _("Recorder (signature):")
S_WITNESS = _("Witness (signature):")
S_SUBJECT = _("Person questioned (signature): the above record has been read and is true")
S_PRESIDING = _("Presiding officer (signature):")
S_REVIEWER = _("Reviewer (signature):")
S_HEAD = _("Head of the agency (signature):")
S_RECIPIENT = _("Recipient (signature and date):")
S_SERVER = _("Served by (signature):")
S_CHIEF = _("Brigade chief (opinion and signature):")
S_PRINCIPAL = _("Approved by the agency head (signature):")


# ---------------------------------------------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def rmb_upper(amount) -> str:
    """An amount in yuan as official documents write it in capital numerals (大写): 5000 → 伍仟元整,
    1234.56 → 壹仟贰佰叁拾肆元伍角陆分, 1234.5 → 壹仟贰佰叁拾肆元伍角整, 10005 → 壹万零伍元整, 0.5 → 伍角整
    (the bookkeeping usage of 会计基础工作规范 Art 52, local practice: one 零 for a run of zeros inside, 整 after
    元 or 角, none after 分). A negative amount is refused (ValueError)."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    if value < 0:
        raise ValueError("a negative amount has no capital form")
    cents = int(value * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    digits, text, zero = str(yuan), "", False
    for index, char in enumerate(digits if yuan else ""):
        position = len(digits) - 1 - index
        if char == "0":
            zero = True
        else:
            text += ("零" if zero else "") + _DIGITS[int(char)] + _SMALL_UNITS[position % 4]
            zero = False
        if position % 4 == 0 and position and int(digits[max(0, index - 3):index + 1]):
            text += _BIG_UNITS[position // 4]  # 万, 亿 after a group that is not all zeros
    if text:
        text += "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        return text + _DIGITS[fen] + "分"
    # 会计基础工作规范 Art 52 (local practice for documents): an amount written to 元 or to 角 ends with 整; one
    # written to 分 does not (1234.50 → 壹仟贰佰叁拾肆元伍角整, 1234.56 → …伍角陆分).
    return text + "整"


def money(amount) -> str:
    """12345.6 → "12,345.60" (yuan, two decimals, as the forms show them)."""
    return f"{Decimal(amount):,.2f}"


def cn_date(day) -> str:
    """A date as documents write it: 2026年3月5日 (GB/T 9704 §7.3.5: Arabic numerals, no leading zeros)."""
    if day is None:
        return P_DASH
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day) if timezone.is_aware(day) else day
        return f"{day.year}年{day.month}月{day.day}日{day:%H:%M}"
    return f"{day.year}年{day.month}月{day.day}日"


def county_government() -> str:
    """The reconsideration body of a township government: the county people's government (行政复议法 2023 Art 24
    ¶1(1), statute); its name from settings.COUNTY_NAME (default "本县")."""
    return f"{settings.COUNTY_NAME}人民政府"


def county_court() -> str:
    """The court of first instance for a suit against a township government: the basic people's court where it
    sits (行政诉讼法 Art 14, 18, statute)."""
    return f"{settings.COUNTY_NAME}人民法院"


def fine_bank() -> str:
    """Where fines are paid (Art 67 ¶3): settings.FINE_BANK, else the words "the designated bank"."""
    return settings.FINE_BANK or str(_("the designated bank or its electronic payment channel"))


def _f(label, value) -> dict:
    return {"label": str(label), "value": str(value) if value not in (None, "") else P_DASH}


def _s(heading, *paragraphs) -> dict:
    return {"heading": str(heading), "paragraphs": [str(p) for p in paragraphs if p not in (None, "")]}


def _officer_line(officer, day) -> str:
    """"Name（certificate number）": the certificates valid on `day` (Art 42, 55 持证), else any on record."""
    name = officer.get_full_name() or officer.username
    certificates = list(officer.certificates.all())
    numbers = [c.number for c in certificates if day and c.valid_on(day)] or [c.number for c in certificates[:1]]
    return f"{name}（{'、'.join(numbers)}）" if numbers else name


def officers_text(officers, day) -> str:
    return "；".join(_officer_line(o, day) for o in officers) or P_DASH


def party_fields(case) -> list[dict]:
    """当事人: name, kind, ID number, address, phone (the model keeps no legal representative)."""
    party = case.party
    return [_f(L_PARTY, party.name), _f(L_PARTY_KIND, party.get_kind_display()), _f(L_ID_NUMBER, party.id_number),
            _f(L_ADDRESS, party.address), _f(L_PHONE, party.phone)]


def head_fields(case) -> list[dict]:
    """The case number, the party and the cause (案由) every document of the case carries."""
    return [_f(L_CASE_NUMBER, case.number), *party_fields(case), _f(L_CAUSE, case.violation_type.name)]


def attachments_of(case):
    return Attachment.objects.filter(owner_type="cases", owner_id=case.pk).order_by("uploaded_at", "id")


# Files that prove a document was signed or served, not the facts: never listed as evidence (Art 59 ¶1(2)).
NOT_EVIDENCE = (Attachment.Category.SIGNED_DOCUMENT, Attachment.Category.SERVICE_PROOF)


def evidence_attachments(case, kind_name=None, record=None):
    """The attachments a document lists as evidence: not the signed or served copies of documents (category or
    `document_kind`), and for an issued document only those uploaded before it was issued (a document never
    cites what came after it)."""
    from documents import selectors  # noqa: PLC0415 - docs-core's selectors

    rows = attachments_of(case).exclude(category__in=NOT_EVIDENCE).filter(document_kind="")
    issued = selectors.issued(kind_name, case, record) if kind_name else None
    if issued is not None:
        rows = rows.filter(uploaded_at__lte=issued.issued_at)
    return rows


@dataclass
class FileReads:
    """What a document's content reads of the file beyond the case row, in one query (file_reads): the inspection
    and inquiry records and the evidence attachments (title, category) in their order, and for a decision the
    latest case.payment deadline's due date and the latest revoked-and-redo remedy (body, kind label, day)."""

    inspections: list = field(default_factory=list)  # (place, started_at)
    inquiries: list = field(default_factory=list)  # (subject_name, held_at)
    attachments: list = field(default_factory=list)  # (title, category label)
    payment_due: datetime.date | None = None
    redo: tuple | None = None


def file_reads(case, kind_name=None, record=None, *, decision=False) -> FileReads:
    """The FileReads of document `kind_name` (`record`) of `case` in one query (UNION ALL of the five tables; the
    evidence attachments as evidence_attachments cuts them off); `decision`: with the payment due date and the
    revoked-and-redo remedy (the decisions' content)."""
    from notifications.models import Deadline  # noqa: PLC0415

    from .models import Remedy  # noqa: PLC0415

    text, at, day = CharField(), DateTimeField(), DateField()

    def row(rows, tag, first, second, when, on):
        # Every column an annotation, so that each part of the UNION lists them in the same order.
        columns = {"c_tag": Value(tag, output_field=text), "c_first": first, "c_second": second, "c_when": when,
                   "c_on": on, "c_id": F("id")}
        columns = {name: F(value) if isinstance(value, str) else value for name, value in columns.items()}
        return rows.order_by().annotate(**columns).values_list(*columns)

    # Typed NULLs: PostgreSQL resolves a UNION's column types part by part, and an untyped NULL column reads as text.
    none_at, none_day = Cast(Value(None), output_field=at), Cast(Value(None), output_field=day)
    blank = Value("", output_field=text)
    parts = [
        row(case.inspections.all(), "1", "place", blank, "started_at", none_day),
        row(case.inquiries.all(), "2", "subject_name", blank, "held_at", none_day),
        row(evidence_attachments(case, kind_name, record), "3", "title", "category", "uploaded_at", none_day),
    ]
    if decision:
        payments = Deadline.objects.filter(object_type="cases.case", object_id=case.pk, kind="case.payment")
        redos = Remedy.objects.filter(case=case, outcome=Remedy.Outcome.REVOKED_REDO)
        parts += [
            row(Deadline.objects.filter(pk=Subquery(payments.order_by("-id").values("pk")[:1])), "4", blank, blank,
                none_at, "due_date"),
            row(Remedy.objects.filter(pk=Subquery(redos.order_by("-decided_on", "-id").values("pk")[:1])), "5",
                "body", "kind", none_at, "decided_on"),
        ]
    found = FileReads()
    rows = parts[0].union(*parts[1:], all=True)
    for tag, first, second, when, on, _pk in sorted(rows, key=lambda r: (r[0], r[3] or _EPOCH, r[5])):
        if tag == "1":
            found.inspections.append((first, when))
        elif tag == "2":
            found.inquiries.append((first, when))
        elif tag == "3":
            found.attachments.append((first, Attachment(category=second).get_category_display()))
        elif tag == "4":
            found.payment_due = on
        else:
            found.redo = (first, Remedy(kind=second).get_kind_display(), on)
    return found


_EPOCH = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)


def evidence_paragraphs(case, kind_name=None, record=None, reads: FileReads | None = None) -> list[str]:
    """The evidence of document `kind_name` (`record`): the inspection and inquiry records and the attachments
    of `evidence_attachments`, by title, numbered. `reads`: file_reads(case, kind_name, record) when the caller
    has it (else it is read, in one query)."""
    reads = reads or file_reads(case, kind_name, record)
    lines = [str(Message(P_INSPECTION, place=place, at=cn_date(at))) for place, at in reads.inspections]
    lines += [str(Message(P_INQUIRY, name=name, at=cn_date(at))) for name, at in reads.inquiries]
    lines += [str(Message(P_ATTACHMENT, title=title, category=category)) for title, category in reads.attachments]
    return [f"{n}. {line}" for n, line in enumerate(lines, 1)] or [str(P_NONE)]


def penalty_paragraphs(fine, codes, note="", confiscation_value=None) -> list[str]:
    """The kind of penalty (Art 9, labels of cases.measures) and the fine in figures and in capitals."""
    lines = []
    others = [c for c in codes or () if c != "fine"]
    note = (note or "").strip().rstrip("。；;.")
    if fine is not None:
        lines.append(str(Message(P_FINE, amount=money(fine), upper=rmb_upper(fine))))
    if note and "other" in others:
        # "其他行政处罚" alone says nothing: the note is what that penalty is (a demolition order…).
        named = [c for c in others if c != "other"]
        if named:
            lines.append(str(Message(P_MEASURES, measures=penalty_measures.labels(named))))
        lines.append(str(Message(P_OTHER_MEASURE, note=note)))
    else:
        if others:
            lines.append(str(Message(P_MEASURES, measures=penalty_measures.labels(others))))
        if note:  # what goes with the penalty, e.g. 责令改正 (Art 28 ¶1), as a sentence
            lines.append(str(Message(P_MEASURES_NOTE, note=note)))
    if confiscation_value is not None:
        lines.append(str(Message(P_CONFISCATION, amount=money(confiscation_value))))
    return lines


def rights_text(no_penalty=False) -> str:
    """行政复议 within 60 days to the county government (行政复议法 Art 20, 24), 行政诉讼 within 6 months (行政诉讼法
    Art 46), and for a penalty Art 73: no suspension while they last."""
    text = P_RIGHTS_NO_PENALTY if no_penalty else P_RIGHTS
    return str(Message(text, county_government=county_government(), court=county_court()))


def _window_end(case, kind):
    from .flows import window_end  # noqa: PLC0415

    return window_end(case, kind)


# ---------------------------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------------------------

def _rounds(kind_name):
    return lambda case: [round_of(kind_name, case)]


@dataclass(frozen=True)
class Service:
    """One service event (送达) a 送达回证 is made for: `pk` 1 notice, 2 hearing notice, 3 decision, 4 demand."""

    pk: int
    kind: str

    def __str__(self):
        return str(self.pk)


SERVICES = (Service(1, "penalty_notice"), Service(2, "hearing_notice"), Service(3, "decision"),
            Service(4, "payment_demand"))


def _service_exists(case, service: Service) -> bool:
    if service.kind == "penalty_notice":
        return case.notified_on is not None
    if service.kind == "hearing_notice":
        return case.hearing_at is not None
    if service.kind == "decision":
        return case.decided_on is not None and case.procedure == Case.Procedure.GENERAL
    return case.demand_served_on is not None


def service_records(case) -> list[Service]:
    """The documents of the case served on the party so far (one 送达回证 each, Art 61; 民事诉讼法 Art 87)."""
    return [s for s in SERVICES if _service_exists(case, s)]


def _record_of(records_of, case, record):
    """The record `record` (or its id) among the case's records, None when it is not one of them."""
    if record is None:
        return None
    pk = getattr(record, "pk", record)
    return next((r for r in records_of(case) if r.pk == pk), None)


# ---------------------------------------------------------------------------------------------------------------
# The kinds: availability and context
# ---------------------------------------------------------------------------------------------------------------

def filing_unavailable(case, record=None):
    if case.procedure == Case.Procedure.SIMPLE:
        return str(T_SPOT_NOT_FILED)
    return None if case.filed_on else str(T_NOT_FILED)


def filing_context(case, record=None) -> dict:
    """立案审批表 (Art 54): source, cause, party, the case and the reasons to file, the officers with their
    certificate numbers, the date; the officers', chief's and head's opinions are signed on paper."""
    violation_at = f"{cn_date(case.violation_date)} {case.village.name}"
    return {
        "fields": [*head_fields(case), _f(L_SOURCE, case.get_source_display()), _f(L_VIOLATION_AT, violation_at),
                   _f(L_OFFICERS, officers_text(case.officers.all(), case.filed_on)),
                   _f(L_FILED_ON, cn_date(case.filed_on))],
        "sections": [_s(H_REASONS, case.description, case.limitation_override_reason)],
        "signatures": [str(S_OFFICERS), str(S_CHIEF), str(S_PRINCIPAL)],
        "seal": False,
    }


def inspection_unavailable(case, record=None):
    return None if _record_of(lambda c: c.inspections.all(), case, record) else str(T_NO_RECORD)


def inspection_context(case, record=None) -> dict:
    """现场检查（勘验）笔录 (Art 55 ¶1): time, place, officers with certificate numbers, who was present, the
    findings, the signatures or the refusal to sign."""
    inspection = _record_of(lambda c: c.inspections.all(), case, record)
    day = timezone.localdate(inspection.started_at)
    period = f"{cn_date(inspection.started_at)}—{timezone.localtime(inspection.ended_at):%H:%M}"
    return {
        "fields": [*head_fields(case), _f(L_TIME, period), _f(L_PLACE, inspection.place),
                   _f(L_OFFICERS, officers_text(inspection.officers.all(), day)),
                   _f(L_PARTY_PRESENT, inspection.party_present), _f(L_WITNESS, inspection.witness),
                   _f(L_RECORDED_BY, inspection.recorded_by.get_full_name() or inspection.recorded_by.username)],
        "sections": [_s(H_FINDINGS, *inspection.findings.splitlines()),
                     *([_s(_("Refusal to sign"), inspection.refusal_note)] if inspection.refusal_note else [])],
        "signatures": [str(S_PARTY), str(S_WITNESS), str(S_OFFICERS), str(S_RECORDER)],
        "seal": False,
    }


def inquiry_unavailable(case, record=None):
    return None if _record_of(lambda c: c.inquiries.all(), case, record) else str(T_NO_RECORD)


def inquiry_context(case, record=None) -> dict:
    """询问笔录 (Art 42, 55): cause, time, the person questioned, officers and certificate numbers, recorder, the
    questions and answers, "the above is true" and the signatures."""
    inquiry = _record_of(lambda c: c.inquiries.all(), case, record)
    day = timezone.localdate(inquiry.held_at)
    return {
        "fields": [*head_fields(case), _f(L_TIME, cn_date(inquiry.held_at)),
                   _f(L_PERSON_QUESTIONED, inquiry.subject_name),
                   _f(L_OFFICERS, officers_text(inquiry.officers.all(), day)),
                   _f(L_RECORDED_BY, inquiry.recorded_by.get_full_name() or inquiry.recorded_by.username)],
        "sections": [_s(_("Notice to the person questioned"),
                        _("The officers showed their enforcement certificates (Art 55). You may state your case, "
                          "defend yourself and ask an officer with an interest in the case to withdraw (Art 43); "
                          "you must answer truthfully.")),
                     _s(H_RECORD, *inquiry.record.splitlines())],
        "signatures": [str(S_SUBJECT), str(S_OFFICERS), str(S_RECORDER)],
        "seal": False,
    }


def correction_unavailable(case, record=None):
    return None if _record_of(lambda c: c.correction_orders.all(), case, record) else str(T_NO_RECORD)


def correction_context(case, record=None) -> dict:
    """责令改正通知书 (Art 28 ¶1) per CorrectionOrder: the violation, its basis, what to correct and by when."""
    order = _record_of(lambda c: c.correction_orders.all(), case, record)
    return {
        "fields": head_fields(case),
        "sections": [_s(H_FACTS, case.facts or case.description),
                     _s(H_BASIS, case.legal_basis or case.violation_type.legal_basis),
                     _s(H_CORRECTION, Message(P_CORRECTION, measure=order.measure),
                        Message(P_CORRECTION_DUE, due=cn_date(order.due_on)))],
        "signatures": [str(S_PARTY)],
        "seal": True,
    }


def notice_unavailable(case, record=None):
    return None if case.notified_on else str(T_NOT_NOTIFIED)


def _no_penalty_ground_label(case, ground):
    return str(dict(Case.NoPenaltyGround.choices).get(ground, "")) or ""


def notice_context(case, record=None) -> dict:
    """行政处罚事先告知书 (Art 44, 62–64): the intended penalty, the facts, reasons and basis, the right to state
    and defend by the case's own statement window, and the right to a hearing where Art 63 gives one (5 working
    days, Art 64(1)). A notice proposing no penalty (Art 33 ¶1) names its ground instead."""
    penalty = penalty_paragraphs(case.proposed_fine, case.proposed_measures, case.proposed_measures_note,
                                 case.proposed_confiscation_value)
    if penalty:
        intended = [str(Message(P_NOTICE_INTENT, penalty=" ".join(penalty)))]
    else:
        ground = _no_penalty_ground_label(case, case.proposed_no_penalty_ground) or P_DASH
        intended = [str(Message(P_NOTICE_NO_PENALTY, ground=ground))]
    if case.mitigation and case.mitigation != Case.Mitigation.NONE:
        intended.append(str(Message(P_MITIGATION, mitigation=case.get_mitigation_display(),
                                    ground=case.get_mitigation_ground_display())))
    statement_until = _window_end(case, "case.statement_window")
    rights = [str(Message(P_NOTICE_STATEMENT, until=cn_date(statement_until))) if statement_until
              else str(P_NOTICE_STATEMENT_NO_DATE)]
    if case.hearing_eligible:
        hearing_until = _window_end(case, "case.hearing_request")
        rights.append(str(Message(P_NOTICE_HEARING, until=cn_date(hearing_until))))
    else:
        rights.append(str(P_NOTICE_NO_HEARING))
    return {
        "fields": head_fields(case),
        "sections": [_s(H_FACTS, *case.facts.splitlines()),
                     _s(H_EVIDENCE, *evidence_paragraphs(case, "penalty_notice", record)),
                     _s(H_BASIS, case.legal_basis), _s(H_INTENDED, *intended), _s(H_PARTY_RIGHTS, *rights)],
        "signatures": [str(S_PARTY)],
        "seal": True,
    }


def hearing_notice_unavailable(case, record=None):
    return None if case.hearing_at else str(T_NO_HEARING)


def _presiding_name(case):
    officer = case.presiding_officer
    return (officer.get_full_name() or officer.username) if officer else P_DASH


def hearing_notice_context(case, record=None) -> dict:
    """听证通知书 (Art 64): time and place (notified at least 7 days before, Art 64(2)), presiding officer, public
    or not, the right to ask for recusal and to be represented."""
    place = settings.HEARING_PLACE or f"{settings.TOWN_NAME}人民政府"
    publicity = (P_HEARING_PUBLIC if case.hearing_public
                 else Message(P_HEARING_PRIVATE, reason=case.hearing_private_reason))
    return {
        "fields": [*head_fields(case), _f(L_TIME, cn_date(case.hearing_at)), _f(L_PLACE, place),
                   _f(L_PRESIDING, _presiding_name(case))],
        "sections": [_s(H_HEARING, Message(P_HEARING_WHEN, at=cn_date(case.hearing_at), place=place), publicity,
                        Message(P_HEARING_NOTICE_DAY, notice=cn_date(case.hearing_notice_on))),
                     _s(H_PARTY_RIGHTS, P_HEARING_RIGHTS)],
        "signatures": [str(S_PARTY)],
        "seal": True,
    }


def hearing_record_unavailable(case, record=None):
    return None if case.hearing_record else str(T_NO_HEARING_RECORD)


def hearing_record_context(case, record=None) -> dict:
    """听证笔录 (Art 64(8)): time, presiding officer, the record, signed or the refusal noted."""
    signed = [P_SIGNED] if case.hearing_record_signed else []
    if case.hearing_refusal_to_sign:
        signed.append(Message(P_REFUSED, note=case.hearing_refusal_to_sign))
    return {
        "fields": [*head_fields(case), _f(L_TIME, cn_date(case.hearing_at)), _f(L_PRESIDING, _presiding_name(case)),
                   _f(L_HEARING_KIND, _("Yes") if case.hearing_public else _("No"))],
        "sections": [_s(H_RECORD, *case.hearing_record.splitlines()), _s(_("Signatures"), *signed)],
        "signatures": [str(S_PARTY), str(S_PRESIDING), str(S_RECORDER)],
        "seal": False,
    }


def _reviews(case):
    return case.legal_reviews.select_related("reviewer").all()


def review_unavailable(case, record=None):
    return None if _record_of(_reviews, case, record) else str(T_NO_REVIEW)


def review_context(case, record=None) -> dict:
    """法制审核意见书 (Art 58): the reviewer (the judicial office), the case, the opinion and the outcome."""
    review = _record_of(_reviews, case, record)
    reviewer = review.reviewer.get_full_name() or review.reviewer.username
    return {
        "fields": [*head_fields(case), _f(L_REVIEWER, reviewer), _f(L_OUTCOME, review.get_outcome_display()),
                   _f(L_TIME, cn_date(review.created_at))],
        "sections": [_s(H_FACTS, *case.facts.splitlines()), _s(H_BASIS, case.legal_basis),
                     _s(H_INTENDED, *penalty_paragraphs(case.proposed_fine, case.proposed_measures,
                                                        case.proposed_measures_note)),
                     _s(H_OPINION, *review.opinion.splitlines())],
        "signatures": [str(S_REVIEWER)],
        "seal": True,
    }


def discussion_unavailable(case, record=None):
    return None if case.collective_discussion else str(T_NO_DISCUSSION)


def discussion_context(case, record=None) -> dict:
    """集体讨论记录 (Art 57 ¶2): the day, attendees, the case as proposed and the conclusion."""
    return {
        "fields": [*head_fields(case), _f(L_TIME, cn_date(case.collective_discussion_on)),
                   _f(L_ATTENDEES, "、".join(case.collective_discussion_attendees or []))],
        "sections": [_s(H_FACTS, *case.facts.splitlines()),
                     _s(H_INTENDED, *penalty_paragraphs(case.proposed_fine, case.proposed_measures,
                                                        case.proposed_measures_note)),
                     _s(H_CONCLUSION, *case.collective_discussion.splitlines())],
        "signatures": [str(S_HEAD), str(S_RECORDER)],
        "seal": False,
    }


def _decided_general(case):
    if case.decided_on is None or not case.outcome:
        return str(T_NOT_DECIDED)
    return None


def penalty_decision_unavailable(case, record=None):
    if case.procedure == Case.Procedure.SIMPLE:
        return str(T_NOT_PENALTY) if case.outcome != Case.Outcome.PENALTY else str(
            _("A case decided on the spot has its on-the-spot decision instead (Art 52)."))
    return _decided_general(case) or (None if case.outcome == Case.Outcome.PENALTY else str(T_NOT_PENALTY))


def _revoked_note(reads: FileReads) -> list[str]:
    """The note of a decision made again: which body revoked the earlier one and when (the latest such remedy)."""
    if reads.redo is None:
        return []
    body, kind_label, decided_on = reads.redo
    return [str(Message(P_DECISION_REVOKED, body=body or kind_label, day=cn_date(decided_on)))]


def penalty_decision_context(case, record=None) -> dict:
    """行政处罚决定书 (Art 59): (1) the party's name and address; (2) the facts and evidence; (3) the kind of
    penalty and its basis; (4) the manner and term of performance (Art 67: 15 days, at the bank; Art 72 the
    surcharge); (5) the remedies with their periods and bodies (and Art 73); (6) the agency and the date (the
    envelope's issuer and date; `decided_on` here). Extra key: `fine_upper` (the fine in capitals)."""
    reads = file_reads(case, "penalty_decision", record, decision=True)  # one query for what follows
    performance = []
    if case.fine:
        performance.append(str(Message(P_PAY, bank=fine_bank())))
        due = reads.payment_due  # Art 67's last day to pay (cases.payments.payment_due_date)
        if due:
            performance.append(str(Message(P_PAY_BY, due=cn_date(due))))
        performance.append(str(P_SURCHARGE))
    else:
        performance.append(str(P_NO_FINE_PERFORMANCE))
    return {
        "fields": [*head_fields(case), _f(L_DECIDED_ON, cn_date(case.decided_on))],
        "sections": [_s(H_FACTS, *_revoked_note(reads), *case.facts.splitlines()),
                     _s(H_EVIDENCE, *evidence_paragraphs(case, "penalty_decision", record, reads)),
                     _s(H_BASIS, case.legal_basis),
                     _s(H_PENALTY, *penalty_paragraphs(case.fine, case.measures, case.measures_note,
                                                       case.confiscation_value)),
                     _s(H_PERFORMANCE, *performance)],
        "rights": rights_text(),
        "signatures": [],
        "seal": True,
        "fine_upper": rmb_upper(case.fine) if case.fine is not None else "",
        "decided_on": cn_date(case.decided_on),
    }


def no_penalty_unavailable(case, record=None):
    return _decided_general(case) or (None if case.outcome == Case.Outcome.NO_PENALTY else str(T_NOT_NO_PENALTY))


def no_penalty_context(case, record=None) -> dict:
    """不予行政处罚决定书 (Art 57 ¶1(2)(3)): the facts, the ground with its article (Art 30, 31, 33, 36, 57), the
    education given (Art 33 ¶3), the remedies."""
    ground = _no_penalty_ground_label(case, case.no_penalty_ground)
    reads = file_reads(case, "no_penalty_decision", record, decision=True)  # one query for what follows
    return {
        "fields": [*head_fields(case), _f(L_DECIDED_ON, cn_date(case.decided_on))],
        "sections": [_s(H_FACTS, *_revoked_note(reads), *(case.facts or case.description).splitlines()),
                     _s(H_EVIDENCE, *evidence_paragraphs(case, "no_penalty_decision", record, reads)),
                     _s(H_GROUND, Message(P_NO_PENALTY_GROUND, ground=ground or P_DASH),
                        Message(P_EDUCATION, education=case.education) if case.education else ""),
                     *([_s(H_BASIS, case.legal_basis)] if case.legal_basis else [])],
        "rights": rights_text(no_penalty=True),
        "signatures": [],
        "seal": True,
    }


def spot_unavailable(case, record=None):
    return None if case.procedure == Case.Procedure.SIMPLE and case.decided_on else str(T_NOT_SPOT)


def spot_context(case, record=None) -> dict:
    """当场处罚决定书 (Art 52): the party, the time and place of the violation, the facts, basis, penalty and fine,
    the officers with their certificate numbers, the remedies; its number is the case's own (pre-printed form)."""
    when = f"{cn_date(case.violation_date)} {case.violation_time:%H:%M}" if case.violation_time \
        else cn_date(case.violation_date)
    penalty = penalty_paragraphs(case.fine, case.measures or ([] if case.fine else ["warning"]))
    if case.collected_on_spot:
        penalty.append(str(Message(P_SPOT_COLLECTED, receipt=case.receipt_number)))
    elif case.fine:
        penalty += [str(Message(P_PAY, bank=fine_bank())), str(P_SURCHARGE)]
    return {
        "fields": [*head_fields(case), _f(L_VIOLATION_AT, f"{when} {case.violation_place}"),
                   _f(L_OFFICERS, officers_text(case.officers.all(), case.decided_on))],
        "sections": [_s(H_FACTS, *case.facts.splitlines()), _s(H_BASIS, case.legal_basis), _s(H_PENALTY, *penalty),
                     *([_s(H_PARTY_RIGHTS, Message(P_SPOT_STATEMENT, statement=case.party_statement))]
                       if case.party_statement else [])],
        "rights": rights_text(),
        "signatures": [str(S_PARTY), str(S_OFFICERS)],
        "seal": True,
        "footnote": str(Message(P_REFUSED, note=case.refused_to_sign)) if case.refused_to_sign else "",
    }


SERVICE_TITLES = {
    "penalty_notice": _("Prior notice of administrative penalty"),
    "hearing_notice": _("Hearing notice"),
    "decision": _("Administrative penalty decision"),
    "payment_demand": _("Demand for performance"),
}


def service_unavailable(case, record=None):
    return None if _record_of(service_records, case, record) else str(T_NO_RECORD)


def _served_document(case, service: Service) -> tuple[str, str, object, str]:
    """(title, number, served on, method) of the document a receipt is for."""
    from documents import selectors  # noqa: PLC0415 - docs-core's selectors

    title = str(SERVICE_TITLES[service.kind])
    if service.kind == "decision":
        kind_name = "penalty_decision" if case.outcome == Case.Outcome.PENALTY else "no_penalty_decision"
        if case.outcome != Case.Outcome.PENALTY:
            title = str(_("Decision not to impose an administrative penalty"))
        issued = selectors.issued(kind_name, case, round_of(kind_name, case))
        return title, issued.number if issued else "", case.served_on, case.service_method
    issued = selectors.issued(service.kind, case, round_of(service.kind, case))
    number = issued.number if issued else ""
    if service.kind == "penalty_notice":
        return title, number, case.notified_on, ""
    if service.kind == "hearing_notice":
        return title, number, case.hearing_notice_on, ""
    return title, number, case.demand_served_on, case.demand_method


def service_context(case, record=None) -> dict:
    """送达回证 (Art 61; 民事诉讼法 Art 87–95 by reference): the document served and its number, the recipient,
    the place, the method, the day, the server's and the recipient's signatures (or a witness's note)."""
    service = _record_of(service_records, case, record)
    title, number, served_on, method = _served_document(case, service)
    return {
        "fields": [_f(L_CASE_NUMBER, case.number), _f(L_DOCUMENT, f"{title} {number}".strip()),
                   _f(L_RECIPIENT, case.party.name), _f(L_ADDRESS, case.party.address),
                   _f(L_SERVICE_METHOD, method), _f(L_SERVED_ON, cn_date(served_on))],
        "sections": [],
        "signatures": [str(S_RECIPIENT), str(S_SERVER), str(S_WITNESS)],
        "seal": True,
    }


def demand_unavailable(case, record=None):
    return None if case.demand_served_on else str(T_NO_DEMAND)


def _decision_number(case) -> str:
    from documents import selectors  # noqa: PLC0415

    issued = selectors.issued("penalty_decision", case, round_of("penalty_decision", case))
    return issued.number if issued else (case.number or "")


def demand_context(case, record=None) -> dict:
    """催告书 (行政强制法 Art 54, 35): the term (Art 35(1)), the amount with the Art 72 surcharge (Art 35(2)), the
    means (Art 35(3)), the party's right to state and defend (Art 35(4), 36)."""
    amount = case.demand_amount or Decimal(0)
    return {
        "fields": [*head_fields(case), _f(L_AMOUNT, f"{money(amount)}（{rmb_upper(amount)}）")],
        "sections": [_s(H_DEMAND, Message(P_DEMAND, number=_decision_number(case), served=cn_date(case.served_on),
                                          amount=money(amount), upper=rmb_upper(amount),
                                          term=cn_date(case.demand_term_until or _demand_end(case))),
                        Message(P_PAY, bank=fine_bank())),
                     _s(H_PARTY_RIGHTS, P_DEMAND_RIGHTS)],
        "signatures": [str(S_PARTY)],
        "seal": True,
    }


def _demand_end(case):
    from .flows import demand_period_end  # noqa: PLC0415

    return demand_period_end(case) if case.demand_served_on else None


def application_unavailable(case, record=None):
    return None if case.court_applied_on else str(T_NO_APPLICATION)


def application_context(case, record=None) -> dict:
    """强制执行申请书 (行政强制法 Art 55): the applicant, the party, the decision applied for, the facts and basis
    (decision, service, demand, no remedy), what is to be enforced, and the attached materials of Art 55."""
    from .payments import payment_status  # noqa: PLC0415

    status = payment_status(case)
    owed = status["total_owed"] if status else case.demand_amount
    return {
        "fields": [*head_fields(case), _f(L_COURT, case.court_name)],
        "sections": [_s(H_APPLICATION, Message(P_APPLICATION, court=case.court_name, number=_decision_number(case))),
                     _s(H_FACTS, Message(P_APPLICATION_FACTS, decided=cn_date(case.decided_on),
                                         served=cn_date(case.served_on), fine=money(case.fine or 0),
                                         demand=cn_date(case.demand_served_on),
                                         term=cn_date(case.demand_term_until or _demand_end(case))),
                        case.court_note),
                     _s(H_BASIS, case.legal_basis),
                     _s(H_EXECUTION, Message(P_APPLICATION_OWED, amount=money(owed or 0)), P_APPLICATION_ATTACHED)],
        "signatures": [str(S_HEAD)],
        "seal": True,
    }


def closing_unavailable(case, record=None):
    if case.state in (CaseState.EXECUTED, CaseState.CLOSED) or (
            case.state == CaseState.SERVED and case.outcome == Case.Outcome.NO_PENALTY):
        return None
    return str(T_NOT_CLOSABLE)


def closing_context(case, record=None) -> dict:
    """结案报告 (practice): the case's course, the outcome, its execution and the closing summary."""
    outcome = penalty_paragraphs(case.fine, case.measures) if case.outcome == Case.Outcome.PENALTY else [
        str(Message(P_NO_PENALTY_GROUND, ground=_no_penalty_ground_label(case, case.no_penalty_ground) or P_DASH))]
    return {
        "fields": [*head_fields(case), _f(L_STATE, case.get_state_display()),
                   _f(L_OFFICERS, officers_text(case.officers.all(), case.filed_on or case.decided_on))],
        "sections": [_s(H_COURSE, Message(P_CLOSING, reported=cn_date(timezone.localdate(case.reported_at)),
                                          filed=cn_date(case.filed_on), decided=cn_date(case.decided_on),
                                          served=cn_date(case.served_on), executed=cn_date(case.executed_on))),
                     _s(H_FACTS, *case.facts.splitlines()),
                     _s(H_PENALTY, *outcome),
                     _s(H_EXECUTION, case.execution_detail or P_DASH),
                     _s(H_CONCLUSION, case.closing_summary or P_DASH)],
        "signatures": [str(S_OFFICERS), str(S_CHIEF), str(S_PRINCIPAL)],
        "seal": False,
    }


def may_view(user, case) -> bool:
    """Cases carry personal information: the roles that work on cases see them and their files."""
    return roles.may("case.view", user)


def may_attach(user, case) -> bool:
    """The case's own officers and the brigade chief add evidence, signed scans and service receipts."""
    if not roles.may("case.attach", user):
        return False
    return roles.has_role(user, roles.BRIGADE_CHIEF) or case.officers.filter(pk=user.pk).exists() \
        or case.reported_by_id == user.pk


def _record_label(record) -> str:
    """How a record is named beside its document in the list (the API's and the page's)."""
    if isinstance(record, Service):
        return str(SERVICE_TITLES[record.kind])
    if isinstance(record, Round):  # a document made again: nothing the first time, "第2次制作" after
        return str(Message(P_ROUND, n=record.pk)) if record.pk > 1 else ""
    if hasattr(record, "subject_name"):  # an inquiry record
        return f"{record.subject_name} {cn_date(record.held_at)}"
    if hasattr(record, "reviewer"):  # a legal review
        return f"{record.reviewer} {cn_date(record.created_at)}"
    return str(record)


# name: (title, context, unavailable, records, numbered pattern, number_of) in case-file (procedure) order.
KINDS = (
    ("filing_approval", _("Case filing approval form"), filing_context, filing_unavailable, None, "",
     lambda case, record=None: case.number),
    ("inspection_record", _("On-site inspection record"), inspection_context, inspection_unavailable,
     lambda case: list(case.inspections.all()), "", None),
    ("inquiry_record", _("Inquiry record"), inquiry_context, inquiry_unavailable,
     lambda case: list(case.inquiries.all()), "", None),
    ("correction_order", _("Notice to correct"), correction_context, correction_unavailable,
     lambda case: list(case.correction_orders.all()), "{town}综执责改字〔{year}〕{seq}号", None),
    ("penalty_notice", _("Prior notice of administrative penalty"), notice_context, notice_unavailable,
     _rounds("penalty_notice"), "{town}综执告字〔{year}〕{seq}号", None),
    ("hearing_notice", _("Hearing notice"), hearing_notice_context, hearing_notice_unavailable,
     _rounds("hearing_notice"), "{town}综执听字〔{year}〕{seq}号", None),
    ("hearing_record", _("Hearing record"), hearing_record_context, hearing_record_unavailable, None, "", None),
    ("legal_review_opinion", _("Legal review opinion"), review_context, review_unavailable, _reviews, "", None),
    ("collective_discussion", _("Collective discussion record"), discussion_context, discussion_unavailable, None,
     "", None),
    ("penalty_decision", _("Administrative penalty decision"), penalty_decision_context,
     penalty_decision_unavailable, _rounds("penalty_decision"), "{town}综执罚决字〔{year}〕{seq}号", None),
    ("no_penalty_decision", _("Decision not to impose an administrative penalty"), no_penalty_context,
     no_penalty_unavailable, _rounds("no_penalty_decision"), "{town}综执不罚字〔{year}〕{seq}号", None),
    ("on_the_spot_decision", _("On-the-spot penalty decision"), spot_context, spot_unavailable, None, "",
     lambda case, record=None: case.number),
    ("service_receipt", _("Service receipt"), service_context, service_unavailable, service_records, "", None),
    ("payment_demand", _("Demand for performance"), demand_context, demand_unavailable, _rounds("payment_demand"),
     "{town}综执催字〔{year}〕{seq}号", None),
    ("enforcement_application", _("Application for compulsory enforcement"), application_context,
     application_unavailable, _rounds("enforcement_application"), "{town}综执强申字〔{year}〕{seq}号", None),
    ("closing_report", _("Case closing report"), closing_context, closing_unavailable, None, "", None),
)


def register() -> None:
    registry.register_owner(registry.Owner(
        name="cases", model=Case, may_view=may_view, may_attach=may_attach,
        label=lambda case: case.number or f"#{case.pk}",
        url=lambda case: reverse("cases:cases:detail", args=[case.pk]),
    ))
    for order, (name, title, context, unavailable, records, pattern, number_of) in enumerate(KINDS, 1):
        registry.register(registry.DocumentKind(
            name=name, owner="cases", title=title, context=context, unavailable=unavailable, records=records,
            numbered=bool(pattern), number_pattern=pattern, number_of=number_of, order=order * 10,
            extra={"record_label": _record_label} if records else {},
        ))

