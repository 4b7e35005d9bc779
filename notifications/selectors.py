"""Queries for lists: requests to suspend, resume or extend a deadline awaiting the calling user's approval;
the count of a user's unread in-app messages (the bell)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .adjustments import deadline_link, decidable_by, object_label
from .models import DeadlineAdjustment, Notification

DECIDE_ACTION = _("Approve or reject the request")


def adjustment_inbox_items(user) -> list[dict]:
    """Inbox rows for the approvers: pending requests the user decides on (adjustments.decidable_by: the escalation
    role, or the rule's extension approver for an extension he did not ask for himself)."""
    pending = (DeadlineAdjustment.objects
               .filter(decidable_by(user), status=DeadlineAdjustment.Status.REQUESTED)
               .select_related("deadline__rule", "requested_by"))
    now = timezone.now()
    return [{
        "kind": "deadline_adjustment", "id": request.pk, "number": None,
        "title": f"{object_label(request.deadline)}：{request.deadline.rule.name}（{request.get_action_display()}）",
        "state": request.status, "state_label": str(request.get_status_display()), "action": str(DECIDE_ACTION),
        "due_at": request.deadline.due_at, "deadline_kind": request.deadline.kind,
        "overdue": request.deadline.due_at < now, "url": deadline_link(request.deadline),
    } for request in pending]


def unread_count(user) -> int:
    """How many in-app messages `user` has not read (0 for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
