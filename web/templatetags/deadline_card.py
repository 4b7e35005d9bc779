"""{% deadline_actions d as actions %} in the deadlines card (web/deadlines.html): what the signed-in user may
do on deadline `d` now (web.deadlines.action_links: the requests to ask for, approve/reject of a pending one,
the deadline's page)."""

from django import template

from ..deadlines import action_links

register = template.Library()


@register.simple_tag(takes_context=True)
def deadline_actions(context, deadline) -> dict:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return {"request": []}
    return action_links(deadline, user)
