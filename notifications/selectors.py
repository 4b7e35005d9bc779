"""Queries for lists: requests to suspend, resume or extend a deadline awaiting the calling user's approval;
the count of a user's unread in-app messages (the bell)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows import roles

from .adjustments import deadline_link, object_label
from .models import DeadlineAdjustment, Notification

DECIDE_ACTION = _("Approve or reject the request")


def adjustment_inbox_items(user) -> list[dict]:
    """Inbox rows for the escalation role: pending requests on deadlines whose rule escalates to one of its roles."""
    pending = (DeadlineAdjustment.objects
               .filter(status=DeadlineAdjustment.Status.REQUESTED,
                       deadline__rule__escalate_to__in=roles.user_roles(user))
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
