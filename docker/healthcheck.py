"""The image's HEALTHCHECK: asks the web server in this container for /api/v1/health/; exit 0 when it answers 200.

The request goes to 127.0.0.1:8000 over plain HTTP (the health path is exempt from the HTTPS redirect,
SECURE_REDIRECT_EXEMPT) with a Host header Django accepts: SITE_URL's host when ALLOWED_HOSTS allows it (or is
unset), else the first host named in ALLOWED_HOSTS. Standard library and Django's own host matching only.
"""

import http.client
import os
import sys
from urllib.parse import urlsplit

from django.http.request import validate_host


def host_header() -> str:
    site_host = urlsplit(os.environ.get("SITE_URL", "")).hostname or "localhost"
    allowed = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not allowed or validate_host(site_host, allowed):
        return site_host
    named = [h.lstrip(".") for h in allowed if h != "*"]
    return named[0] if named else site_host


def main() -> int:
    connection = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "8000")), timeout=4)
    try:
        connection.request("GET", "/api/v1/health/", headers={"Host": host_header()})
        status = connection.getresponse().status
    except OSError as error:
        print(f"health check: {error}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"health check: status {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
