"""Queries for petition lists and the inbox (what the petition office or a village mediator must act on now)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from documents.models import IssuedDocument
from notifications.models import Deadline
from workflows import roles

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


def petition_inbox_items(user) -> list[dict]:
    """Inbox rows for petitions (unsorted; web.inbox merges and sorts), each with its soonest open deadline."""
    petitions = list(_petitions_for(user))
    soonest = {}
    if petitions:
        for deadline in Deadline.objects.filter(
            object_type="petitions.petition", object_id__in=[p.pk for p in petitions], status=Deadline.Status.OPEN,
        ).exclude(kind="petition.review_request").order_by("due_at"):
            soonest.setdefault(deadline.object_id, deadline)
    untold = _extensions_untold([p.pk for p in petitions])
    now = timezone.now()
    items = []
    for petition in petitions:
        deadline = soonest.get(petition.pk)
        action = TELL_EXTENSION if petition.pk in untold else PETITION_INBOX.get(petition.state, "")
        items.append({
            "kind": "petition", "id": petition.pk, "number": petition.number, "title": petition.subject,
            "state": petition.state, "state_label": str(petition.get_state_display()),
            "action": str(action),
            "due_at": deadline.due_at if deadline else None,
            "deadline_kind": deadline.kind if deadline else None,
            "overdue": bool(deadline and deadline.due_at < now),
            "url": petition.page_path(),
        })
    return items


def _extensions_untold(pks) -> set[int]:
    """Of these petitions, those whose running handling period was extended (条例 Art 34) and whose petitioner
    was not yet told of it (no 延期办理告知书 issued: PetitionFlow.notify_extension)."""
    if not pks:
        return set()
    extended = {int(pk) for pk in Deadline.objects.filter(
        object_type="petitions.petition", object_id__in=pks, kind="petition.handling", status=Deadline.Status.OPEN,
        extended_days__gt=0).values_list("object_id", flat=True)}
    told = set(IssuedDocument.objects.filter(kind="petition_extension_notice", owner_type="petitions",
                                             owner_id__in=extended).values_list("owner_id", flat=True))
    return extended - told


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
