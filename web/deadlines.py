"""The deadlines card of every object page (decisions, cases, …): the object's deadlines with their basis,
urgency (red overdue, amber due soon), a pending request, and what the signed-in user may do on each — ask to
suspend, resume or extend, approve or reject — as links to the deadline pages of notifications.pages."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import adjustments
from notifications.deadlines import deadlines_of
from notifications.models import DeadlineAdjustment

from . import urgency as urgency_of

Action = DeadlineAdjustment.Action

REQUEST_LABELS = {
    Action.SUSPEND: _("Request suspension"),
    Action.RESUME: _("Request resumption"),
    Action.EXTEND: _("Request extension"),
}
# A holder of the escalation role who asks approves at once.
DIRECT_LABELS = {
    Action.SUSPEND: _("Suspend the deadline"),
    Action.RESUME: _("Resume the deadline"),
    Action.EXTEND: _("Extend the deadline"),
}


class DeadlineRows(list):
    """The deadlines of one object; `obj` is that object (the deadlines card links its forms from it)."""

    obj = None


def deadline_rows(obj, parts=()) -> list:
    """The object's deadlines with `overdue` (never while suspended) and `pending`, a request to suspend, resume
    or extend awaiting the escalation role (notifications.adjustments). `parts` are objects of the page that carry
    deadlines of their own (a case's correction orders): theirs follow, each with `subject`, the part it is of."""
    now = timezone.now()
    pending = Prefetch("adjustments", to_attr="pending_requests", queryset=DeadlineAdjustment.objects.filter(
        status=DeadlineAdjustment.Status.REQUESTED).select_related("requested_by"))
    rows = DeadlineRows(deadlines_of(obj).select_related("rule").prefetch_related(pending))
    for part in parts:
        for deadline in deadlines_of(part).select_related("rule").prefetch_related(pending):
            deadline.subject = part.subject if hasattr(part, "subject") else str(part)
            rows.append(deadline)
    rows.obj = obj
    limit = urgency_of.soon_limit(timezone.localdate(now))
    for deadline in rows:
        urgency = urgency_of.urgency(deadline.due_at, now, limit) if deadline.status == deadline.Status.OPEN else ""
        deadline.overdue, deadline.soon = urgency == "overdue", urgency == "soon"
        deadline.pending = deadline.pending_requests[0] if deadline.pending_requests else None
    return rows


def action_links(deadline, user) -> dict:
    """What `user` may do on the deadline now: the requests to ask for, and approve/reject of a pending one (an
    extension is always a request, never approved by the one who asked: issue 12)."""
    Action = DeadlineAdjustment.Action

    def direct(action):
        return action != Action.EXTEND and adjustments.may_decide(deadline, user, action)

    links = {"request": [
        {"action": action, "label": (DIRECT_LABELS if direct(action) else REQUEST_LABELS)[action],
         "url": reverse("inbox:deadline_adjust", args=[deadline.pk, action])}
        for action in adjustments.available_actions(deadline, user)
    ]}
    pending = deadline.pending if hasattr(deadline, "pending") else adjustments.pending_request(deadline)
    if (pending is not None and adjustments.may_decide(deadline, user, pending.action)
            and not (pending.action == Action.EXTEND and pending.requested_by_id == user.pk)):
        links["approve_url"] = reverse("inbox:deadline_decide", args=[pending.pk, "approve"])
        links["reject_url"] = reverse("inbox:deadline_decide", args=[pending.pk, "reject"])
    links["details_url"] = reverse("inbox:deadline", args=[deadline.pk])
    return links
