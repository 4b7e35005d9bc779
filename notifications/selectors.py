"""Queries for lists: requests to suspend, resume or extend a deadline awaiting the calling user's approval;
the count of a user's unread in-app messages (the bell)."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from workflows import roles
from workflows.inbox import InboxPart, Window, choice_labels, finished_items, part_from

from .adjustments import deadline_link, decidable_by, object_label
from .models import DeadlineAdjustment, Notification

DECIDE_ACTION = _("Approve or reject the request")


def adjustment_inbox_parts(user, window: Window) -> list[InboxPart]:
    """The approvers' rows as an InboxPart (workflows.inbox): pending requests the user decides on (adjustments.
    decidable_by: the escalation role, or the rule's extension approver for an extension he did not ask for
    himself), due when their deadline is; the title and link (which read the deadline's object) for the rows shown
    only."""
    if not roles.user_roles(user):
        return []
    pending = (DeadlineAdjustment.objects.filter(decidable_by(user), status=DeadlineAdjustment.Status.REQUESTED)
               .annotate(due_at=F("deadline__due_at")))
    statuses = choice_labels(DeadlineAdjustment.Status.choices)
    action = str(DECIDE_ACTION)

    def build(row):
        return {"kind": "deadline_adjustment", "id": row["pk"], "number": None, "state": row["status"],
                "state_label": statuses.get(row["status"], row["status"]), "action": action,
                "due_at": row["due_at"], "deadline_kind": row["deadline__kind"]}

    def finish(rows):
        requests = (DeadlineAdjustment.objects.select_related("deadline__rule")
                    .in_bulk([row["id"] for row in rows]))
        for row in rows:
            request = requests[row["id"]]
            row["title"] = (f"{object_label(request.deadline)}：{request.deadline.rule.name}"
                            f"（{request.get_action_display()}）")
            row["url"] = deadline_link(request.deadline)

    part = part_from(pending, window, ("pk", "status", "deadline__kind"), build=build, finish=finish)
    return [part] if part.count else []


def adjustment_inbox_items(user) -> list[dict]:
    """Inbox rows for the approvers (adjustment_inbox_parts, every row finished), unsorted."""
    return finished_items(adjustment_inbox_parts(user, Window()))


def unread_count(user) -> int:
    """How many in-app messages `user` has not read (0 for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
