"""Requests larger than the server accepts get a clear answer, never Django's technical page (issue 10).

Django refuses a body above ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (or with more than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``
fields, ``DATA_UPLOAD_MAX_NUMBER_FILES`` files) with ``RequestDataTooBig`` & co., raised wherever the body is first
read — in CSRF checking, in DRF's parser, in a view. With DEBUG on that becomes the English technical page with a
traceback; with DEBUG off a bare 400. This middleware reads the body first (it is read anyway, once: Django keeps
it for the parsers) and answers a refusal itself: JSON in the CONTRACT's error format under /api/ (400), a page in
the user's language elsewhere (413), both naming the limit. It sits after the language and authentication
middleware, so the page speaks the user's language, and before any view (CSRF's process_view runs after it).

Nothing is lost: the page tells the user to go back, where the browser still has the form as typed; and the
forms' ``maxlength`` (workflows.text_limits) keeps a browser from sending that much text in the first place.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from web.api import MESSAGES, error_body
from workflows.errors import Message, bilingual

REFUSALS = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)

TOO_BIG = _("The request is larger than the server accepts ({limit}); nothing was saved. Shorten the text, or "
            "split it, and send it again.")
TOO_MANY_FIELDS = _("The request has more fields than the server accepts ({limit}); nothing was saved.")
TOO_MANY_FILES = _("The request has more files than the server accepts ({limit}); nothing was saved.")


def human_size(size: int) -> str:
    """2097152 → "2 MB", 1572864 → "1.5 MB", 500000 → "488 KB" (binary units, as the browser counts them)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def refusal_message(error) -> Message:
    """What was too big, and the limit, in words."""
    if isinstance(error, TooManyFieldsSent):
        return Message(TOO_MANY_FIELDS, limit=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    if isinstance(error, TooManyFilesSent):
        return Message(TOO_MANY_FILES, limit=settings.DATA_UPLOAD_MAX_NUMBER_FILES)
    return Message(TOO_BIG, limit=human_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))


def refusal_response(request, error):
    """The answer to a request refused for its size: JSON 400 under /api/, a translated page (413) elsewhere."""
    message = refusal_message(error)
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(400, bilingual(message), rule="request_size"), status=400)
    html = render_to_string("400.html", {"message": str(message), "too_large": True}, request=request)
    return HttpResponse(html, status=413)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            try:
                if request.content_type == "multipart/form-data":
                    request.POST  # noqa: B018 - parses the fields (files go to disk); checks the limits
                else:
                    request.body  # noqa: B018 - checks CONTENT_LENGTH against the limit, then keeps the body
                    if request.content_type == "application/x-www-form-urlencoded":
                        request.POST  # noqa: B018 - checks the number of fields
            except REFUSALS as error:
                return refusal_response(request, error)
        return self.get_response(request)


def bad_request(request, exception=None):
    """handler400 (DEBUG off): a request refused for its size gets the answer above; any other bad request JSON
    under /api/ and a translated page elsewhere (templates/400.html), never Django's bare English one."""
    if isinstance(exception, REFUSALS):
        return refusal_response(request, exception)
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(400, bilingual(MESSAGES[400])), status=400)
    return HttpResponse(render_to_string("400.html", {}, request=request), status=400)
