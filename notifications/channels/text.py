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


# How a network failure reads once an SDK or apprise has turned it into text (requests/urllib3 wording). A failure
# before the request was sent (no connection, no such host, connect time-out) certainly delivered nothing; one after
# it (no answer in time, the connection dropped mid-answer) may have: the provider may have accepted the message.
NOT_SENT_SIGNS = ("connection refused", "failed to establish a new connection", "name or service not known",
                  "temporary failure in name resolution", "nodename nor servname", "no route to host",
                  "network is unreachable", "connect timeout", "connecttimeout", "getaddrinfo failed")
MAYBE_SENT_SIGNS = ("read timed out", "read timeout", "readtimeout", "remotedisconnected", "connection aborted",
                    "connection reset", "incompleteread", "timed out")


def maybe_sent(text: str) -> bool:
    """True when a failure's text says the request may have reached the provider (a read time-out, a dropped
    connection); False when it certainly did not (refused, unknown host, connect time-out) or it is not a network
    failure at all (the provider answered with an error)."""
    lowered = text.lower()
    if any(sign in lowered for sign in NOT_SENT_SIGNS):
        return False
    return any(sign in lowered for sign in MAYBE_SENT_SIGNS)


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
    # Apprise reports why it failed only in its log: keep that log as the provider's answer (its debug lines only
    # for the network error, which says whether the request went out).
    with apprise.LogCapture(level=logging.DEBUG, fmt="%(levelname)s %(message)s") as log:
        if not app.add(with_timeouts(url)):
            return refuse(_("apprise does not accept this URL; check its form ({scheme}://…)."),
                          scheme=urlsplit(url).scheme or "?")
        # The sender already paces each target (per_minute); apprise's own pause between a plugin's requests
        # (5.5 s between WeCom's token and message calls) would only make the send slower.
        for service in app:
            service.request_rate_per_sec = 0
        # Plain text: group robots (WeCom, DingTalk) show markdown marks literally or not at all.
        ok = app.notify(title=message.title, body=plain_text(message), body_format=apprise.NotifyFormat.TEXT)
        captured = "\n".join(line for line in log.getvalue().splitlines()
                             if not line.startswith("DEBUG") or "Exception" in line).strip()
    result = "sent" if ok else "not sent"
    return Answer(ok=bool(ok), answer=f"apprise: {result}" + (f"\n{captured}" if captured else ""),
                  uncertain=not ok and maybe_sent(captured))
