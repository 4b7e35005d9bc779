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
from notifications.services import notify_role, notify_users
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
    require_certified_pair,
)
from .models import Case, CaseState, CorrectionOrder, InquiryRecord, OfficerCertificate, Party
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
    "served_on": ("case.payment",),
}
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
        reanchor(deadline, day)
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
        raise RuleViolation(Message(CORRECTION_NOT_DUE, due_on=order.due_on), rule="Art 28")
    order.status = CorrectionOrder.Status.CORRECTED if corrected else CorrectionOrder.Status.NOT_CORRECTED
    order.checked_on, order.note, order.checked_by = checked_on, (note or "").strip(), user
    order.save(update_fields=["status", "checked_on", "note", "checked_by"])
    close_deadlines(order, CORRECTION_KIND)
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
