"""Business actions on petitions outside the flow's transitions: registration, the extension request, the outcome
of a mediation opened from a petition. Statute: 信访工作条例 (2022), "条例"."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import adjustments
from notifications.deadlines import deadlines_of, open_deadline
from notifications.models import Deadline
from workflows import audit, personal_data, roles
from workflows.errors import InvalidInput, Message, NotFound, RuleViolation, StateConflict
from workflows.services import require

from .flows import check_day, register_number
from .models import MAX_GROUP_REPRESENTATIVES, Petition, Petitioner, PetitionState as S

A19_TOO_MANY = _("A group visit chooses at most {max} representatives (条例 Art 19); {count} were given.")
NO_PETITIONER = _("Name at least one petitioner.")
REPEAT_UNKNOWN = _("The earlier petition named is not one you can see.")
EXTENSION_NOT_RUNNING = _("The handling period is not running: only a running period is extended (条例 Art 34).")


@transaction.atomic
def create_petition(*, user, channel, petitioners: list[dict], subject, content, received_on, village=None,
                    group_visit=False, repeat_of=None, client_ip=None) -> Petition:
    """Register a petition (登记, 条例 Art 17–20) from any channel; return it, numbered from the yearly series
    "petition", its acceptance deadline (Art 23, 15 days from `received_on`) open.

    Refuses: 403 without the petition office's role; 400 for a received date in the future or before that of the
    petition it repeats, or no petitioner;
    409 (rule "Art 19") for a group visit with more than five representatives."""
    require("petition.create", user)
    # A repeat names an earlier petition (条例 Art 36 ¶3 looks at it): it cannot have been received before it.
    check_day(_("Received on"), received_on, input_name="received_on",
              after=repeat_of.received_on if repeat_of is not None else None,
              after_label=_("the petition it repeats"))
    if not petitioners:
        raise InvalidInput(NO_PETITIONER, fields={"petitioners": [str(NO_PETITIONER)]})
    # 条例 Art 19 (statute): several people on one matter come through representatives, at most five.
    if len(petitioners) > MAX_GROUP_REPRESENTATIVES:
        raise RuleViolation(Message(A19_TOO_MANY, max=MAX_GROUP_REPRESENTATIVES, count=len(petitioners)),
                            rule="Art 19")
    petition = Petition(channel=channel, subject=subject, content=content, received_on=received_on,
                        village=village, group_visit=bool(group_visit) or len(petitioners) > 1,
                        repeat_of=repeat_of, created_by=user)
    petition.number = register_number(petition)
    petition.save(flow=True)
    Petitioner.objects.bulk_create(Petitioner(petition=petition, **p) for p in petitioners)
    audit.record(petition, transition="register", target=petition.state, user=user, client_ip=client_ip,
                 fields={"channel": channel, "received_on": received_on, "village": village.pk if village else None,
                         "petitioners": len(petitioners), "repeat_of": repeat_of.pk if repeat_of else None})
    open_deadline(petition, "petition.acceptance", received_on)
    return petition


def handling_deadline(petition) -> Deadline | None:
    """The open handling deadline (条例 Art 34), if any."""
    return deadlines_of(petition).filter(kind="petition.handling", status=Deadline.Status.OPEN).first()


def request_handling_extension(petition, *, reason: str, days: int = 30, user, client_ip=None):
    """Ask to extend the handling period (条例 Art 34, statute: 经本机关负责人批准, at most 30 days, and the
    petitioner told). Goes through the deadline adjustment machinery (notifications.adjustments): the rule
    `petition.handling` allows one extension of at most 30 days, approved by the principal, never by the asker.
    Returns the DeadlineAdjustment (pending until the principal decides). Refuses 403 without the petition
    office's role, 409 when the period is not running or was extended already or asks for more than 30 days."""
    require("petition.extend", user)
    deadline = handling_deadline(petition)
    if deadline is None:
        raise StateConflict(EXTENSION_NOT_RUNNING, rule="Art 34")
    return adjustments.request_adjustment(deadline, action="extend", reason=reason, days=days, user=user,
                                          client_ip=client_ip)


@transaction.atomic
def record_mediation_outcome(petition, *, agreed: bool, summary: str, user, client_ip=None):
    """Called by the mediation app when a mediation opened from this petition ends: recorded in the petition's
    history (audit entry `mediation_outcome`); the petition's state does not change by itself — the office
    replies (or closes) as the outcome allows. Returns the audit entry."""
    return audit.record(petition, transition="mediation_outcome", source=petition.state, target=petition.state,
                        user=user, client_ip=client_ip, fields={"agreed": bool(agreed)}, comment=summary)


def may_view(user, petition) -> bool:
    """Who sees a petition (personal data): see petitions.selectors.visible_petitions."""
    if not roles.may("petition.view", user):
        return False
    if roles.has_role(user, roles.PETITION_OFFICE, roles.PRINCIPAL, roles.JUDICIAL_OFFICE, roles.ADMIN):
        return True
    return petition.village_mediator_id == user.pk


def today():
    return timezone.localdate()


PETITION_STATES_OPEN = (S.RECEIVED, S.ACCEPTED, S.AT_VILLAGE, S.HANDLING, S.REVIEW_REQUESTED)


NO_SUCH_PETITION = _("No such petition.")


def reveal_petitioner_data(petition, *, user, client_ip: str | None = None) -> dict:
    """Every petitioner's full ID number and phone, recorded as read: one audit entry `read_personal_data` on
    `petition` naming the fields read, e.g. `petitioners.17.phone` (workflows.personal_data.reveal, which also gives
    the returned shape and the legal basis). Refuses: 403 without "petition.view", 404 for a petition `user` may
    not see (petitions.selectors.visible_petitions)."""
    require("petition.view", user)
    if not may_view(user, petition):
        raise NotFound(NO_SUCH_PETITION)
    people = [(f"petitioners.{p.pk}", p, ("id_number", "phone")) for p in petition.petitioners.all()]
    return personal_data.reveal(petition, people, user=user, client_ip=client_ip)
