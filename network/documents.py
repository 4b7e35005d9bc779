"""The network's place in the document machinery (documents.registry, DESIGN §10): an activity is an owner of
attachments (`/api/v1/activities/{id}/attachments/`), its photos kept with their hashes in the audit chain. It
has no generated documents."""

from django.urls import reverse

from documents import registry
from workflows import roles

from .models import Activity


def may_view(user, activity) -> bool:
    """Every staff role sees the activities and their photos."""
    return roles.may("network.view", user)


def may_attach(user, activity) -> bool:
    """The roles that log activities add their photos."""
    return roles.may("activity.create", user)


def register() -> None:
    registry.register_owner(registry.Owner(
        name="activities", model=Activity, may_view=may_view, may_attach=may_attach,
        label=lambda activity: f"{activity.held_on:%Y%m%d}-{activity.pk}",
        url=lambda activity: reverse("network:activities:detail", args=[activity.pk]),
    ))
