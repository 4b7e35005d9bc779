"""Helpers the channels share: the message as plain text, refusals in both languages, apprise sending."""

import logging
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from workflows.errors import Message as Text, bilingual

from .base import Answer, Message


def plain_text(message: Message) -> str:
    """Body and link, the link added only when the body does not carry it already."""
    if not message.link or message.link in message.body:
        return message.body
    return f"{message.body}\n{message.link}"


def refuse(reason, **params) -> Answer:
    """A failure no retry can cure (nothing to send to, channel not configured), in Chinese and English."""
    return Answer(ok=False, permanent=True, answer=bilingual(Text(reason, **params)))


def with_timeouts(url: str) -> str:
    """Apprise's own connect/read timeouts (cto, rto) from CHANNEL_TIMEOUT_SECONDS, unless the URL sets them."""
    parts = urlsplit(url)
    names = {pair.split("=", 1)[0] for pair in parts.query.split("&") if pair}
    seconds = settings.CHANNEL_TIMEOUT_SECONDS
    extra = [f"{name}={seconds}" for name in ("cto", "rto") if name not in names]
    query = "&".join(filter(None, [parts.query, *extra]))
    return urlunsplit(parts._replace(query=query))


def add_path(url: str, segment: str) -> str:
    """url with one more path segment (before any ?query), e.g. a recipient appended to an apprise base URL."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{quote(segment, safe='@')}"))


def send_with_apprise(url: str, message: Message) -> Answer:
    """One notification through apprise: a refused URL is permanent, a failed send is an answer (retried)."""
    import apprise

    app = apprise.Apprise()
    # Apprise reports why it failed only in its log: keep that log as the provider's answer.
    with apprise.LogCapture(level=logging.INFO, fmt="%(levelname)s %(message)s") as log:
        if not app.add(with_timeouts(url)):
            return refuse(_("apprise does not accept this URL; check its form ({scheme}://…)."),
                          scheme=urlsplit(url).scheme or "?")
        # The sender already paces each target (per_minute); apprise's own pause between a plugin's requests
        # (5.5 s between WeCom's token and message calls) would only hold the delivery's row lock longer.
        for service in app:
            service.request_rate_per_sec = 0
        # Plain text: group robots (WeCom, DingTalk) show markdown marks literally or not at all.
        ok = app.notify(title=message.title, body=plain_text(message), body_format=apprise.NotifyFormat.TEXT)
        captured = log.getvalue().strip()
    result = "sent" if ok else "not sent"
    return Answer(ok=bool(ok), answer=f"apprise: {result}" + (f"\n{captured}" if captured else ""))
