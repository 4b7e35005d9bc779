"""What every reminder channel offers the sender (notifications.reminders.deliver).

A channel sends one composed Message to one Delivery's recipient (a user, or a group robot) and returns the
provider's Answer; the sender logs every answer as a DeliveryAttempt, retries failures with back-off and never
drops a message. Provider errors are answers, not exceptions: a channel raises only for programming errors.

An answer says whether the message certainly did not leave (connection refused, unknown host, an error the
provider answered: safe to send again) or may have left (`uncertain`: a read time-out after the request went out).
A channel whose provider keeps the delivery's key (in-app, the SMS file, Aliyun's OutId, Tencent's SessionContext)
can be asked about it afterwards (`lookup`); the sender asks before it would ever send an in-flight delivery again.
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
    uncertain: bool = False  # the message may have left (read time-out after sending): never resend blindly


@dataclass(frozen=True)
class Lookup:
    """What a provider said when asked about a delivery's key."""

    found: bool | None  # True: it has the message; False: no record of it; None: it could not be asked or answer
    answer: str  # its words, logged with the attempt
    final: bool = False  # a "no record" that is certain (our own records): sending is then safe


class Channel:
    name = ""
    label = ""  # for people: the admins told about an uncertain delivery
    # Interrupting channels (SMS, WeCom app messages) respect the recipient's quiet hours, escalations excepted.
    interrupting = False

    def target(self, delivery) -> str:
        """Where the message goes (phone, address, robot); also the key its rate limit is counted by."""
        return delivery.recipient_key

    def per_minute(self, delivery) -> int | None:
        """The target's rate limit, or None."""
        return None

    def can_look_up(self, delivery) -> bool:
        """Whether the provider can be asked whether it holds this delivery's key."""
        return False

    def lookup(self, delivery, since) -> Lookup:
        """Ask the provider for this delivery's key, sent at or after `since` (an aware datetime). Never raises for
        a provider error: it is a Lookup with found=None."""
        return Lookup(found=None, answer=f"{self.name}: the provider cannot be asked")

    def already_delivered(self, delivery) -> bool:
        """True when the provider is known to hold this delivery's key already (a worker died after sending)."""
        return bool(self.can_look_up(delivery) and self.lookup(delivery, None).found)

    def send(self, delivery, message: Message) -> Answer:
        raise NotImplementedError
