"""Security helpers of the site (issue 17): the client's address for login throttling (django-axes)."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The address a login attempt came from (AXES_CLIENT_IP_CALLABLE).

    Takes a Django request; returns REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the address in
    X-Forwarded-For that the outermost trusted proxy saw (counted from the right: each proxy appends the address
    it was called from, and entries further left are whatever the client sent, so they are never trusted).
    With fewer entries than proxies (a request that did not pass through them all) it falls back to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
