"""Business actions on cases other than transitions (those go through workflows.services.fire_transition)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import calendar
from notifications.deadlines import close_deadlines, deadlines_of, end_of_day, open_deadline, reanchor
from notifications.models import Deadline, DeadlineRule
from notifications.reminders import plan_reminders
from workflows import audit, roles
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
from workflows.services import require

from . import party_rules
from .flows import (
    ART60_LATE,
    has_valid_certificate,
    remedy_periods_end,
    require_certified_pair,
)
from .models import Case, CaseState, InquiryRecord, OfficerCertificate, Party
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
        raise InvalidInput(DATE_IN_FUTURE, fields={"held_at": [str(DATE_IN_FUTURE)]})
    if case.filed_on and day < case.filed_on:
        raise RuleViolation(Message(INQUIRY_BEFORE_FILING, filed_on=case.filed_on), rule="C2 Art 54")
    check_business_date(case, "inquiry", day, input_name="held_at")  # Art 54-55, and within bounds
    require_certified_pair(officers, day)
    inquiry = InquiryRecord.objects.create(case=case, subject_name=subject_name, record=record, held_at=held_at,
                                           recorded_by=user)
    inquiry.officers.set(officers)
    audit.record(case, transition="record_inquiry", source=case.state, target=case.state, user=user,
                 fields={"inquiry": inquiry.pk, "officers": sorted(o.pk for o in officers),
                         "subject_name": subject_name, "held_at": held_at}, client_ip=client_ip)
    return inquiry


@transaction.atomic
def record_publicity(*, case_pk, user, channel="", published_on=None, not_published_reason="",
                     client_ip=None) -> Case:
    """Art 48 ¶1 (国办发〔2018〕118号): a penalty decision with social impact (具有一定社会影响的) is made public.
    Records either where and when it was published or, with `not_published_reason`, why it is not (no social
    impact, personal privacy, a trade secret); either closes the publicity deadline, and the case may close."""
    require("case.publicity", user)
    case = Case.objects.select_for_update().filter(pk=case_pk).first()
    if case is None:
        raise NotFound(_("No such case."))
    if case.outcome != Case.Outcome.PENALTY or case.decided_on is None:
        raise RuleViolation(PUBLICITY_NEEDS_PENALTY, rule="Art 48")
    channel, not_published_reason = (channel or "").strip(), (not_published_reason or "").strip()
    if bool(channel) == bool(not_published_reason):
        raise InvalidInput(PUBLICITY_ONE_OF, fields={"channel": [bilingual(PUBLICITY_ONE_OF)],
                                                     "not_published_reason": [bilingual(PUBLICITY_ONE_OF)]})
    if not_published_reason:
        case.published_on, case.publicity_channel = None, ""
        case.publicity_withheld_reason = not_published_reason
        fields = {"not_published_reason": not_published_reason}
    else:
        published_on = published_on or timezone.localdate()
        check_business_date(case, "published_on", published_on)  # Art 48: after the decision, not ahead
        case.published_on, case.publicity_channel = published_on, channel
        case.publicity_withheld_reason = ""
        fields = {"published_on": published_on, "channel": channel}
    case.save(update_fields=["published_on", "publicity_channel", "publicity_withheld_reason"])
    close_deadlines(case, "case.publicity")
    audit.record(case, transition="record_publicity", source=case.state, target=case.state, user=user,
                 fields=fields, client_ip=client_ip)
    return case


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
