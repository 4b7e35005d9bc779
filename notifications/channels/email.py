"""E-mail through Django's mail settings (EMAIL_HOST, EMAIL_PORT, DEFAULT_FROM_EMAIL, EMAIL_BACKEND)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext_lazy as _

from .base import Answer, Channel, Message
from .text import plain_text, refuse


def message_id(delivery) -> str:
    """Deterministic, so a message sent twice by a worker that died in between is recognisably the same one."""
    return f"<{delivery.key}@lawflow>"


def address_of(delivery) -> str:
    return (delivery.recipient.email or "").strip() if delivery.recipient is not None else ""


class EmailChannel(Channel):
    name = "email"
    label = _("E-mail")

    def target(self, delivery) -> str:
        return address_of(delivery) or delivery.recipient_key

    def send(self, delivery, message: Message) -> Answer:
        address = address_of(delivery)
        if not address:
            return refuse(_("No e-mail address on record."))
        timeout = getattr(settings, "EMAIL_TIMEOUT", None) or settings.CHANNEL_TIMEOUT_SECONDS
        connection = get_connection(timeout=timeout)
        mail = EmailMessage(
            subject=" ".join(message.title.split()),  # a header: no line breaks
            body=plain_text(message),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Message-ID": message_id(delivery)},
            connection=connection,
        )
        try:
            connection.open()  # connect, greet, log in: a failure here certainly sent nothing
        except (smtplib.SMTPException, OSError) as error:  # refused, unreachable, timed out: retried later
            return Answer(ok=False, answer=f"{type(error).__name__}: {error}")
        try:
            count = mail.send()
        except smtplib.SMTPResponseException as error:  # the server answered with a refusal: nothing accepted
            return Answer(ok=False, answer=f"{type(error).__name__}: {error}")
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
            return Answer(ok=False, answer=f"{type(error).__name__}: {error}")
        except (smtplib.SMTPException, OSError) as error:
            # No answer in time, or the connection dropped during the conversation: the server may have taken the
            # message (after the final "." it only has to say 250). Message-ID is the key, but SMTP cannot be asked.
            return Answer(ok=False, answer=f"{type(error).__name__}: {error}", uncertain=True)
        finally:
            connection.close()
        return Answer(ok=count == 1, answer=f"{count} message accepted for {address}, Message-ID {message_id(delivery)}")
