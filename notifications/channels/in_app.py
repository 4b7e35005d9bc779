"""In-app messages: a Notification row, exactly one per delivery."""

from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from .base import Answer, Channel, Lookup, Message
from .text import refuse

LINK_MAX = 200  # Notification.link


def stored_link(link: str) -> str:
    """The link as given; a link too long for the column keeps its path, which the site resolves the same."""
    if len(link) <= LINK_MAX:
        return link
    parts = urlsplit(link)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if len(path) <= LINK_MAX else parts.path[:LINK_MAX]


class InAppChannel(Channel):
    name = "in_app"
    label = _("In-app message")

    def can_look_up(self, delivery) -> bool:
        return True

    def lookup(self, delivery, since) -> Lookup:
        from ..models import Notification

        note = Notification.objects.filter(delivery=delivery).first()
        if note is None:  # our own table: "not there" is certain
            return Lookup(found=False, final=True, answer="in-app: no notification for this delivery")
        return Lookup(found=True, answer=f"in-app: notification #{note.pk} is there")

    def send(self, delivery, message: Message) -> Answer:
        from ..models import Notification

        if delivery.recipient_id is None:
            return refuse(_("No recipient user for this delivery."))
        # The one-to-one on delivery makes a second run (a retried task) find the first row instead of a copy.
        note, created = Notification.objects.get_or_create(
            delivery=delivery,
            defaults={"recipient_id": delivery.recipient_id, "title": message.title[:200], "body": message.body,
                      "link": stored_link(message.link)},
        )
        return Answer(ok=True, answer=f"in-app notification #{note.pk} " + ("created" if created else "already there"))
