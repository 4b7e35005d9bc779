"""The database lost or unreachable (PostgreSQL restarting, crashed, the network to it cut): a 503 that says so.

The API's views answer through web.api.exception_handler; this middleware covers Django's own views (the web pages,
the admin, the document downloads), and config.api_errors.api_server_error what fails outside a view (a session
read by a middleware). Under /api/ the answer is the API's error JSON {"error": "database_unavailable", "detail"},
elsewhere a plain page (templates/503.html) that needs nothing from the database. Django drops the broken
connection itself (the failed transaction is rolled back, a connection that errored and no longer answers is
closed at the end of the request; settings CONN_HEALTH_CHECKS checks a kept one before use), so the next request
connects again: the web needs no restart once the database is back (issue 17, tests/test_faults_postgres.py).
"""

import logging

from django.http import HttpResponse, JsonResponse
from django.template import loader

from web.api import database_unavailable_response, is_database_unavailable

log = logging.getLogger(__name__)


def database_unavailable(request, exc):
    """The 503 for `request` when `exc` is a lost or unreachable database; None for any other exception."""
    if not is_database_unavailable(exc):
        return None
    if request.path.startswith("/api/"):
        return database_unavailable_response(exc, JsonResponse)
    log.warning("database unavailable: %s", exc, exc_info=exc)
    # Rendered without the request: no context processor may touch the database (request.user, the session).
    response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = "5"
    return response


class DatabaseUnavailableMiddleware:
    """A view that failed because the database is unavailable answers 503 (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return database_unavailable(request, exception)
