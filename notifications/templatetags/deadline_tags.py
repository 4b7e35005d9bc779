"""Deadline actions in the deadlines card of decision and case pages (review/deadlines.html).

{% deadline_actions d as actions %}: what the signed-in user may do on deadline `d` now (notifications.ui
.action_links: the requests to ask for, approve/reject of a pending one, the deadline's page).
{% date_correction_url deadlines as url %}: the brigade chief's "correct a business date" form for the case
whose deadlines these are (review.ui.deadline_rows puts the object on the list), or "".
"""

from django import template
from django.urls import reverse

from workflows import roles

from ..ui import action_links

register = template.Library()


def _user(context):
    return getattr(context.get("request"), "user", None)


@register.simple_tag(takes_context=True)
def deadline_actions(context, deadline) -> dict:
    user = _user(context)
    if user is None or not user.is_authenticated:
        return {"request": []}
    return action_links(deadline, user)


@register.simple_tag(takes_context=True)
def date_correction_url(context, deadlines) -> str:
    obj = getattr(deadlines, "obj", None)
    user = _user(context)
    if obj is None or obj._meta.label_lower != "cases.case" or not roles.has_role(user, roles.BRIGADE_CHIEF):
        return ""
    from cases.services import CORRECTABLE_DATES

    if not any(getattr(obj, field) for field in CORRECTABLE_DATES):
        return ""
    return reverse("inbox:case_correct_date", args=[obj.pk])
