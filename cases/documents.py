"""The enforcement case's documents and attachments (DESIGN §10, CONTRACT §6): registered with the document
machinery (documents.registry) when the app is ready."""

from django.urls import reverse

from documents import registry
from workflows import roles

from .models import Case


def may_view(user, case) -> bool:
    """Cases carry personal information: the roles that work on cases see them and their files."""
    return roles.may("case.view", user)


def may_attach(user, case) -> bool:
    """The case's own officers and the brigade chief add evidence, signed scans and service receipts."""
    if not roles.may("case.attach", user):
        return False
    return roles.has_role(user, roles.BRIGADE_CHIEF) or case.officers.filter(pk=user.pk).exists() \
        or case.reported_by_id == user.pk


def register() -> None:
    registry.register_owner(registry.Owner(
        name="cases", model=Case, may_view=may_view, may_attach=may_attach,
        label=lambda case: case.number or f"#{case.pk}",
        url=lambda case: reverse("cases:cases:detail", args=[case.pk]),
    ))
