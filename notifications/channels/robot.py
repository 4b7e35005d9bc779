"""Group robots (WeCom, DingTalk, Feishu, or any apprise URL): one message to the group's webhook."""

from django.utils.translation import gettext_lazy as _

from .base import Answer, Channel, Message
from .text import refuse, send_with_apprise


class RobotChannel(Channel):
    name = "robot"

    def target(self, delivery) -> str:
        return f"robot:{delivery.robot_id}" if delivery.robot_id else delivery.recipient_key

    def per_minute(self, delivery) -> int | None:
        # The platform's limit, e.g. 20 a minute for a WeCom robot: the sender waits rather than being cut off.
        return delivery.robot.per_minute if delivery.robot is not None else None

    def send(self, delivery, message: Message) -> Answer:
        robot = delivery.robot
        if robot is None:
            return refuse(_("No group robot for this delivery."))
        if not robot.active:
            return refuse(_("The group robot {name} is switched off."), name=robot.name)
        return send_with_apprise(robot.url, message)
