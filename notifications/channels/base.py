"""What every reminder channel offers the sender (notifications.reminders.deliver).

A channel sends one composed Message to one Delivery's recipient (a user, or a group robot) and returns the
provider's Answer; the sender logs every answer as a DeliveryAttempt, retries failures with back-off and never
drops a message. Provider errors are answers, not exceptions: a channel raises only for programming errors.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """A reminder, composed once (in Chinese) and rendered by each channel in its own form."""

    title: str
    body: str  # plain text, several lines
    link: str  # absolute URL of the object
    escalation: bool = False
    # SMS goes out through an approved template (签名 + 模板): the values for its variables, and the text the
    # template renders to (what console and file backends print).
    sms_params: dict = field(default_factory=dict)
    sms_text: str = ""


@dataclass(frozen=True)
class Answer:
    ok: bool
    answer: str  # the provider's answer (or our reason), logged with the attempt
    permanent: bool = False  # a failure that a retry cannot cure (no phone number, channel not configured)


class Channel:
    name = ""
    # Interrupting channels (SMS, WeCom app messages) respect the recipient's quiet hours, escalations excepted.
    interrupting = False

    def target(self, delivery) -> str:
        """Where the message goes (phone, address, robot); also the key its rate limit is counted by."""
        return delivery.recipient_key

    def per_minute(self, delivery) -> int | None:
        """The target's rate limit, or None."""
        return None

    def already_delivered(self, delivery) -> bool:
        """True when the provider is known to hold this delivery's key already (a worker died after sending)."""
        return False

    def send(self, delivery, message: Message) -> Answer:
        raise NotImplementedError
