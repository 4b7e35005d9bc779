"""Business actions on cases other than transitions (those go through workflows.services.fire_transition)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.deadlines import close_deadlines, open_deadline
from workflows import audit
from workflows.errors import InvalidInput, Message, NotFound, NotPermitted, RuleViolation
from workflows.flows.case import has_valid_certificate, require_certified_pair
from workflows.services import require

from .models import Case, CaseState, InquiryRecord, OfficerCertificate, Party
from .validators import validate_credit_code, validate_phone, validate_resident_id

C2_NOT_FILED = _("Investigation starts only after the case is filed (Art 54); inquiries are recorded while it is "
                 "being investigated, mediated, notified or heard.")
NOT_CASE_OFFICER = _("Only the officers assigned to this case may record its inquiries.")
INQUIRY_BEFORE_FILING = _("An inquiry cannot be dated before the case was filed ({filed_on}).")
DATE_IN_FUTURE = _("The date cannot be in the future.")
PUBLICITY_NEEDS_PENALTY = _("Only a decided penalty is made public.")
PUBLICITY_DATE = _("The publication date lies between the decision and today.")
CERTIFICATE_TAKEN = _("Certificate number {number} belongs to {officer}.")
INQUIRY_STATES = (CaseState.INVESTIGATING, CaseState.MEDIATING, CaseState.NOTIFIED, CaseState.HEARING)



def validate_party(data: dict) -> dict:
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
    if errors:
        raise InvalidInput(_("The party's details are invalid."), fields=errors)
    return {**data, "id_number": id_number, "phone": (data.get("phone") or "").strip()}


@transaction.atomic
def create_case(*, user, source, description, village, violation_type, violation_date, party: dict,
                client_ip=None) -> Case:
    """Register a report (登记). The filing deadline (Art 54, 及时立案) starts on the day it is registered."""
    require("case.create", user)
    if violation_date > timezone.localdate():
        raise InvalidInput(DATE_IN_FUTURE, fields={"violation_date": [str(DATE_IN_FUTURE)]})
    party_row = Party.objects.create(**validate_party(party))
    case = Case.objects.create(source=source, description=description, village=village,
                               violation_type=violation_type, violation_date=violation_date, party=party_row,
                               reported_by=user)
    audit.record(case, transition="report", target=case.state, user=user, client_ip=client_ip,
                 fields={"source": source, "village": village.pk, "violation_type": violation_type.code,
                         "violation_date": violation_date, "party": party_row.name})
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
    require_certified_pair(officers, day)
    inquiry = InquiryRecord.objects.create(case=case, subject_name=subject_name, record=record, held_at=held_at,
                                           recorded_by=user)
    inquiry.officers.set(officers)
    audit.record(case, transition="record_inquiry", source=case.state, target=case.state, user=user,
                 fields={"inquiry": inquiry.pk, "officers": sorted(o.pk for o in officers),
                         "subject_name": subject_name, "held_at": held_at}, client_ip=client_ip)
    return inquiry


@transaction.atomic
def record_publicity(*, case_pk, user, channel, published_on=None, client_ip=None) -> Case:
    """Art 48: a penalty decision with social impact is made public; closes the publicity deadline."""
    require("case.publicity", user)
    case = Case.objects.select_for_update().filter(pk=case_pk).first()
    if case is None:
        raise NotFound(_("No such case."))
    if case.outcome != Case.Outcome.PENALTY or case.decided_on is None:
        raise RuleViolation(PUBLICITY_NEEDS_PENALTY, rule="Art 48")
    published_on = published_on or timezone.localdate()
    if published_on > timezone.localdate() or published_on < case.decided_on:
        raise InvalidInput(PUBLICITY_DATE, fields={"published_on": [str(PUBLICITY_DATE)]})
    case.published_on, case.publicity_channel = published_on, channel
    case.save(update_fields=["published_on", "publicity_channel"])
    close_deadlines(case, "case.publicity")
    audit.record(case, transition="record_publicity", source=case.state, target=case.state, user=user,
                 fields={"published_on": published_on, "channel": channel}, client_ip=client_ip)
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
    return certificate


@transaction.atomic
def revoke_certificate(*, certificate, reason: str, user=None, on=None) -> OfficerCertificate:
    certificate.revoked_on = on or timezone.localdate()
    certificate.revoked_reason = reason
    certificate.save(update_fields=["revoked_on", "revoked_reason"])
    audit.record(certificate, transition="revoke_certificate", user=user, fields={"reason": reason})
    return certificate


def certificate_valid_today(officer) -> bool:
    return has_valid_certificate(officer, timezone.localdate())
