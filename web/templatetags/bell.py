"""{% unread_messages as n %}: how many unread in-app messages the signed-in user has (the bell in the top bar
of every page and the inbox show it)."""

from django import template

from notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_messages(context) -> int:
    request = context.get("request")
    return unread_count(getattr(request, "user", None))
