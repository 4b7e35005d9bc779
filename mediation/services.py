"""Business actions on mediations other than transitions (those go through workflows.services.fire_transition):
registering a dispute (from an application, a referral, a petition or an enforcement case), the work record, and
reporting a violation the mediation revealed as a new enforcement case. Called by the API, the pages and the demo
town alike."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import services as case_services
from cases.models import Case, CaseState
from workflows import audit, personal_data, roles
from workflows.errors import InvalidInput, Message, NotFound, NotPermitted, RuleViolation, bilingual
from workflows.numbering import next_number
from workflows.services import require

from .flows import acts_on, sees_all
from .models import Mediation, MediationCommittee, MediationParty, MediationState, WorkRecord
from .selectors import committee_of, visible_mediations

DEFAULT_NUMBER_FORMAT = "{town}调登〔{year}〕{seq}号"
TWO_PARTIES = _("A dispute has at least two parties (人民调解法 Art 2).")
PARTY_TWICE = _("{name} is named twice: a dispute has at least two different parties (人民调解法 Art 2).")
SOURCE_OBJECT_MISSING = _("Name the {source} the mediation comes from.")
SOURCE_OBJECT_UNEXPECTED = _("Only a mediation from a petition or a case names one.")
NO_COMMITTEE = _("There is no people's mediation committee for {place}: the judicial office registers it first.")
NOT_OWN_COMMITTEE = _("A mediator registers disputes for their own committee only ({committee}).")
NOT_A_REGISTERED_MEDIATOR = _("Your account is not on the register of mediators: ask the judicial office.")
CASE_NOT_MEDIABLE = _("This case cannot be mediated: its violation type is not mediable or the case is not being "
                      "investigated (C8).")
PETITION_NOT_OPEN = _("This petition is closed, not accepted or forwarded: it cannot go to mediation.")
NO_SUCH_PETITION = _("No such petition.")
CASE_ALREADY_MEDIATED = _("This case is already in people's mediation {number}: record that mediation's outcome "
                          "before registering another one.")
WORK_RECORD_STATE = _("A work record is added while mediating (人民调解法 Art 27).")
DATE_IN_FUTURE = _("The date cannot lie in the future.")
BEFORE_START = _("The date cannot lie before the mediation started ({day}).")
REPORT_NO_VILLAGE = _("Name the village of the violation: the mediation concerns the town as a whole.")
ALREADY_REPORTED = _("This mediation has already reported a violation: case {number}.")
NO_SUCH_MEDIATION = _("No such mediation.")
MEDIABLE_CASE_STATES = (CaseState.INVESTIGATING, CaseState.MEDIATING)
CLOSED_PETITION_STATES = ("closed", "not_accepted", "forwarded")
# A mediation that has not ended: a failed or closed one no longer holds the case (a new attempt may follow).
OPEN_MEDIATION_STATES = (MediationState.REGISTERED, MediationState.MEDIATING, MediationState.AGREED,
                         MediationState.CONFIRMED)


def number_format() -> str:
    return getattr(settings, "MEDIATION_NUMBER_FORMAT", DEFAULT_NUMBER_FORMAT)


def _field_error(field, message):
    return InvalidInput(message, fields={field: [bilingual(message)]})


def get_visible(pk, user, *, lock=False) -> Mediation:
    """The mediation `pk` if `user` may see it; 403 for a role that sees no mediation, 404 otherwise."""
    require("mediation.view", user)
    qs = visible_mediations(user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    mediation = qs.filter(pk=pk).first()
    if mediation is None:
        raise NotFound(NO_SUCH_MEDIATION)
    return mediation


def petition_visible(user, petition) -> bool:
    """Whether `user` may see `petition`: through petitions.selectors.visible_petitions once the petitions app
    has it; until then the roles that see every petition and every mediation (mediation.flows.sees_all: the
    petition office, the judicial office, the principal, the admin). A mediator or an officer who does not see
    the petition may not register a mediation from it, nor learn it exists."""
    try:
        from petitions import selectors as petition_selectors
    except ImportError:
        petition_selectors = None
    visible = getattr(petition_selectors, "visible_petitions", None)
    if visible is not None:
        return visible(user).filter(pk=petition.pk).exists()
    return sees_all(user)


def _refuse_party_twice(parties: list[dict]) -> None:
    """Art 2 (statute): a dispute is between parties, so the same person named twice does not make two. Two rows
    are one person when their ID numbers agree, or, without ID numbers, their names and addresses (namesakes of
    different addresses stay two parties). 400 naming `parties`."""
    seen = set()
    for party in parties:
        name = str(party.get("name") or "").strip()
        id_number = str(party.get("id_number") or "").strip().upper()
        key = ("id", id_number) if id_number else ("name", name, str(party.get("address") or "").strip())
        if key in seen:
            raise _field_error("parties", Message(PARTY_TWICE, name=name))
        seen.add(key)


@transaction.atomic
def create_mediation(*, user, parties: list[dict], dispute_type, summary, source, village=None, committee=None,
                     petition=None, case=None, referred_by="", registered_on=None, client_ip=None) -> Mediation:
    """Register a dispute (调解登记) and give it its number from the yearly series `mediation`.

    Takes `parties` (≥ 2 dicts: name, and optionally kind, gender, ethnicity, id_number, address, phone), the
    `village` (None: the town), the kind of dispute, a summary and the `source` with its object: a `petition` for
    source petition, a `case` for source case. The committee is the village's (小事不出村) unless `committee` is
    given (e.g. the town's: 大事不出镇), or the town committee's when a mediator of the town committee registers. Refuses: 403 for a role that may not register, or a mediator registering
    for another committee; 400 for fewer than two parties, a missing or unexpected source object or a committee
    missing; 404 for a petition the user may not see (never its data); 409 for a case that is not mediable (C8) or
    already in an open mediation, or a petition no longer open."""
    require("mediation.create", user)
    if not isinstance(parties, list) or len(parties) < 2:
        raise _field_error("parties", TWO_PARTIES)
    _refuse_party_twice(parties)
    if source == Mediation.Source.PETITION and petition is None:
        raise _field_error("petition", Message(SOURCE_OBJECT_MISSING, source=_("petition")))
    if source == Mediation.Source.CASE and case is None:
        raise _field_error("case", Message(SOURCE_OBJECT_MISSING, source=_("enforcement case")))
    if petition is not None and source != Mediation.Source.PETITION:
        raise _field_error("petition", SOURCE_OBJECT_UNEXPECTED)
    if case is not None and source != Mediation.Source.CASE:
        raise _field_error("case", SOURCE_OBJECT_UNEXPECTED)
    if case is not None:
        require("case.view", user)
        case = Case.objects.select_for_update().select_related("violation_type", "village").get(pk=case.pk)
        if case.state not in MEDIABLE_CASE_STATES or not case.violation_type.mediable:
            raise RuleViolation(CASE_NOT_MEDIABLE, rule="C8")
        # One dispute, one mediation at a time (local practice): a second open mediation of the same case would
        # give the officers two outcomes to decide on (C8). A failed or closed one does not hold the case.
        running = Mediation.objects.filter(case=case, state__in=OPEN_MEDIATION_STATES).first()
        if running is not None:
            raise RuleViolation(Message(CASE_ALREADY_MEDIATED, number=running.number or f"#{running.pk}"),
                                rule="C8")
        village = village or case.village
    if petition is not None:
        if not petition_visible(user, petition):
            raise NotFound(NO_SUCH_PETITION)
        if petition.state in CLOSED_PETITION_STATES:
            raise RuleViolation(PETITION_NOT_OPEN, rule="信访工作条例 Art 31")
        village = village or petition.village
    own = committee_of(user) if roles.has_role(user, roles.MEDIATOR) else None
    if committee is None and own is not None and own.level == MediationCommittee.Level.TOWN:
        # Local practice (大事不出镇): a mediator of the town committee registers the town's disputes of any village
        # for the town committee; the village names where the dispute arose.
        committee = own
    if committee is None:
        committee = (MediationCommittee.objects.filter(village=village).first() if village is not None
                     else MediationCommittee.objects.filter(level=MediationCommittee.Level.TOWN).first())
    if committee is None:
        raise _field_error("village", Message(NO_COMMITTEE, place=village or _("the town")))
    if roles.has_role(user, roles.MEDIATOR) and not roles.has_role(user, roles.PETITION_OFFICE, roles.ENFORCEMENT_OFFICER):
        own = committee_of(user)
        if own is None:
            raise NotPermitted(NOT_A_REGISTERED_MEDIATOR, rule="roles")
        if own.pk != committee.pk:
            raise NotPermitted(Message(NOT_OWN_COMMITTEE, committee=own), rule="roles")
    registered_on = registered_on or timezone.localdate()
    if registered_on > timezone.localdate():
        raise _field_error("registered_on", DATE_IN_FUTURE)
    mediation = Mediation(
        source=source, referred_by=referred_by or "", petition=petition, case=case, village=village,
        committee=committee, dispute_type=dispute_type, summary=summary, registered_on=registered_on,
        registered_by=user,
    )
    mediation.number = next_number("mediation", registered_on.year, number_format())
    mediation.save(flow=True)
    for party in parties:
        MediationParty.objects.create(mediation=mediation, **party)
    audit.record(mediation, transition="register", target=mediation.state, user=user, client_ip=client_ip,
                 fields={"source": source, "village": getattr(village, "pk", None), "committee": committee.pk,
                         "dispute_type": dispute_type, "parties": [p["name"] for p in parties],
                         "petition": getattr(petition, "pk", None), "case": getattr(case, "pk", None)},
                 comment=summary)
    if case is not None:  # the case's history shows the referral to people's mediation (linked both ways)
        audit.record(case, transition="referred_to_people_mediation", source=case.state, target=case.state,
                     user=user, client_ip=client_ip, fields={"mediation": mediation.pk, "number": mediation.number})
    return mediation


@transaction.atomic
def add_work_record(*, mediation_pk, user, held_on, content, place="", present="", client_ip=None) -> WorkRecord:
    """Add a 调解工作记录 (人民调解法 Art 27: the mediator records the mediation) while mediating. 403 for a role
    that may not, or a mediator of another committee; 404 for a mediation the user does not see; 409 in another
    state; 400 for a date in the future or before the mediation started."""
    require("mediation.work_record", user)
    mediation = get_visible(mediation_pk, user, lock=True)
    if not acts_on(user, mediation):  # its committee's mediators and those named on it (Art 19)
        own = committee_of(user)
        raise NotPermitted(Message(NOT_OWN_COMMITTEE, committee=own or "-"), rule="roles")
    if mediation.state != MediationState.MEDIATING:
        raise RuleViolation(WORK_RECORD_STATE, rule="人民调解法 Art 27")
    if held_on > timezone.localdate():
        raise _field_error("held_on", DATE_IN_FUTURE)
    if mediation.started_on and held_on < mediation.started_on:
        raise _field_error("held_on", Message(BEFORE_START, day=mediation.started_on.isoformat()))
    record = WorkRecord.objects.create(mediation=mediation, held_on=held_on, content=content, place=place or "",
                                       present=present or "", recorded_by=user)
    audit.record(mediation, transition="work_record", source=mediation.state, target=mediation.state, user=user,
                 fields={"work_record": record.pk, "held_on": held_on}, comment=content, client_ip=client_ip)
    return record


@transaction.atomic
def report_violation(*, mediation_pk, user, violation_type, description, violation_date, party: dict,
                     village=None, client_ip=None) -> Case:
    """A mediation revealed a violation: register it as a report (a new enforcement case, through
    cases.services.create_case, source `referral`), linked to the mediation (`reported_case`; the case page lists
    it as `reporting_mediations`). 403 for a role that may not (the brigade registers reports); 404 for a mediation
    the user does not see; 409 when the mediation reported one already; the case's own refusals as they come."""
    require("mediation.report_violation", user)
    mediation = get_visible(mediation_pk, user, lock=True)
    if mediation.reported_case_id:
        raise RuleViolation(Message(ALREADY_REPORTED, number=mediation.reported_case.number or
                                    f"#{mediation.reported_case_id}"), rule="mediation")
    village = village or mediation.village
    if village is None:
        raise _field_error("village", REPORT_NO_VILLAGE)
    case = case_services.create_case(
        user=user, source=Case.Source.REFERRAL, village=village, violation_type=violation_type,
        violation_date=violation_date, party=party,
        description=f"{description}\n（{_('Reported from people’s mediation')} {mediation.number}）",
        client_ip=client_ip,
    )
    mediation.reported_case = case
    mediation.save(update_fields=["reported_case"])
    audit.record(mediation, transition="report_violation", source=mediation.state, target=mediation.state,
                 user=user, fields={"case": case.pk}, comment=description, client_ip=client_ip)
    audit.record(case, transition="reported_from_mediation", source=case.state, target=case.state, user=user,
                 fields={"mediation": mediation.pk, "number": mediation.number}, client_ip=client_ip)
    return case


def reveal_party_data(mediation, *, user, client_ip: str | None = None) -> dict:
    """Every party's full ID number and phone, recorded as read: one audit entry `read_personal_data` on `mediation`
    naming the fields read, e.g. `parties.9.id_number` (workflows.personal_data.reveal, which also gives the returned
    shape and the legal basis). Refuses: 403 without "mediation.view", 404 for a mediation `user` may not see."""
    mediation = get_visible(mediation.pk, user)
    people = [(f"parties.{p.pk}", p, ("id_number", "phone")) for p in mediation.parties.all()]
    return personal_data.reveal(mediation, people, user=user, client_ip=client_ip)
