"""Business actions on cases other than transitions (those go through workflows.services.fire_transition)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.selectors import issued as issued_document
from notifications import calendar
from notifications.deadlines import close_deadlines, deadlines_of, end_of_day, open_deadline, reanchor
from notifications.models import Deadline, DeadlineRule
from notifications.reminders import cancel_reminders, plan_reminders
from notifications.services import notify_role, notify_users
from workflows import audit, personal_data, roles
from workflows.dates import check_business_date
from workflows.errors import (
    InvalidInput,
    Message,
    NotFound,
    NotPermitted,
    RuleViolation,
    StateConflict,
    bilingual,
)
from workflows.numbering import next_number
from workflows.services import require

from . import party_rules, publicity
from .flows import (
    ART60_LATE,
    CaseFlow,
    has_valid_certificate,
    issue_document,
    remedy_periods_end,
    require_certified_pair,
    round_of,
)
from .models import (
    PAYABLE_STATES,
    Case,
    CaseState,
    CorrectionOrder,
    InquiryRecord,
    InspectionRecord,
    OfficerCertificate,
    Party,
    Payment,
    PaymentPlan,
    PlanInstalment,
    Publication,
)
from .selectors import approved_plan, payment_due_date, payment_status, pending_plan
from .self_check import unpaid_balance
from .validators import (
    birth_date_from_resident_id,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)

BIRTH_DATE_MISMATCH = _("The date of birth differs from the one in the resident ID number ({born}).")
BIRTH_DATE_FUTURE = _("The date of birth cannot be in the future.")
BIRTH_DATE_TOO_EARLY = _("The date of birth lies before 1900.")
BIRTH_AFTER_VIOLATION = _("The date of birth lies after the violation of {violation_date} (Art 30).")
BIRTH_DATE_ONLY_PERSONS = _("Only a person has a date of birth; leave it empty for an organisation.")
CAPACITY_BASIS_REQUIRED = _("Say whether a mental illness or an intellectual disability reduced the capacity (Art 31).")
CAPACITY_ONLY_PERSONS = _("Only a person's capacity is recorded (Art 31).")

C2_NOT_FILED = _("Investigation starts only after the case is filed (Art 54); inquiries are recorded while it is "
                 "being investigated, mediated, notified or heard.")
NOT_CASE_OFFICER = _("Only the officers assigned to this case may record its inquiries.")
INQUIRY_BEFORE_FILING = _("An inquiry cannot be dated before the case was filed ({filed_on}).")
DATE_IN_FUTURE = _("The date cannot be in the future.")
INSPECTION_ENDS_BEFORE = _("The inspection cannot end before it started.")
PUBLICITY_NEEDS_PENALTY = _("Only a decided penalty is made public.")
PUBLICITY_ONE_OF = _("Give either the channel where the decision was made public or the reason it is not (Art 48).")
CERTIFICATE_TAKEN = _("Certificate number {number} belongs to {officer}.")
INQUIRY_STATES = (CaseState.INVESTIGATING, CaseState.MEDIATING, CaseState.NOTIFIED, CaseState.HEARING)
ONLY_CHIEF_CORRECTS = _("Only the brigade chief may correct a business date of a case.")
CORRECTION_INVALID = _("The correction is incomplete or invalid.")
UNKNOWN_DATE_FIELD = _("Choose one of the filing, notice, decision or service dates.")
CORRECTION_REASON_REQUIRED = _("Give the reason for the correction.")
DATE_NOT_REACHED = _("The case has no {field} yet: only a date already recorded can be corrected.")
CORRECTED_SAME = _("The {field} is {day} already.")
CORRECTED_OTHER_YEAR = _("The case number {number} was given in {year}; a filing date in another year would not "
                         "match it (Art 54, case numbers per year).")

# The business dates a brigade chief may correct, and the deadlines each one anchors (DESIGN §4).
CORRECTABLE_DATES = {
    "filed_on": ("case.decision",),
    "notified_on": ("case.statement_window", "case.hearing_request"),
    "decided_on": ("case.service", "case.publicity"),
    "served_on": ("case.payment", "case.court_application"),
}
# Deadlines anchored not on the corrected date itself but on a day computed from it: 行政强制法 Art 53's three
# months run from the end of the remedy periods, which are counted from service (flows.remedy_periods_end).
DERIVED_ANCHORS = {"case.court_application": lambda case: remedy_periods_end(case)}
DATE_LABELS = {
    "filed_on": _("filing date"),
    "notified_on": _("notice date"),
    "decided_on": _("decision date"),
    "served_on": _("service date"),
    "executed_on": _("execution date"),
}



def validate_party(data: dict, violation_date=None) -> dict:
    """Person: resident ID by GB 11643; organisation: unified social credit code by GB 32100; phone checked."""
    errors = {}
    id_number = (data.get("id_number") or "").strip().upper()
    if id_number:
        check = validate_resident_id if data.get("kind") == Party.Kind.PERSON else validate_credit_code
        try:
            check(id_number)
        except ValidationError as error:
            errors["party.id_number"] = error.messages
    try:
        validate_phone((data.get("phone") or "").strip())
    except ValidationError as error:
        errors["party.phone"] = error.messages
    # Art 30-31: a person's date of birth (given, or derived from the resident ID: GB 11643 characters 7-14; stored)
    # and capacity with its basis (mental illness or intellectual disability).
    birth_date = data.get("birth_date")
    capacity = data.get("capacity") or Party.Capacity.FULL
    capacity_basis = data.get("capacity_basis") or ""
    if data.get("kind") == Party.Kind.PERSON:
        born = birth_date_from_resident_id(id_number) if id_number else None
        if birth_date and born and birth_date != born:
            errors["party.birth_date"] = [bilingual(Message(BIRTH_DATE_MISMATCH, born=born))]
        elif birth_date and birth_date > timezone.localdate():
            errors["party.birth_date"] = [bilingual(BIRTH_DATE_FUTURE)]
        elif birth_date and birth_date.year < 1900:  # local plausibility bound
            errors["party.birth_date"] = [bilingual(BIRTH_DATE_TOO_EARLY)]
        elif birth_date and violation_date and birth_date > violation_date:  # Art 30: age at the violation
            errors["party.birth_date"] = [bilingual(Message(BIRTH_AFTER_VIOLATION, violation_date=violation_date))]
        birth_date = birth_date or born
        if capacity != Party.Capacity.FULL and not capacity_basis:
            errors["party.capacity_basis"] = [bilingual(CAPACITY_BASIS_REQUIRED)]
        if capacity == Party.Capacity.FULL:
            capacity_basis = ""
    else:
        if birth_date:  # an organisation has no date of birth: refused, not silently dropped
            errors["party.birth_date"] = [bilingual(BIRTH_DATE_ONLY_PERSONS)]
        birth_date = None
        if capacity != Party.Capacity.FULL or capacity_basis:
            errors["party.capacity"] = [bilingual(CAPACITY_ONLY_PERSONS)]
    if errors:
        raise InvalidInput(_("The party's details are invalid."), fields=errors)
    return {**data, "id_number": id_number, "phone": (data.get("phone") or "").strip(), "birth_date": birth_date,
            "capacity": capacity, "capacity_basis": capacity_basis}


@transaction.atomic
def create_case(*, user, source, description, village, violation_type, violation_date, party: dict,
                violation_ended_on=None, harm_to_life_health_or_finance=False, harm_description="",
                client_ip=None) -> Case:
    """Register a report (登记). The filing deadline (Art 54, 及时立案) starts on the day it is registered; the
    registration is the discovery from which Art 36's limitation is judged (the answer warns when it has passed).
    `violation_ended_on`: the end of a continuing or repeated act; `harm_to_life_health_or_finance`: Art 36's
    5 years (a fact of the case)."""
    require("case.create", user)
    check_business_date(Case(violation_type=violation_type), "violation_date", violation_date)
    if violation_ended_on is not None:
        check_business_date(Case(violation_type=violation_type, violation_date=violation_date), "violation_ended_on",
                            violation_ended_on)  # Art 36 ¶2
    party_rules.require_harm_described(harm_to_life_health_or_finance, harm_description)  # Art 36
    party_row = Party.objects.create(**validate_party(party, violation_date))
    case = Case.objects.create(source=source, description=description, village=village,
                               violation_type=violation_type, violation_date=violation_date, party=party_row,
                               violation_ended_on=violation_ended_on,
                               harm_to_life_health_or_finance=bool(harm_to_life_health_or_finance),
                               harm_description=(harm_description or "").strip()
                               if harm_to_life_health_or_finance else "",
                               reported_by=user)
    audit.record(case, transition="report", target=case.state, user=user, client_ip=client_ip,
                 fields={"source": source, "village": village.pk, "violation_type": violation_type.code,
                         "violation_date": violation_date, "violation_ended_on": violation_ended_on,
                         "harm_to_life_health_or_finance": case.harm_to_life_health_or_finance,
                         "party": party_row.name})
    open_deadline(case, "case.filing", timezone.localdate())
    return case


@transaction.atomic
def add_inquiry(*, case_pk, user, officers, subject_name, record, held_at, client_ip=None) -> InquiryRecord:
    """C1: every inquiry record names ≥2 officers certified on that day; C2: only once the case is filed."""
    case = _investigation_record_case(case_pk, user, officers, held_at, "held_at")
    inquiry = InquiryRecord.objects.create(case=case, subject_name=subject_name, record=record, held_at=held_at,
                                           recorded_by=user)
    inquiry.officers.set(officers)
    audit.record(case, transition="record_inquiry", source=case.state, target=case.state, user=user,
                 fields={"inquiry": inquiry.pk, "officers": sorted(o.pk for o in officers),
                         "subject_name": subject_name, "held_at": held_at}, client_ip=client_ip)
    return inquiry


def _investigation_record_case(case_pk, user, officers, held_at, input_name) -> Case:
    """The checks an investigation record (询问笔录, 现场检查笔录) passes before it is kept: the role, the case locked
    and filed (C2, Art 54), one of its officers recording, not in the future nor before the filing, and at least two
    officers certified on the day (C1, Art 42, 55). Returns the locked case."""
    require("case.inquiry", user)
    case = Case.objects.select_for_update().filter(pk=case_pk).first()
    if case is None:
        raise NotFound(_("No such case."))
    if case.state not in INQUIRY_STATES:
        raise RuleViolation(C2_NOT_FILED, rule="C2 Art 54")
    if not case.officers.filter(pk=user.pk).exists():
        raise NotPermitted(NOT_CASE_OFFICER, rule="roles")
    day = timezone.localdate(held_at) if timezone.is_aware(held_at) else held_at.date()
    if held_at > timezone.now():
        raise InvalidInput(DATE_IN_FUTURE, fields={input_name: [str(DATE_IN_FUTURE)]})
    if case.filed_on and day < case.filed_on:
        raise RuleViolation(Message(INQUIRY_BEFORE_FILING, filed_on=case.filed_on), rule="C2 Art 54")
    check_business_date(case, "inquiry", day, input_name=input_name)  # Art 54-55, and within bounds
    require_certified_pair(officers, day)
    return case


@transaction.atomic
def add_inspection(*, case_pk, user, officers, place, started_at, ended_at, findings, party_present="",
                   witness="", refusal_note="", client_ip=None) -> InspectionRecord:
    """现场检查（勘验）笔录 (处罚法 Art 55 ¶1, 42): kept like an inquiry record (≥2 officers certified on the day, C1;
    only once the case is filed, C2; by one of its officers). `started_at`/`ended_at` are aware datetimes; an end
    before the start is refused (400). Audited on the case as `record_inspection`."""
    if ended_at < started_at:
        raise InvalidInput(INSPECTION_ENDS_BEFORE, fields={"ended_at": [str(INSPECTION_ENDS_BEFORE)]})
    case = _investigation_record_case(case_pk, user, officers, started_at, "started_at")
    if ended_at > timezone.now():
        raise InvalidInput(DATE_IN_FUTURE, fields={"ended_at": [str(DATE_IN_FUTURE)]})
    inspection = InspectionRecord.objects.create(
        case=case, place=place, started_at=started_at, ended_at=ended_at, findings=findings,
        party_present=party_present, witness=witness, refusal_note=refusal_note, recorded_by=user)
    inspection.officers.set(officers)
    audit.record(case, transition="record_inspection", source=case.state, target=case.state, user=user,
                 fields={"inspection": inspection.pk, "officers": sorted(o.pk for o in officers), "place": place,
                         "started_at": started_at, "ended_at": ended_at}, client_ip=client_ip)
    return inspection


@transaction.atomic
def record_publicity(*, case_pk, user, channel="", published_on=None, not_published_reason="",
                     client_ip=None) -> Case:
    """Art 48 ¶1 (国办发〔2018〕118号): a penalty decision with social impact (具有一定社会影响的) is made public.
    Records either where and when it was published — `publish_decision`, keeping the redacted snapshot — or, with
    `not_published_reason`, why it is not (no social impact, personal privacy, a trade secret); either closes the
    publicity deadline, and the case may close. 409 for a minor's decision (未成年人保护法 Art 103)."""
    require("case.publicity", user)
    channel, not_published_reason = (channel or "").strip(), (not_published_reason or "").strip()
    if bool(channel) == bool(not_published_reason):
        raise InvalidInput(PUBLICITY_ONE_OF, fields={"channel": [bilingual(PUBLICITY_ONE_OF)],
                                                     "not_published_reason": [bilingual(PUBLICITY_ONE_OF)]})
    if channel:
        publish_decision(case_pk=case_pk, user=user, channel=channel, published_on=published_on,
                         client_ip=client_ip)
        return Case.objects.get(pk=case_pk)
    case = _publishable_case(case_pk)
    case.published_on, case.publicity_channel = None, ""
    case.publicity_withheld_reason = not_published_reason
    case.save(update_fields=["published_on", "publicity_channel", "publicity_withheld_reason"])
    close_deadlines(case, "case.publicity")
    audit.record(case, transition="record_publicity", source=case.state, target=case.state, user=user,
                 fields={"not_published_reason": not_published_reason}, client_ip=client_ip)
    return case


PUBLICITY_MINOR = _("A minor's penalty decision is never made public: the party was under eighteen at the "
                    "violation (Law on the Protection of Minors Art 103).")
PUBLICITY_ALREADY = _("The decision is already published; withdraw it first.")
PUBLICITY_NOT_PUBLISHED = _("The decision is not published: there is nothing to withdraw.")
WITHDRAWAL_REASON_REQUIRED = _("Give the reason for the withdrawal: it is published with it (Art 48 ¶2).")
WITHDRAWAL_BEFORE_PUBLICATION = _("A withdrawal cannot be dated before the publication ({day}).")
NO_SUCH_CASE = _("No such case.")


def _publishable_case(case_pk) -> Case:
    """The case under its row lock, with a decided penalty that is no minor's; 404 / 409 otherwise."""
    case = Case.objects.select_for_update().filter(pk=case_pk).first()
    if case is None:
        raise NotFound(NO_SUCH_CASE)
    if case.outcome != Case.Outcome.PENALTY or case.decided_on is None:
        raise RuleViolation(PUBLICITY_NEEDS_PENALTY, rule="Art 48")
    if publicity.minor_at_violation(case):
        raise RuleViolation(PUBLICITY_MINOR, rule="未成年人保护法 Art 103")
    return case


def decision_number(case) -> str:
    """The penalty decision's document number (its 行政处罚决定书 as issued), else the case number."""
    issued = issued_document("penalty_decision", case, round_of("penalty_decision", case))
    return issued.number if issued else (case.number or "")


@transaction.atomic
def publish_decision(*, case_pk, user, channel, published_on=None, client_ip=None) -> Publication:
    """Publish a decided penalty (处罚法 Art 48 ¶1): keeps the redacted snapshot (cases.publicity.redacted_snapshot:
    the person's name masked, no ID number, phone or address) as a Publication, records the date and channel on the
    case and closes `case.publicity` on `published_on` (default today; not before the decision, not ahead: in time
    when on or before the 7th working day). 403 without `case.publicity`; 404 unknown case; 400 no channel or a bad
    date; 409 no decided penalty, a minor's decision (未成年人保护法 Art 103), or already published (not withdrawn).
    Audited as record_publicity."""
    require("case.publicity", user)
    channel = (channel or "").strip()
    if not channel:
        message = _("Give the channel where the decision is made public.")
        raise InvalidInput(message, fields={"channel": [bilingual(message)]})
    case = _publishable_case(case_pk)
    if case.publications.filter(withdrawn_on__isnull=True).exists():
        raise RuleViolation(PUBLICITY_ALREADY, rule="Art 48")
    published_on = published_on or timezone.localdate()
    check_business_date(case, "published_on", published_on)  # Art 48: after the decision, not ahead
    snapshot = publicity.redacted_snapshot(case, decision_number=decision_number(case),
                                           organ=f"{settings.TOWN_NAME}人民政府")
    publication = Publication.objects.create(case=case, published_on=published_on, channel=channel,
                                             published_by=user, **snapshot)
    case.published_on, case.publicity_channel, case.publicity_withheld_reason = published_on, channel, ""
    case.save(update_fields=["published_on", "publicity_channel", "publicity_withheld_reason"])
    close_deadlines(case, "case.publicity", closed_on=published_on)
    audit.record(case, transition="record_publicity", source=case.state, target=case.state, user=user,
                 fields={"published_on": published_on, "channel": channel, "publication": publication.pk},
                 client_ip=client_ip)
    return publication


@transaction.atomic
def withdraw_publication(*, case_pk, user, reason, withdrawn_on=None, client_ip=None) -> Publication:
    """Withdraw a published decision (处罚法 Art 48 ¶2, statute: changed, revoked, confirmed unlawful or void —
    撤回行政处罚决定信息并公开说明理由 within 3 working days, Art 85): the publication keeps its snapshot, marked
    withdrawn on `withdrawn_on` (default today) with the reason the public page shows; closes
    `case.publicity_withdrawal`. Works on a closed case too. 403 without `case.publicity`; 404 unknown case; 400
    no reason or a bad date; 409 nothing published. Audited as withdraw_publicity."""
    require("case.publicity", user)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(WITHDRAWAL_REASON_REQUIRED, rule="Art 48 ¶2",
                           fields={"reason": [bilingual(WITHDRAWAL_REASON_REQUIRED)]})
    case = Case.objects.select_for_update().filter(pk=case_pk).first()
    if case is None:
        raise NotFound(NO_SUCH_CASE)
    publication = case.publications.filter(withdrawn_on__isnull=True).first()
    if publication is None:
        raise RuleViolation(PUBLICITY_NOT_PUBLISHED, rule="Art 48 ¶2")
    withdrawn_on = withdrawn_on or timezone.localdate()
    if withdrawn_on > timezone.localdate():
        raise InvalidInput(DATE_IN_FUTURE, fields={"withdrawn_on": [bilingual(DATE_IN_FUTURE)]})
    if withdrawn_on < publication.published_on:
        message = Message(WITHDRAWAL_BEFORE_PUBLICATION, day=publication.published_on)
        raise InvalidInput(message, fields={"withdrawn_on": [bilingual(message)]})
    publication.withdrawn_on, publication.withdrawal_reason, publication.withdrawn_by = withdrawn_on, reason, user
    publication.save(update_fields=["withdrawn_on", "withdrawal_reason", "withdrawn_by"])
    close_deadlines(case, "case.publicity_withdrawal", closed_on=withdrawn_on)
    audit.record(case, transition="withdraw_publicity", source=case.state, target=case.state, user=user,
                 fields={"withdrawn_on": withdrawn_on, "reason": reason, "publication": publication.pk},
                 client_ip=client_ip)
    return publication


@transaction.atomic
def set_certificate(*, officer, number: str, expires_on: datetime.date, issued_on=None, user=None) -> OfficerCertificate:
    """Record or renew an officer's enforcement certificate (Art 42). A number stays with its officer."""
    taken = OfficerCertificate.objects.filter(number=number).exclude(officer=officer).first()
    if taken is not None:
        raise InvalidInput(Message(CERTIFICATE_TAKEN, number=number, officer=taken.officer),
                           fields={"certificate_number": [str(Message(CERTIFICATE_TAKEN, number=number,
                                                                      officer=taken.officer))]})
    certificate, _created = OfficerCertificate.objects.update_or_create(
        number=number, defaults={"officer": officer, "expires_on": expires_on, "issued_on": issued_on,
                                 "revoked_on": None, "revoked_reason": ""},
    )
    audit.record(certificate, transition="set_certificate", user=user,
                 fields={"officer": officer.pk, "number": number, "expires_on": expires_on})
    sync_certificate_deadlines(officer)  # Art 42: the holder is reminded before it expires
    return certificate


@transaction.atomic
def revoke_certificate(*, certificate, reason: str, user=None, on=None) -> OfficerCertificate:
    certificate.revoked_on = on or timezone.localdate()
    certificate.revoked_reason = reason
    certificate.save(update_fields=["revoked_on", "revoked_reason"])
    audit.record(certificate, transition="revoke_certificate", user=user, fields={"reason": reason})
    sync_certificate_deadlines(certificate.officer)  # a revoked certificate's expiry reminders are cancelled
    return certificate


def certificate_valid_today(officer) -> bool:
    return has_valid_certificate(officer, timezone.localdate())


# --------------------------------------------------------------------------------------------------
# Correcting a business date (DESIGN §4: deadlines anchor on the business date; correcting it recomputes them)
# --------------------------------------------------------------------------------------------------


def _invalid(field, message):
    raise InvalidInput(message, fields={field: [bilingual(message)]})


@transaction.atomic
def correct_business_date(case, *, field: str, day: datetime.date, reason: str, user, client_ip=None) -> Case:
    """The brigade chief corrects the filing, notice, decision or service date of a case.

    The open or suspended deadlines anchored on that date are recomputed with their rule (extensions and
    suspensions stay granted) and their reminders planned anew; closed deadlines stay as recorded. The old and
    new date are audited on the case. Refusals: 403 not the brigade chief; 400 unknown field, no reason, a date
    in the future, before the report or out of order with the case's other dates; 409 a date the case has not
    reached, or a date that breaks a rule (C1 certified officers on the filing day, C2 the case number's year,
    C3 limitation, Art 60 the decision period).
    """
    if not roles.has_role(user, roles.BRIGADE_CHIEF):
        raise NotPermitted(ONLY_CHIEF_CORRECTS, rule="roles")
    if field not in CORRECTABLE_DATES:
        _invalid("field", UNKNOWN_DATE_FIELD)
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        _invalid("reason", CORRECTION_REASON_REQUIRED)
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        _invalid("date", CORRECTION_INVALID)
    case = Case.objects.select_for_update().filter(pk=case.pk).first()
    if case is None:
        raise NotFound(_("No such case."))
    label = DATE_LABELS[field]
    old = getattr(case, field)
    if old is None:
        raise StateConflict(Message(DATE_NOT_REACHED, field=label), rule="state")
    if day == old:
        _invalid("date", Message(CORRECTED_SAME, field=label, day=day))
    # The same date rule the transitions apply, and the dates recorded after it (workflows.dates).
    check_business_date(case, field, day, correcting=True, input_name="date")
    _check_correction_rules(case, field, day)

    setattr(case, field, day)
    case.save(update_fields=[field])
    recomputed = []
    for deadline in (Deadline.objects.select_for_update().select_related("rule")
                     .filter(object_type="cases.case", object_id=case.pk, kind__in=CORRECTABLE_DATES[field],
                             status__in=[Deadline.Status.OPEN, Deadline.Status.SUSPENDED]).order_by("id")):
        before = deadline.due_date
        derived = DERIVED_ANCHORS.get(deadline.kind)
        reanchor(deadline, derived(case) if derived else day)
        recomputed.append({"kind": deadline.kind, "due_date": before, "new_due_date": deadline.due_date})
    audit.record(case, transition="correct_business_date", source=case.state, target=case.state, user=user,
                 comment=reason, client_ip=client_ip,
                 fields={"field": field, "old": old, "new": day, "reason": reason, "deadlines": recomputed})
    return case


def _check_correction_rules(case, field, day):
    if field == "filed_on":
        if case.number and case.filed_on and day.year != case.filed_on.year:
            raise RuleViolation(Message(CORRECTED_OTHER_YEAR, number=case.number, year=case.filed_on.year),
                                rule="C2 Art 54")
        require_certified_pair(list(case.officers.all()), day)  # C1: certified on the filing day
        # C3 (Art 36) is judged at the discovery (registration), not the filing: a corrected filing date changes
        # nothing about it (cases.party_rules).
    if field == "decided_on":
        # 处罚法第60条: the decision date must lie within the (extended) decision period, unless it was suspended.
        ninety = (Deadline.objects.filter(object_type="cases.case", object_id=case.pk, kind="case.decision")
                  .order_by("-id").first())
        if ninety is not None and ninety.suspended_on is None and ninety.due_date < day:
            raise RuleViolation(Message(ART60_LATE, due=ninety.due_date), rule="Art 60")


# --------------------------------------------------------------------------------------------------
# Certificate expiry (处罚法 Art 42): one open `officer.certificate` deadline per officer, on the current one
# --------------------------------------------------------------------------------------------------

CERTIFICATE_KIND = "officer.certificate"


def expiry_anchor(rule: DeadlineRule, expires_on: datetime.date) -> datetime.date:
    """The anchor from which the rule's length reaches the expiry date (the deadline falls due on it)."""
    if rule.unit == DeadlineRule.Unit.CALENDAR_DAYS:
        return expires_on - datetime.timedelta(days=rule.length)
    if rule.unit == DeadlineRule.Unit.WORKING_DAYS:
        return calendar.add_working_days(expires_on, -rule.length).date
    return expires_on


def sync_certificate_deadlines(officer) -> None:
    """The officer's current certificate (not revoked, latest expiry) carries an open deadline due on its expiry;
    the ones it superseded are closed, revoked ones cancelled. Idempotent."""
    certificates = list(OfficerCertificate.objects.filter(officer=officer).order_by("-expires_on", "-id"))
    current = next((c for c in certificates if c.revoked_on is None), None)
    for certificate in certificates:
        if certificate == current:
            continue
        status = Deadline.Status.CANCELLED if certificate.revoked_on else Deadline.Status.CLOSED
        close_deadlines(certificate, CERTIFICATE_KIND, status=status)
    if current is None:
        return
    running = deadlines_of(current).filter(
        kind=CERTIFICATE_KIND, status__in=[Deadline.Status.OPEN, Deadline.Status.SUSPENDED]).first()
    if running is not None and running.due_date == current.expires_on:
        return
    rule = DeadlineRule.objects.get(kind=CERTIFICATE_KIND)
    deadline = open_deadline(current, CERTIFICATE_KIND, expiry_anchor(rule, current.expires_on))
    if deadline.due_date != current.expires_on:  # a working-day rule and an expiry on a rest day
        deadline.due_date, deadline.due_at = current.expires_on, end_of_day(current.expires_on)
        deadline.save(update_fields=["due_date", "due_at"])
        plan_reminders(deadline)


# --------------------------------------------------------------------------------------------------
# 简易程序: the on-the-spot decision (处罚法 Art 51–53, 68–71; DESIGN §9, CONTRACT §7 "On-the-spot")
# --------------------------------------------------------------------------------------------------

SPOT_LIMITS = party_rules.SPOT_LIMITS  # Art 51 (statute)
# Art 68(1) (statute): 依法给予一百元以下罚款的 may be collected on the spot.
SMALL_AMOUNT = Decimal("100")

SPOT_FINE_OR_WARNING = _("An on-the-spot decision imposes either a fine or a warning (Art 51).")
SPOT_OVER_LIMIT = _("A fine of {fine} yuan for {kind} exceeds the {limit} yuan that may be decided on the spot "
                    "(Art 51); use the general procedure.")
SPOT_CERTIFICATES_SHOWN = _("The officers show their enforcement certificates to the party before deciding on the "
                            "spot (Art 52).")
SPOT_CALLER_NOT_OFFICER = _("You must be one of the officers deciding on the spot.")
SPOT_NOT_OFFICER = _("{name} is not an enforcement officer.")
SPOT_CERTIFICATE = _("An officer deciding on the spot holds an enforcement certificate valid on {day} (Art 42); "
                     "not valid: {invalid}.")
SPOT_REDUCED = _("A reduced penalty (减轻) cannot be decided on the spot: it needs the collective discussion of the "
                 "agency's leaders (local discretion standard); use the general procedure.")
SPOT_COLLECT_WARNING = _("A warning has nothing to collect.")
SPOT_GROUND_REQUIRED = _("Say on which ground the fine is collected on the spot (Art 68–69).")
SPOT_SMALL_AMOUNT = _("Only a fine of 100 yuan or less is collected on the spot as a small amount (Art 68(1)); "
                      "{fine} yuan is more.")
SPOT_REASON_REQUIRED = _("Say why paying at a bank later would be really hard (remote, water or mountain areas; "
                         "Art 68(2), 69).")
SPOT_RECEIPT_REQUIRED = _("A fine collected on the spot is receipted on the official fine receipt; give its number "
                          "(Art 70).")
SPOT_DECIDED_FUTURE = _("The decision cannot be dated in the future.")
SPOT_PLACE_REQUIRED = _("Give the place of the violation: the on-the-spot decision states it (Art 52).")
SPOT_VIOLATION_AFTER = _("The violation cannot be timed after the decision ({decided_at}).")
SPOT_CHECK_FORM = _("Please correct the fields below.")
SPOT_DECIDED_BEFORE = _("The decision cannot be dated before the violation ({violation_date}).")
SPOT_DELIVERY = _("Handed to the party on the spot (Art 52)")
SPOT_COLLECTED = _("Fine collected on the spot, receipt {receipt} (Art 68–70)")
SPOT_WARNING_EXECUTED = _("Warning given on the spot (Art 52)")
SPOT_CHANNEL = _("Collected on the spot")
SPOT_TO_FILE = _("On-the-spot decision awaiting filing: {title}")


def _spot_invalid(field, message):
    raise InvalidInput(message, fields={field: [bilingual(message)]})


def spot_input_errors(*, fine=None, warning: bool = False, violation_place: str = "", collected_on_spot: bool = False,
                      collection_ground: str = "", collection_reason: str = "", receipt_number: str = "") -> dict:
    """The on-the-spot decision's input checks that need no rule and no database (each 400), ALL of them at once:
    field -> [message]. decide_on_the_spot raises them together before any rule check, and the page's form adds
    them to its own field errors, so an officer on a phone sees every missing field after one submission."""
    errors = {}
    if (fine is None) == (not warning):
        errors["fine"] = [SPOT_FINE_OR_WARNING]
    if not (violation_place or "").strip():
        errors["violation_place"] = [SPOT_PLACE_REQUIRED]  # Art 52: 违法行为的时间、地点 on the decision
    if collected_on_spot:
        if fine is None:
            errors["collected_on_spot"] = [SPOT_COLLECT_WARNING]
        if collection_ground not in Case.CollectionGround.values:
            errors["collection_ground"] = [SPOT_GROUND_REQUIRED]  # Art 68-69
        if collection_ground == Case.CollectionGround.HARD_TO_PAY_LATER and not (collection_reason or "").strip():
            errors["collection_reason"] = [SPOT_REASON_REQUIRED]  # Art 68(2), 69
        if not (receipt_number or "").strip():
            errors["receipt_number"] = [SPOT_RECEIPT_REQUIRED]  # Art 70
    return errors


def _require_spot_officers(user, officers, day: datetime.date) -> list:
    """Art 42 (statute): 执法人员应当持有执法证件; each officer named holds a certificate valid on the day. Art 52
    lets ONE officer decide on the spot (执法人员当场作出): the two-officer rule of Art 55 governs investigation and
    inspection in the general procedure, not the simple procedure — one certified officer suffices here."""
    officers = list({officer.pk: officer for officer in officers}.values())
    if user.pk not in {officer.pk for officer in officers}:
        _spot_invalid("officers", SPOT_CALLER_NOT_OFFICER)
    for officer in officers:
        if not roles.has_role(officer, roles.ENFORCEMENT_OFFICER):
            _spot_invalid("officers", Message(SPOT_NOT_OFFICER, name=officer))
    invalid = [str(officer) for officer in officers if not has_valid_certificate(officer, day)]
    if invalid:
        message = Message(SPOT_CERTIFICATE, day=day, invalid="、".join(invalid))
        raise RuleViolation(message, rule="Art 42, 52", fields={"officers": [bilingual(message)]})
    return officers


@transaction.atomic
def decide_on_the_spot(*, user, party: dict, village, violation_type, facts: str, legal_basis: str, officers,
                       certificates_shown: bool, fine=None, warning: bool = False, decided_at=None,
                       violation_date=None, party_statement: str = "", refused_to_sign: str = "",
                       collected_on_spot: bool = False, collection_ground: str = "", collection_reason: str = "",
                       receipt_number: str = "", mitigation: str = "", mitigation_ground: str = "",
                       violation_place: str = "", violation_time=None, client_ip=None) -> Case:
    """简易程序 (处罚法 Art 51–53): an enforcement officer decides on the spot and the case is created decided.

    Statute, each checked here:
    - Art 51: facts certain with a legal basis; a fine of at most 200 yuan for a person or 3,000 yuan for an
      organisation, or a warning (exactly one of them) — above it 409 naming Art 51. The violation type's
      discretion range (C7, `require_fine_in_range`) applies as in the general procedure.
    - Art 42, 52: the officer shows the certificate (`certificates_shown` must be true, else 409 Art 52) and every
      officer named holds one valid on the day. One officer may act alone: Art 55's two officers govern the
      general procedure's investigation, not Art 51's on-the-spot decision.
    - Art 52: the party is told the facts, reasons, basis and rights and is heard (`party_statement`); the numbered
      当场处罚决定书 is handed over on the spot (so served the decision day; a refusal to sign is noted in
      `refused_to_sign`) and the decision is filed with the agency (备案: `acknowledge_spot_filing`, the brigade
      chief's inbox). Printing the 当场处罚决定书 belongs to the documents module (issue 14); its number is the
      case's `number`, from its own gap-free yearly series (`case_spot`, settings.CASE_SPOT_NUMBER_FORMAT).
    - Art 30–32 (party_rules): under fourteen or unable to recognise their conduct → no penalty (409); aged 14–17
      → the penalty must be lighter (`mitigation` "lighter", ground "minor"). A reduced penalty (减轻) is refused on
      the spot: the local discretion standard has it pass the leaders' collective discussion (configurable,
      CASE_REDUCTION_NEEDS_DISCUSSION). Art 36: a violation beyond the limitation period is not decided on the spot.
    - Art 68–70: collected on the spot only for a fine of 100 yuan or less (`small_amount`, else 409 Art 68) or
      where paying later would be really hard (`hard_to_pay_later`, with `collection_reason`: Art 68(2), and 69's
      remote, water and mountain areas); the official receipt's number is required (Art 70, else 400).

    After: `executed` when the fine was collected on the spot (the party has paid) or the penalty is a warning (a
    warning is executed by being announced and handed over — nothing is left to do); otherwise `served`, and the
    ordinary 15-day payment period (Art 67, `case.payment`) runs from the decision day. Money collected on the spot
    opens `case.spot_handover`: handed over to the agency within 2 working days (Art 71 ¶1, Art 85) by
    `record_handover`. One audit entry, "decide_on_the_spot" (当场处罚), records it with the number. No publicity
    deadline opens: local practice treats on-the-spot decisions as without social impact (Art 48 ¶1); publicity
    can still be recorded. Refusals write nothing (one transaction; the number is given back on rollback)."""
    require("case.on_the_spot", user)
    now = timezone.now()
    decided_at = decided_at or now
    errors = spot_input_errors(fine=fine, warning=warning, violation_place=violation_place,
                               collected_on_spot=collected_on_spot, collection_ground=collection_ground or "",
                               collection_reason=collection_reason, receipt_number=receipt_number)
    if decided_at > now:
        errors["decided_at"] = [SPOT_DECIDED_FUTURE]
    if errors:  # every input error at once (400), before any rule is checked
        first = next(iter(errors.values()))[0]
        message = first if len(errors) == 1 else SPOT_CHECK_FORM
        raise InvalidInput(message, fields={field: [bilingual(m) for m in messages]
                                            for field, messages in errors.items()})
    decided_on = timezone.localdate(decided_at) if timezone.is_aware(decided_at) else decided_at.date()
    violation_date = violation_date or decided_on
    if violation_time is not None and violation_date == decided_on:
        local_decided = timezone.localtime(decided_at) if timezone.is_aware(decided_at) else decided_at
        if violation_time > local_decided.time():
            _spot_invalid("violation_time", Message(SPOT_VIOLATION_AFTER,
                                                    decided_at=local_decided.strftime("%Y-%m-%d %H:%M")))
    probe = Case(violation_type=violation_type, violation_date=violation_date)
    check_business_date(probe, "violation_date", violation_date)
    if decided_on < violation_date:
        _spot_invalid("decided_at", Message(SPOT_DECIDED_BEFORE, violation_date=violation_date))
    check_business_date(probe, "decided_on", decided_on, input_name="decided_at")
    party_data = validate_party(party, violation_date)
    if not certificates_shown:
        raise RuleViolation(SPOT_CERTIFICATES_SHOWN, rule="Art 52",
                            fields={"certificates_shown": [bilingual(SPOT_CERTIFICATES_SHOWN)]})
    officers = _require_spot_officers(user, officers, decided_on)
    mitigation = mitigation or Case.Mitigation.NONE
    probe.party = Party(**party_data)
    if fine is not None:
        fine = Decimal(fine)
        limit = SPOT_LIMITS[probe.party.kind]
        if fine > limit:
            message = Message(SPOT_OVER_LIMIT, fine=f"{fine:,.2f}", kind=probe.party.get_kind_display(),
                              limit=f"{limit:,.0f}")
            raise RuleViolation(message, rule="Art 51", fields={"fine": [bilingual(message)]})
    party_rules.require_within_limitation(probe, "")  # Art 36: discovered now, on the spot
    party_rules.require_party_may_be_penalised(probe, mitigation=mitigation,
                                               mitigation_ground=mitigation_ground)  # Art 30-32
    if mitigation == Case.Mitigation.REDUCED:
        raise RuleViolation(SPOT_REDUCED, rule="local rule 减轻 collective discussion",
                            fields={"mitigation": [bilingual(SPOT_REDUCED)]})
    if fine is not None:
        party_rules.require_fine_in_range(probe, fine, mitigation)  # C7, Art 32
    collection_ground, collection_reason = collection_ground or "", (collection_reason or "").strip()
    receipt_number = (receipt_number or "").strip()
    if collected_on_spot:  # the ground, reason and receipt are present (spot_input_errors)
        if collection_ground == Case.CollectionGround.SMALL_AMOUNT and fine > SMALL_AMOUNT:
            message = Message(SPOT_SMALL_AMOUNT, fine=f"{fine:,.2f}")
            raise RuleViolation(message, rule="Art 68", fields={"collection_ground": [bilingual(message)]})
    else:
        collection_ground, collection_reason, receipt_number = "", "", ""
    if collection_ground != Case.CollectionGround.HARD_TO_PAY_LATER:
        collection_reason = ""

    executed = bool(collected_on_spot) or fine is None
    state = CaseState.EXECUTED if executed else CaseState.SERVED
    number = next_number("case_spot", decided_on.year, settings.CASE_SPOT_NUMBER_FORMAT)  # Art 52: numbered
    if fine is None:
        execution_detail = str(SPOT_WARNING_EXECUTED)
    elif collected_on_spot:
        execution_detail = str(Message(SPOT_COLLECTED, receipt=receipt_number))
    else:
        execution_detail = ""
    party_row = Party.objects.create(**party_data)
    case = Case.objects.create(
        procedure=Case.Procedure.SIMPLE, number=number, state=state, source=Case.Source.PATROL,
        description=facts, village=village, violation_type=violation_type, violation_date=violation_date,
        violation_time=violation_time, violation_place=violation_place.strip(),
        party=party_row, reported_by=user, facts=facts, legal_basis=legal_basis,
        outcome=Case.Outcome.PENALTY, fine=fine, measures=["fine"] if fine is not None else ["warning"],
        mitigation=mitigation, mitigation_ground=mitigation_ground if mitigation != Case.Mitigation.NONE else "",
        decided_on=decided_on, decided_by=user, spot_decided_at=decided_at, certificates_shown=True,
        party_statement=(party_statement or "").strip(), refused_to_sign=(refused_to_sign or "").strip(),
        served_on=decided_on, service_method=str(SPOT_DELIVERY),
        executed_on=decided_on if executed else None, execution_detail=execution_detail,
        collected_on_spot=bool(collected_on_spot), collection_ground=collection_ground,
        collection_reason=collection_reason, receipt_number=receipt_number,
    )
    case.officers.set(officers)
    payment = None
    if collected_on_spot:
        # Art 68-70: the fine collected on the spot IS the party's payment, receipted on the official fine receipt;
        # the case file records it as a payment of the decision day (the payment card then reads nothing owed)
        payment = Payment.objects.create(case=case, amount=fine, paid_on=decided_on, receipt_number=receipt_number,
                                         bank=str(SPOT_CHANNEL), recorded_by=user)
    audit.record(case, transition="decide_on_the_spot", target=state, user=user, client_ip=client_ip,
                 comment=number, fields={
                     "number": number, "procedure": case.procedure, "party": party_row.name,
                     "village": village.pk, "violation_type": violation_type.code, "violation_date": violation_date,
                     "violation_time": violation_time, "violation_place": case.violation_place,
                     "fine": fine, "warning": fine is None, "officers": sorted(o.pk for o in officers),
                     "decided_at": decided_at, "certificates_shown": True, "mitigation": mitigation,
                     "party_statement": case.party_statement, "refused_to_sign": case.refused_to_sign,
                     "collected_on_spot": case.collected_on_spot, "collection_ground": collection_ground,
                     "collection_reason": collection_reason, "receipt_number": receipt_number,
                     "payment": payment.pk if payment else None})
    if collected_on_spot:
        open_deadline(case, "case.spot_handover", decided_on)  # Art 71 ¶1, 85: 2 working days
    elif fine is not None:
        open_deadline(case, "case.payment", decided_on)  # Art 67: 15 days from the decision handed over
        # 行政强制法 Art 53 (statute): unpaid, the court is applied to within 3 months after the remedy periods end
        # — the same deadline a general-procedure decision gets when it is served (CaseFlow.serve)
        CaseFlow(case, user)._open_court_application()
    notify_role(roles.BRIGADE_CHIEF, str(Message(SPOT_TO_FILE, title=case.title)), link=case.page_path())
    return case
# Execution: payments and payment plans (处罚法 Art 66–67, 72; DESIGN §9, CONTRACT §7 "Execution")
# --------------------------------------------------------------------------------------------------

NO_FINE = _("This case has no fine to pay (no penalty, or a penalty without a fine).")
NOT_PAYABLE = _("Payments and payment plans are recorded once the decision is served and until it is executed "
                "(Art 67).")
NOT_OFFICER_OF_CASE = _("Only the officers assigned to this case may record its payments and plans.")
AMOUNT_POSITIVE = _("The amount must be more than 0.")
OVERPAID = _("{amount} yuan is more than the {owed} yuan still owed (the fine and the late-payment surcharge); "
             "check the receipt.")
RECEIPT_TAKEN = _("Receipt {number} is already recorded on this case.")
RECEIPT_REQUIRED = _("Give the number of the bank's receipt (Art 67).")
NOTHING_OWED = _("The fine is paid in full: there is nothing to defer or pay in instalments.")
PLAN_PENDING = _("An application to defer or pay in instalments is already awaiting the principal's decision.")
PLAN_APPROVED = _("An approved payment plan already governs this fine (Art 66 ¶2).")
PLAN_LATE = _("The application to defer or pay in instalments is made within the payment period, by {due} "
              "(local reading of Art 66 ¶2 and 67: a plan does not undo a surcharge already accrued).")
REASON_REQUIRED = _("State the party's economic hardship (Art 66 ¶2).")
DEFERRAL_ONE_DATE = _("A deferral has exactly one new due date.")
DEFERRAL_AFTER_DUE = _("A deferral's due date lies after the payment deadline of {due}.")
INSTALMENTS_TWO = _("Instalments need at least two due dates, each with its amount.")
INSTALMENT_AMOUNT = _("Each instalment is more than 0 yuan.")
INSTALMENT_DATES = _("The due dates are different days, in order, each after the application ({applied_on}).")
INSTALMENT_SUM = _("The instalments add up to {total} yuan; they must add up to the unpaid fine, {balance} yuan.")
ONLY_PRINCIPAL = _("Only the principal approves or rejects a deferral or instalments (Art 66 ¶2).")
NOT_OWN_APPLICATION = _("The one who recorded the application does not decide it.")
PLAN_DECIDED = _("This application was decided already ({status}).")
PLAN_STALE = _("The unpaid fine is {balance} yuan now, not the {total} yuan the plan divides: reject it and record "
               "a new application.")
PLAN_DATE_PASSED = _("The due date {day} has passed: reject the application and record a new one.")
DECISION_NOTE_REQUIRED = _("Give the reason for the rejection.")
PLAN_APPLIED = _("Application to defer or pay in instalments: {title}")
PLAN_ANSWERED = _("Payment plan {status}: {title}")


def _payable_case(case_pk, user, action):
    require(action, user)
    case = Case.objects.select_for_update().filter(pk=case_pk).first()
    if case is None:
        raise NotFound(_("No such case."))
    if not case.officers.filter(pk=user.pk).exists():
        raise NotPermitted(NOT_OFFICER_OF_CASE, rule="roles")
    if case.outcome != Case.Outcome.PENALTY or not case.fine:
        raise RuleViolation(NO_FINE, rule="Art 67")
    if case.state not in PAYABLE_STATES and not (action == "case.payment" and receipt_owed_after_execution(case)):
        raise RuleViolation(NOT_PAYABLE, rule="Art 67")
    return case


def receipt_owed_after_execution(case) -> bool:
    """An execution recorded without the bank's receipts covering the fine (the older way: the execution's text
    said it was paid): the officer may still record the receipts, so the file the self-check vetoes for the unpaid
    balance (cases.self_check V8, Art 67 statute) can be completed before it is closed."""
    return case.state == CaseState.EXECUTED and unpaid_balance(case) is not None


@transaction.atomic
def record_payment(*, case_pk, user, amount, paid_on, receipt_number, bank="", note="", client_ip=None) -> Payment:
    """Record a payment from the bank's receipt. 罚缴分离 (处罚法 Art 67 ¶1): the agency deciding the fine does not
    collect it; the party pays at the designated bank (or its electronic channel), and the officer records here
    the receipt the bank issued — amount, date, receipt number, bank. Case officers only, while the fine is being
    paid (PAYABLE_STATES). Refused: an amount ≤ 0 or a date ahead of today or before the service (400); more than
    the fine and surcharge still owed, a receipt number already recorded on the case, a case without a fine (409).

    The payment goes to the fine first, then to the surcharge (selectors.payment_status); the deadline of each due
    date it completes closes, and once the fine is paid in full every payment deadline closes. Execution stays a
    step of its own (record_execution): the officer records it, which also covers the decision's other measures."""
    case = _payable_case(case_pk, user, "case.payment")
    receipt_number = (receipt_number or "").strip()
    if not receipt_number:
        raise InvalidInput(RECEIPT_REQUIRED, fields={"receipt_number": [bilingual(RECEIPT_REQUIRED)]})
    if amount is None or amount <= 0:
        raise InvalidInput(AMOUNT_POSITIVE, fields={"amount": [bilingual(AMOUNT_POSITIVE)]})
    check_business_date(case, "paid_on", paid_on)  # Art 61, 67: after the decision and its service, not ahead
    if Payment.objects.filter(case=case, receipt_number=receipt_number).exists():
        message = Message(RECEIPT_TAKEN, number=receipt_number)
        raise RuleViolation(message, rule="Art 67", fields={"receipt_number": [bilingual(message)]})
    owed = payment_status(case)["total_owed"]
    if amount > owed:
        message = Message(OVERPAID, amount=f"{amount:,.2f}", owed=f"{owed:,.2f}")
        raise RuleViolation(message, rule="Art 67, 72", fields={"amount": [bilingual(message)]})
    payment = Payment.objects.create(case=case, amount=amount, paid_on=paid_on, receipt_number=receipt_number,
                                     bank=(bank or "").strip(), note=(note or "").strip(), recorded_by=user)
    audit.record(case, transition="record_payment", source=case.state, target=case.state, user=user,
                 fields={"payment": payment.pk, "amount": str(amount), "paid_on": paid_on,
                         "receipt_number": receipt_number, "bank": payment.bank}, client_ip=client_ip)
    close_paid_deadlines(case, paid_on=paid_on)
    return payment


def close_paid_deadlines(case, paid_on=None) -> None:
    """Close the deadline of each due date whose amount is paid; all of them once the fine is paid in full. Each
    is met on the day its amount was cleared (else `paid_on`, else today)."""
    status = payment_status(case)
    if status["balance"] <= 0:
        close_deadlines(case, "case.payment", "case.instalment", closed_on=paid_on)
        return
    cleared = {tranche.due_on: tranche.cleared_on for tranche in status["schedule"] if tranche.cleared_on}
    rows = list(Deadline.objects.filter(object_type="cases.case", object_id=case.pk, kind="case.instalment",
                                        status=Deadline.Status.OPEN, due_date__in=cleared)
                .values_list("pk", "due_date"))
    for pk, due_date in rows:
        Deadline.objects.filter(pk=pk).update(status=Deadline.Status.CLOSED, closed_at=timezone.now(),
                                              closed_on=cleared[due_date])
    if rows:
        cancel_reminders([pk for pk, _due in rows])


def _refuse_rows(message, field="instalments"):
    raise InvalidInput(message, rule="Art 66 ¶2", fields={field: [bilingual(message)]})


@transaction.atomic
def apply_payment_plan(*, case_pk, user, kind, reason, instalments, applied_on=None, client_ip=None) -> PaymentPlan:
    """Record the party's application to defer or pay in instalments (处罚法 Art 66 ¶2: 当事人确有经济困难，需要
    延期或者分期缴纳罚款的，经当事人申请和行政机关批准，可以暂缓或者分期缴纳). A case officer records it; the
    principal decides (decide_payment_plan). `instalments`: [{"due_on", "amount"}] — a deferral one date (its
    amount, if given, is the unpaid fine), instalments at least two whose amounts add up to the unpaid fine.
    One pending application at a time (409); the application is made within the payment period (local reading,
    409), so that a plan never undoes a surcharge accrued before it was asked for (Art 72). Once approved, the plan's
    dates govern from the start: days after Art 67's date while a timely application awaited the decision bear no
    surcharge (our reading; a rejection leaves Art 67's date and its surcharge as they were)."""
    case = _payable_case(case_pk, user, "case.payment_plan.apply")
    applied_on = applied_on or timezone.localdate()
    check_business_date(case, "plan_applied_on", applied_on, input_name="applied_on")  # after the service
    if not (reason or "").strip():
        raise InvalidInput(REASON_REQUIRED, fields={"reason": [bilingual(REASON_REQUIRED)]})
    if pending_plan(case):
        raise RuleViolation(PLAN_PENDING, rule="Art 66 ¶2")
    if approved_plan(case):
        raise RuleViolation(PLAN_APPROVED, rule="Art 66 ¶2")
    balance = payment_status(case)["balance"]
    if balance <= 0:
        raise RuleViolation(NOTHING_OWED, rule="Art 66 ¶2")
    due = payment_due_date(case)
    if due and applied_on > due:
        raise RuleViolation(Message(PLAN_LATE, due=due), rule="Art 66 ¶2")
    rows = [(row["due_on"], row.get("amount")) for row in instalments or ()]
    if kind == PaymentPlan.Kind.DEFERRAL:
        if len(rows) != 1:
            _refuse_rows(DEFERRAL_ONE_DATE)
        if due and rows[0][0] <= due:
            _refuse_rows(Message(DEFERRAL_AFTER_DUE, due=due))
        rows = [(rows[0][0], balance)]
    else:
        if len(rows) < 2 or any(amount is None for _day, amount in rows):
            _refuse_rows(INSTALMENTS_TWO)
        if any(amount <= 0 or amount != amount.quantize(Decimal("0.01")) for _day, amount in rows):
            _refuse_rows(INSTALMENT_AMOUNT)
        total = sum(amount for _day, amount in rows)
        if total != balance:
            _refuse_rows(Message(INSTALMENT_SUM, total=f"{total:,.2f}", balance=f"{balance:,.2f}"))
    days = [day for day, _amount in rows]
    if days != sorted(set(days)) or days[0] <= applied_on:
        _refuse_rows(Message(INSTALMENT_DATES, applied_on=applied_on))
    plan = PaymentPlan.objects.create(case=case, kind=kind, reason=reason.strip(), applied_on=applied_on,
                                      requested_by=user)
    PlanInstalment.objects.bulk_create([PlanInstalment(plan=plan, due_on=day, amount=amount) for day, amount in rows])
    audit.record(case, transition="apply_payment_plan", source=case.state, target=case.state, user=user,
                 fields={"plan": plan.pk, "kind": kind, "applied_on": applied_on,
                         "instalments": [[day, str(amount)] for day, amount in rows]}, client_ip=client_ip)
    notify_role(roles.PRINCIPAL, Message(PLAN_APPLIED, title=case.title), link=plan.page_path(), exclude=user)
    return plan


@transaction.atomic
def decide_payment_plan(*, plan_pk, user, approve: bool, note="", client_ip=None) -> PaymentPlan:
    """The agency's approval (Art 66 ¶2: 经行政机关批准), by the principal (ACTION_ROLES
    "case.payment_plan.approve"; 403 for others, and for whoever recorded the application). Approval replaces the
    Art 67 payment deadline — cancelled as superseded, kept in the history — with one `case.instalment` deadline
    per due date (with reminders); the surcharge then runs only from the day after a missed due date, on that
    date's amount (selectors.payment_status). A rejection needs its reason; the Art 67 deadline runs on."""
    if not roles.may("case.payment_plan.approve", user):
        raise NotPermitted(ONLY_PRINCIPAL, rule="roles")
    plan = PaymentPlan.objects.filter(pk=plan_pk).first()
    if plan is None:
        raise NotFound(_("No such payment plan."))
    if plan.requested_by_id == user.pk:
        raise NotPermitted(NOT_OWN_APPLICATION, rule="Art 66 ¶2")
    case = Case.objects.select_for_update().get(pk=plan.case_id)
    plan = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PaymentPlan.Status.PENDING:
        raise RuleViolation(Message(PLAN_DECIDED, status=plan.get_status_display()), rule="Art 66 ¶2")
    note = (note or "").strip()
    today = timezone.localdate()
    rows = list(plan.instalments.all())
    if approve:
        if case.state not in PAYABLE_STATES:
            raise RuleViolation(NOT_PAYABLE, rule="Art 67")
        balance = payment_status(case)["balance"]
        total = sum(row.amount for row in rows)
        if total != balance:
            raise RuleViolation(Message(PLAN_STALE, balance=f"{balance:,.2f}", total=f"{total:,.2f}"),
                                rule="Art 66 ¶2")
        if rows[0].due_on < today:
            raise RuleViolation(Message(PLAN_DATE_PASSED, day=rows[0].due_on), rule="Art 66 ¶2")
    elif not note:
        raise InvalidInput(DECISION_NOTE_REQUIRED, fields={"note": [bilingual(DECISION_NOTE_REQUIRED)]})
    plan.status = PaymentPlan.Status.APPROVED if approve else PaymentPlan.Status.REJECTED
    plan.decided_by, plan.decided_on, plan.decision_note = user, today, note
    plan.save(update_fields=["status", "decided_by", "decided_on", "decision_note"])
    if approve:
        close_deadlines(case, "case.payment", status=Deadline.Status.CANCELLED)  # superseded by the plan
        for row in rows:
            open_deadline(case, "case.instalment", row.due_on, replace=False)  # length 0: due on the plan's date
    audit.record(case, transition="approve_payment_plan" if approve else "reject_payment_plan", source=case.state,
                 target=case.state, user=user, fields={"plan": plan.pk, "note": note}, client_ip=client_ip)
    notify_users(case.officers.all(), Message(PLAN_ANSWERED, status=plan.get_status_display(), title=case.title),
                 link=case.page_path())
    return plan
# 责令改正 (处罚法 Art 28 ¶1): correction orders and their checks
# --------------------------------------------------------------------------------------------------

CORRECTION_KIND = "case.correction"
# Any state after the filing and before the end of the case (a reported case has no officers yet; a transferred
# one is another body's). On-the-spot decisions (简易程序) call issue_correction_order on their case as well.
CORRECTION_CLOSED_STATES = (CaseState.REPORTED, CaseState.NOT_FILED, CaseState.CLOSED, CaseState.TRANSFERRED)
CORRECTION_NOT_OPEN = _("Correction orders are issued on a case being handled: after its filing, before it is closed "
                        "or transferred (Art 28).")
CORRECTION_NOT_CASE_OFFICER = _("Only the officers assigned to this case may issue or check its correction orders.")
CORRECTION_MEASURE_REQUIRED = _("Say what the party must correct (Art 28).")
CORRECTION_DUE_BEFORE_ISSUE = _("The term to correct ends on or after the day the order is issued ({issued_on}).")
CORRECTION_CHECKED = _("This correction order was checked already ({status}).")
CORRECTION_NOT_DUE = _("The term to correct runs until {due_on}: “not corrected” is recorded on or after that day; "
                       "a correction made early may be recorded now.")
CORRECTION_NOT_OVERDUE = _("Only an order found not corrected is acknowledged.")
CORRECTION_ACKNOWLEDGED = _("This order was acknowledged already.")
CORRECTION_OVERDUE_TITLE = _("Not corrected by {due_on}: {title}")
NO_SUCH_ORDER = _("No such correction order.")


@transaction.atomic
def issue_correction_order(case, user, measure: str, due_on: datetime.date, issued_on=None,
                           client_ip=None) -> CorrectionOrder:
    """责令改正或者限期改正 (处罚法 Art 28 ¶1, statute: every penalty comes with the order to correct; the TERM is the
    order's own, local practice). One of the case's officers issues it in any state after the filing and before the
    case is closed or transferred; it opens the deadline `case.correction` due on `due_on` (rule unit given_date),
    reminded to the case officers and escalated to the brigade chief; audited on the case."""
    require("case.correction_order", user)
    case = Case.objects.select_for_update().filter(pk=getattr(case, "pk", case)).first()
    if case is None:
        raise NotFound(_("No such case."))
    if case.state in CORRECTION_CLOSED_STATES:
        raise RuleViolation(CORRECTION_NOT_OPEN, rule="Art 28")
    if not case.officers.filter(pk=user.pk).exists():
        raise NotPermitted(CORRECTION_NOT_CASE_OFFICER, rule="roles")
    measure = (measure or "").strip()
    if not measure:
        _invalid("measure", CORRECTION_MEASURE_REQUIRED)
    issued_on = issued_on or timezone.localdate()
    order = CorrectionOrder(case=case, measure=measure, issued_on=issued_on, due_on=due_on, issued_by=user)
    check_business_date(order, "issued_on", issued_on)  # not ahead of today, not before the filing
    if due_on < issued_on:
        _invalid("due_on", Message(CORRECTION_DUE_BEFORE_ISSUE, issued_on=issued_on))
    order.save()
    open_deadline(order, CORRECTION_KIND, due_on)  # due on the day the order names
    audit.record(case, transition="issue_correction_order", source=case.state, target=case.state, user=user,
                 client_ip=client_ip, fields={"order": order.pk, "measure": measure, "issued_on": issued_on,
                                              "due_on": due_on})
    issue_document("correction_order", case, record=order, user=user, on=issued_on,
                         client_ip=client_ip)  # 责令改正通知书, numbered (DESIGN §10)
    return order


@transaction.atomic
def verify_correction_order(order_pk, user, corrected: bool, checked_on=None, note="",
                            client_ip=None) -> CorrectionOrder:
    """Record the check of an order (复查). Corrected may be found any day (early included); NOT corrected only on or
    after its due day (before it the party still has time: 409). The check date is not ahead of today nor before the
    issue. The deadline closes. "Not corrected" changes no state — the case goes on (a penalty, or enforcement under
    the law the order rests on) — tells the case officers and the brigade chief, and stays in the chief's inbox
    ("逾期未改正") until acknowledged or the case is decided. Audited on the case."""
    require("case.correction_order", user)
    order = CorrectionOrder.objects.select_for_update().select_related("case").filter(pk=order_pk).first()
    if order is None:
        raise NotFound(NO_SUCH_ORDER)
    case = order.case
    if not case.officers.filter(pk=user.pk).exists():
        raise NotPermitted(CORRECTION_NOT_CASE_OFFICER, rule="roles")
    if order.status != CorrectionOrder.Status.OPEN:
        raise StateConflict(Message(CORRECTION_CHECKED, status=order.get_status_display()), rule="state")
    checked_on = checked_on or timezone.localdate()
    order.checked_on = None
    check_business_date(order, "checked_on", checked_on)
    if not corrected and checked_on < order.due_on:
        message = Message(CORRECTION_NOT_DUE, due_on=order.due_on)  # shown beside the check's result too
        raise RuleViolation(message, rule="Art 28", fields={"corrected": [bilingual(message)]})
    order.status = CorrectionOrder.Status.CORRECTED if corrected else CorrectionOrder.Status.NOT_CORRECTED
    order.checked_on, order.note, order.checked_by = checked_on, (note or "").strip(), user
    order.save(update_fields=["status", "checked_on", "note", "checked_by"])
    close_deadlines(order, CORRECTION_KIND, closed_on=checked_on)
    audit.record(case, transition="verify_correction_order", source=case.state, target=case.state, user=user,
                 client_ip=client_ip, fields={"order": order.pk, "corrected": bool(corrected),
                                              "checked_on": checked_on, "note": order.note})
    if not corrected:
        title = str(Message(CORRECTION_OVERDUE_TITLE, due_on=order.due_on, title=case.title))[:200]
        notify_users(list(case.officers.filter(is_active=True)), title, link=case.page_path())
        notify_role(roles.BRIGADE_CHIEF, title, link=case.page_path())
    return order


@transaction.atomic
def acknowledge_correction_order(order_pk, user, client_ip=None) -> CorrectionOrder:
    """The brigade chief takes note of an order found not corrected: it leaves the chief's inbox. Audited."""
    require("case.correction_acknowledge", user)
    order = CorrectionOrder.objects.select_for_update().select_related("case").filter(pk=order_pk).first()
    if order is None:
        raise NotFound(NO_SUCH_ORDER)
    if order.status != CorrectionOrder.Status.NOT_CORRECTED:
        raise StateConflict(CORRECTION_NOT_OVERDUE, rule="state")
    if order.acknowledged_on is not None:
        raise StateConflict(CORRECTION_ACKNOWLEDGED, rule="state")
    order.acknowledged_on, order.acknowledged_by = timezone.localdate(), user
    order.save(update_fields=["acknowledged_on", "acknowledged_by"])
    audit.record(order.case, transition="acknowledge_correction_order", source=order.case.state,
                 target=order.case.state, user=user, client_ip=client_ip, fields={"order": order.pk})
    return order


# The party's personal data read in full (issue 17 item 4): the date of birth too, since with the masked ID number
# (its 8 hidden digits are the date of birth, GB 11643) it would give the whole number.
PARTY_PERSONAL_FIELDS = ("id_number", "phone", "birth_date")


def reveal_party_data(case, *, user, client_ip: str | None = None) -> dict:
    """The party's full ID number (or credit code), phone and date of birth, recorded as read: one audit entry
    `read_personal_data` on `case` naming the fields read (workflows.personal_data.reveal, which also gives the
    returned shape and the legal basis). Refuses: 403 without "case.view"."""
    require("case.view", user)
    return personal_data.reveal(case, [("party", case.party, PARTY_PERSONAL_FIELDS)], user=user,
                                client_ip=client_ip)
