"""Django-level 404/500 pages: JSON in the CONTRACT's error format under /api/, plain pages elsewhere."""

import sys

from django.http import JsonResponse
from django.views.defaults import bad_request, page_not_found, server_error

from web.api import MESSAGES, error_body
from workflows.errors import bilingual

from .db_unavailable import database_unavailable


def api_bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(400, bilingual(MESSAGES[400])), status=400)
    return bad_request(request, exception)


def api_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(404, bilingual(MESSAGES[404])), status=404)
    return page_not_found(request, exception)


def api_server_error(request):
    # Django calls the 500 handler while handling the exception: a lost database gets its 503 (config.db_unavailable).
    unavailable = database_unavailable(request, sys.exc_info()[1])
    if unavailable is not None:
        return unavailable
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(500, bilingual(MESSAGES[500])), status=500)
    return server_error(request)
