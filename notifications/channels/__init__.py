"""Reminder channels (DESIGN §5): in-app (always), e-mail, SMS, WeCom app messages, group robots.

The sender (notifications.reminders.deliver) looks a channel up by the name stored on the Delivery.
"""

from .base import Answer, Channel, Lookup, Message

IN_APP = "in_app"
EMAIL = "email"
SMS = "sms"
WECOM = "wecom"
ROBOT = "robot"

# What a user may choose besides in-app, which is always on.
PERSONAL_CHANNELS = (EMAIL, SMS, WECOM)


def _registry() -> dict[str, Channel]:
    from .email import EmailChannel
    from .in_app import InAppChannel
    from .robot import RobotChannel
    from .sms import SmsChannel
    from .wecom import WeComChannel

    return {channel.name: channel for channel in
            (InAppChannel(), EmailChannel(), SmsChannel(), WeComChannel(), RobotChannel())}


_channels: dict[str, Channel] = {}


def get_channel(name: str) -> Channel:
    """The channel called `name`; KeyError for a name no channel has."""
    if not _channels:
        _channels.update(_registry())
    return _channels[name]


__all__ = ["IN_APP", "EMAIL", "SMS", "WECOM", "ROBOT", "PERSONAL_CHANNELS", "Answer", "Channel", "Lookup", "Message",
           "get_channel"]
