"""Queries for mediation lists, the inbox and exports. Who sees what: a mediator the mediations of their own
committee only; the petition office, the judicial office, the principal and the admin all of them; the brigade chief all
(he registers the violations they reveal), an officer those linked to a case he is an officer of, or that he registered (workflows.roles ACTION_ROLES `mediation.view`)."""

from collections import defaultdict
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from notifications.models import Deadline
from workflows import roles
from workflows.inbox import InboxPart, Window, choice_labels, finished_items, part_from, path_maker

from .flows import sees_all
from .models import (
    Mediation,
    MediationCommittee,
    MediationParty,
    MediationState as S,
    Mediator,
    PerformanceFollowUp,
)


def committee_of(user):
    """The committee whose register names `user` as an active mediator, or None."""
    mediator = Mediator.objects.filter(user=user, active=True).select_related("committee").first()
    return mediator.committee if mediator else None


def visible_mediations(user):
    """The mediations `user` may see (none without the role `mediation.view`)."""
    qs = Mediation.objects.select_related("village", "committee", "case", "petition", "registered_by")
    if not roles.may("mediation.view", user):
        return qs.none()
    if sees_all(user) or roles.has_role(user, roles.BRIGADE_CHIEF):
        return qs  # the brigade chief registers the violations a mediation reveals (report_violation)
    query = Q(pk__in=[])
    if roles.has_role(user, roles.MEDIATOR):
        committee = committee_of(user)
        if committee is not None:
            query |= Q(committee=committee)
        # and those they are named on, e.g. a town mediator assisting a village committee (Art 19; flows.acts_on)
        query |= Q(pk__in=Mediation.mediators.through.objects.filter(
            mediator__user=user, mediator__active=True).values("mediation_id"))
    if roles.has_role(user, roles.ENFORCEMENT_OFFICER):
        # an officer sees the mediations of the cases he is an officer of (the referred case or the case the
        # mediation reported) and those he registered — not every case-linked mediation
        query |= (Q(registered_by=user) | Q(pk__in=Mediation.objects.filter(case__officers=user).values("pk"))
                  | Q(pk__in=Mediation.objects.filter(reported_case__officers=user).values("pk")))
    return qs.filter(query)


def mediation_list(user, *, state=None, village=None, committee=None, dispute_type=None, search=None):
    qs = visible_mediations(user)
    if state:
        qs = qs.filter(state=state)
    if village:
        qs = qs.filter(village_id=village)
    if committee:
        qs = qs.filter(committee_id=committee)
    if dispute_type:
        qs = qs.filter(dispute_type=dispute_type)
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(summary__icontains=search)
                       | Q(parties__name__icontains=search)).distinct()
    return qs.prefetch_related("parties").order_by("-registered_on", "-id")


def committee_list():
    return MediationCommittee.objects.select_related("village").order_by("-level", "village__code", "name")


def mediator_list(committee=None):
    qs = Mediator.objects.select_related("committee", "committee__village", "user")
    if committee:
        qs = qs.filter(committee_id=committee)
    return qs.order_by("committee__level", "committee__village__code", "name")


# What a mediator does in which state (the inbox, DESIGN §6).
ACTIONS = {
    S.REGISTERED: _("Obtain the parties' consent and start mediation"),
    S.MEDIATING: _("Mediate: record the agreement or the failure"),
    S.AGREED: _("Follow up the performance; judicial confirmation within 30 days"),
    S.CONFIRMED: _("Follow up the performance"),
}


PERFORMED_ACTIONS = {
    S.AGREED: _("Performed in full: close the file (the parties may still apply for judicial confirmation)"),
    S.CONFIRMED: _("Performed in full: close the file"),
}
REFUSED_ACTION = _("A party refuses to perform, the parties were told their routes: close the file")


def inbox_action(mediation, refused: bool) -> str:
    """What the mediator does next: the state's action, or closing the file once a follow-up found the agreement
    performed in full (or refused) (人民调解法 Art 31-32). `mediation` needs `state` and `performed_on` only."""
    if mediation.state in PERFORMED_ACTIONS and mediation.performed_on is not None:
        return str(PERFORMED_ACTIONS[mediation.state])
    if mediation.state in PERFORMED_ACTIONS and refused:
        return str(REFUSED_ACTION)
    return str(ACTIONS[mediation.state])


def mediation_inbox_parts(user, window: Window) -> list[InboxPart]:
    """The rows of a mediator's inbox as an InboxPart (workflows.inbox), from plain values: the open mediations of
    their committee, each with its soonest open deadline; the title (the parties' names) is read for the rows
    shown only."""
    if not roles.has_role(user, roles.MEDIATOR):
        return []
    committee = committee_of(user)
    if committee is None:
        return []
    refusals = PerformanceFollowUp.objects.filter(mediation=OuterRef("pk"), refused=True)
    deadline = Deadline.objects.filter(object_type="mediation.mediation", object_id=OuterRef("pk"),
                                       status=Deadline.Status.OPEN).order_by("due_at", "id")
    mediations = (Mediation.objects.filter(committee=committee, state__in=list(ACTIONS))
                  .annotate(refused=Exists(refusals), due_at=Subquery(deadline.values("due_at")[:1]),
                            deadline_kind=Subquery(deadline.values("kind")[:1])))
    labels, disputes = choice_labels(S.choices), choice_labels(Mediation.DisputeType.choices)

    def build(row):
        return {"kind": "mediation", "id": row["pk"], "number": row["number"],
                "_dispute": disputes.get(row["dispute_type"], row["dispute_type"]),
                "state": row["state"], "state_label": labels.get(row["state"], row["state"]),
                "action": inbox_action(SimpleNamespace(**row), row["refused"]),
                "due_at": row["due_at"], "deadline_kind": row["deadline_kind"]}

    def finish(rows):
        names = defaultdict(list)
        for mediation_id, name in (MediationParty.objects.filter(mediation_id__in=[row["id"] for row in rows])
                                   .order_by("id").values_list("mediation_id", "name")):
            names[mediation_id].append(name)
        path = path_maker("mediation:mediations:detail")
        for row in rows:  # as Mediation.title: up to three parties' names and the kind of dispute
            first = "、".join(names[row["id"]][:3])
            row["title"] = f"{first}：{row['_dispute']}" if first else row["_dispute"]
            row["url"] = path(row["id"])

    part = part_from(mediations, window, ("pk", "number", "dispute_type", "state", "performed_on", "refused",
                                          "deadline_kind"), build=build, finish=finish)
    return [part] if part.count else []


def mediation_inbox_items(user) -> list[dict]:
    """Inbox rows for a mediator: the open mediations of their committee (unsorted; web.inbox merges and sorts)."""
    return finished_items(mediation_inbox_parts(user, Window()))


MEDIATION_EXPORT_COLUMNS = [
    (_("Number"), lambda m: m.number or ""),
    (_("Registered on"), "registered_on"),
    (_("Committee"), lambda m: str(m.committee)),
    (_("Village"), lambda m: str(m.village or "")),
    (_("Kind of dispute"), lambda m: m.get_dispute_type_display()),
    (_("Parties"), lambda m: "、".join(p.name for p in m.parties.all())),
    (_("Source"), lambda m: m.get_source_display()),
    (_("State"), lambda m: m.get_state_display()),
    (_("Agreement effective on"), "effective_on"),
    (_("Summary"), "summary"),
]
