"""Documents and attachments of major decisions and joint meetings (DESIGN §10, CONTRACT §6): registered with
the document machinery (documents.registry) when the app is ready."""

from django.urls import reverse

from documents import registry
from workflows import roles

from .models import Decision, Meeting


def may_view(user, obj) -> bool:
    """Decisions and meetings are open to every signed-in user of the town's system (as their pages are)."""
    return bool(getattr(user, "is_authenticated", False))


def may_attach_decision(user, decision) -> bool:
    return roles.may("decision.attach", user)


def may_attach_meeting(user, meeting) -> bool:
    return roles.may("meeting.attach", user)


def register() -> None:
    registry.register_owner(registry.Owner(
        name="decisions", model=Decision, may_view=may_view, may_attach=may_attach_decision,
        label=lambda d: d.number or f"#{d.pk}",
        url=lambda d: reverse("review:decisions:detail", args=[d.pk]),
    ))
    registry.register_owner(registry.Owner(
        name="meetings", model=Meeting, may_view=may_view, may_attach=may_attach_meeting,
        label=lambda m: m.number or f"#{m.pk}",
        url=lambda m: reverse("review:meetings:detail", args=[m.pk]),
    ))
