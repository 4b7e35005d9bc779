"""Queries for petition lists and the inbox (what the petition office or a village mediator must act on now)."""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from documents.models import IssuedDocument
from notifications.models import Deadline
from workflows import roles
from workflows.inbox import InboxPart, Window, choice_labels, finished_items, part_from, path_maker

from .models import Petition, PetitionState as S

# Which role acts on a petition in which state; the inbox is this map turned into queries (DESIGN §6).
PETITION_INBOX = {
    S.RECEIVED: _("Accept, decline or forward (written notice within 15 days)"),
    S.ACCEPTED: _("Handle or send to the village"),
    S.AT_VILLAGE: _("Village handling: resolve or escalate"),
    S.HANDLING: _("Handle and reply"),
    S.REVIEW_REQUESTED: _("Record the next-higher organ's answer"),
}
# 条例 Art 34 (statute): an approved extension is told to the petitioner with its reason (the 延期办理告知书); until
# then the inbox asks for that rather than for the usual step.
TELL_EXTENSION = _("Tell the petitioner of the extension and its reason (延期办理告知书)")


def visible_petitions(user):
    """The petitions `user` may see (they hold personal data): all for the petition office, the principal, the
    judicial office and the admin; for a mediator only those sent to them at the village; none otherwise."""
    qs = Petition.objects.all()
    if roles.has_role(user, roles.PETITION_OFFICE, roles.PRINCIPAL, roles.JUDICIAL_OFFICE, roles.ADMIN):
        return qs
    if roles.has_role(user, roles.MEDIATOR):
        return qs.filter(village_mediator=user)
    return qs.none()


def petition_list(user, *, state=None, channel=None, village=None, year=None, search=None):
    """The petitions `user` may see, newest first, filtered by state, channel, village ("town": none), year
    received and a search in number, subject and petitioners' names."""
    qs = visible_petitions(user).select_related("village").prefetch_related("petitioners")
    if state:
        qs = qs.filter(state=state)
    if channel:
        qs = qs.filter(channel=channel)
    if village == "town":
        qs = qs.filter(village__isnull=True)
    elif village:
        qs = qs.filter(village_id=village)
    if year:
        qs = qs.filter(received_on__year=year)
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(subject__icontains=search)
                       | Q(petitioners__name__icontains=search)).distinct()
    return qs.order_by("-received_on", "-id")


def _petitions_for(user):
    if roles.has_role(user, roles.PETITION_OFFICE):
        return Petition.objects.filter(state__in=list(PETITION_INBOX))
    if roles.has_role(user, roles.MEDIATOR):
        return Petition.objects.filter(state=S.AT_VILLAGE, village_mediator=user)
    return Petition.objects.none()


def petition_inbox_parts(user, window: Window) -> list[InboxPart]:
    """The petition rows of `user`'s inbox as an InboxPart (workflows.inbox), from plain values: each petition
    with its soonest open deadline (the review request's is the next-higher organ's, not the town's) and the
    state's action, or telling the petitioner of an extension not yet told (条例 Art 34)."""
    if not roles.has_role(user, roles.PETITION_OFFICE, roles.MEDIATOR):
        return []
    deadline = (Deadline.objects.filter(object_type="petitions.petition", object_id=OuterRef("pk"),
                                        status=Deadline.Status.OPEN)
                .exclude(kind="petition.review_request").order_by("due_at", "id"))
    petitions = _petitions_for(user).annotate(
        due_at=Subquery(deadline.values("due_at")[:1]), deadline_kind=Subquery(deadline.values("kind")[:1]),
        untold=_extension_untold())
    labels = choice_labels(S.choices)

    def build(row):
        action = TELL_EXTENSION if row["untold"] else PETITION_INBOX.get(row["state"], "")
        return {"kind": "petition", "id": row["pk"], "number": row["number"], "title": row["subject"],
                "state": row["state"], "state_label": labels.get(row["state"], row["state"]), "action": str(action),
                "due_at": row["due_at"], "deadline_kind": row["deadline_kind"]}

    def finish(rows):
        path = path_maker("petitions:petitions:detail")
        for row in rows:
            row["url"] = path(row["id"])

    part = part_from(petitions, window, ("pk", "number", "subject", "state", "untold", "deadline_kind"),
                     build=build, finish=finish)
    return [part] if part.count else []


def petition_inbox_items(user) -> list[dict]:
    """Inbox rows for petitions (unsorted; web.inbox merges and sorts), each with its soonest open deadline."""
    return finished_items(petition_inbox_parts(user, Window()))


def _extension_untold():
    """Whether the petition's (OuterRef pk) running handling period was extended (条例 Art 34) and its petitioner
    not yet told of it (no 延期办理告知书 issued: PetitionFlow.notify_extension) — an SQL expression."""
    extended = Deadline.objects.filter(object_type="petitions.petition", object_id=OuterRef("pk"),
                                       kind="petition.handling", status=Deadline.Status.OPEN, extended_days__gt=0)
    told = IssuedDocument.objects.filter(kind="petition_extension_notice", owner_type="petitions",
                                         owner_id=OuterRef("pk"))
    return ExpressionWrapper(Exists(extended) & ~Exists(told), output_field=BooleanField())


# --- XLSX export of the list (web.exports): (header, value) per column --------------------------------------

PETITION_EXPORT_COLUMNS = [
    (_("Registration number"), lambda p: p.number or ""),
    (_("Received on"), "received_on"),
    (pgettext_lazy("petition", "Channel"), lambda p: p.get_channel_display()),
    (_("Petitioners"), lambda p: "、".join(x.name for x in p.petitioners.all())),
    (_("Village"), lambda p: str(p.village) if p.village else str(_("Town"))),
    (_("Subject"), "subject"),
    (_("State"), lambda p: p.get_state_display()),
    (_("Result"), lambda p: p.get_result_display() if p.result else ""),
    (_("Replied on"), "replied_on"),
]
