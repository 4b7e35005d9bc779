"""API plumbing every app's API uses: the error format of CONTRACT §5 (exception_handler), the transition
endpoint (TransitionsMixin), the fields of every stateful object (StatefulSerializer: state, available
transitions, history, deadlines). The endpoints that span apps (inbox, `me`, users) are web.site_api."""

import logging

from django.core.exceptions import (
    PermissionDenied as DjangoPermissionDenied,
    ValidationError as DjangoValidationError,
)
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications.deadlines import deadlines_of
from workflows import roles
from workflows.audit import client_ip, history_of
from workflows.errors import Refusal, bilingual
from workflows.models import User
from workflows.services import available_transitions, fire_transition

log = logging.getLogger(__name__)

MESSAGES = {
    400: _("Invalid input."),
    401: _("Authentication required: log in or send “Authorization: Token <key>”."),
    403: _("Your roles may not do this."),
    404: _("Not found."),
    405: _("This method is not allowed here."),
    406: _("Not acceptable."),
    415: _("Unsupported media type: send JSON."),
    429: _("Too many requests."),
    500: _("Internal error; nothing was changed."),
}
NUMBER_OUT_OF_RANGE = _("A number or id in the request is out of range.")
DATABASE_UNAVAILABLE = _(
    "The database is not answering at the moment; try again in a little while. If you were saving something, "
    "look whether it was saved before doing it again."
)
CSRF_FAILED = _("The request came from a browser session without its CSRF token: reload the page and try again, "
                "or send an API token.")
NUL_IN_TEXT = _("Null characters are not allowed.")  # PostgreSQL stores no NUL (0x00) in text
CODES = {400: "invalid", 401: "not_authenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         406: "not_acceptable", 409: "conflict", 415: "unsupported_media_type", 429: "throttled", 500: "server_error"}


def error_body(status_code: int, detail: str, **extra) -> dict:
    # A plain str: every renderer must write it, the schema view's YAML one too (it cannot represent a str subclass
    # such as workflows.errors.Bilingual, and an anonymous GET /api/v1/schema/ would answer 500).
    body = {"error": CODES.get(status_code, "error"), "detail": str(detail)}
    body.update({k: v for k, v in extra.items() if v})
    return body


def is_database_unavailable(exc) -> bool:
    """Whether `exc` says the database is lost or unreachable for now (PostgreSQL restarting or down, the
    connection cut, a lock or deadlock given up): Django's OperationalError and InterfaceError. The transaction it
    broke is rolled back, except a commit whose answer was lost (then it may have happened): hence the advice to
    look before repeating (a repeated transition gets 409)."""
    return isinstance(exc, (OperationalError, InterfaceError))


def database_unavailable_body() -> dict:
    """The API's 503 body when the database is unavailable: {"error": "database_unavailable", "detail": …}."""
    return {"error": "database_unavailable", "detail": bilingual(DATABASE_UNAVAILABLE)}


def database_unavailable_response(exc, response_class=Response):
    """A 503 with database_unavailable_body() and Retry-After; the exception is logged with its traceback."""
    log.warning("database unavailable: %s", exc, exc_info=exc)
    response = response_class(database_unavailable_body(), status=503)
    response["Retry-After"] = "5"
    return response


def _field_errors(detail, prefix=""):
    """Field → messages; nested serializers give dotted names such as `party.kind`."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            name = prefix.rstrip(".") if prefix and key == "non_field_errors" else f"{prefix}{key}"
            if isinstance(value, dict) and all(isinstance(k, int) for k in value):
                # A list field's items: keep the field's name, say which item.
                flat[name] = [f"[{index}] {message}" for index, messages in value.items()
                              for message in (messages if isinstance(messages, list) else [messages])]
            elif isinstance(value, dict):
                flat.update(_field_errors(value, prefix=f"{name}."))
            else:
                flat[name] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return flat
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    """Every error as {"error": CODE, "detail": TEXT} with the reason in Chinese and English."""
    if isinstance(exc, Refusal):
        body = {"error": exc.code, "detail": exc.detail}
        if exc.rule:
            body["rule"] = exc.rule
        if exc.fields:
            body["fields"] = exc.fields
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        return Response(error_body(404, bilingual(MESSAGES[404])), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(error_body(403, bilingual(MESSAGES[403])), status=403)
    if isinstance(exc, DjangoValidationError):
        return Response(error_body(400, bilingual(MESSAGES[400]), fields=_field_errors(exc.messages)), status=400)
    if is_database_unavailable(exc):
        return database_unavailable_response(exc)
    if isinstance(exc, (OverflowError, DataError)):
        # What the database cannot store: an id or number beyond its range (SQLite: OverflowError, PostgreSQL:
        # DataError), or on PostgreSQL a NUL character in text (a search term, a free-form JSON value).
        message = NUL_IN_TEXT if "NUL" in str(exc) else NUMBER_OUT_OF_RANGE
        return Response(error_body(400, bilingual(message)), status=400)
    if isinstance(exc, exceptions.ValidationError):
        return Response(error_body(400, bilingual(MESSAGES[400]), fields=_field_errors(exc.detail)), status=400)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        response = Response(error_body(401, bilingual(MESSAGES[401])), status=401)
        response["WWW-Authenticate"] = "Token"
        return response
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        # SessionAuthentication refused a session's unsafe request without the token: say so, not "your roles".
        return Response(error_body(403, bilingual(CSRF_FAILED)), status=403)
    if isinstance(exc, exceptions.APIException):
        code = exc.status_code
        message = MESSAGES.get(code)
        detail = bilingual(message) if message else str(exc.detail)
        if isinstance(exc, exceptions.ParseError):
            detail = f"{bilingual(_('Malformed JSON.'))} ({exc.detail})"
        return Response(error_body(code, detail), status=code)
    return None


class UserBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "roles"]

    def get_roles(self, user) -> list[str]:
        return sorted(roles.user_roles(user))


class HistorySerializer(serializers.Serializer):
    transition = serializers.CharField()
    source = serializers.CharField()
    target = serializers.CharField()
    user = serializers.CharField(source="username")
    at = serializers.DateTimeField()
    comment = serializers.CharField()
    fields = serializers.JSONField()


class DeadlineSerializer(serializers.Serializer):
    """A deadline on a decision or case. `status`: open, suspended (中止: the period does not run, so it is never
    overdue), closed or cancelled; `extended_days`: granted by approved extensions (延期). The deadline itself,
    with its adjustments and reminders: GET /api/v1/deadlines/{id}/."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    due_at = serializers.DateTimeField()
    due_date = serializers.DateField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    basis = serializers.CharField()
    provisional = serializers.BooleanField()
    suspended_on = serializers.DateField(allow_null=True)
    extended_days = serializers.IntegerField()
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, deadline) -> bool:
        from django.utils import timezone

        return deadline.status == deadline.Status.OPEN and deadline.due_at < timezone.now()


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()


def history_data(obj):
    return HistorySerializer(history_of(obj), many=True).data


ID_PATTERN = r"\d{1,18}"  # ids in URLs: digits that fit a bigint


class StatefulSerializer(serializers.Serializer):
    """The fields CONTRACT §5 asks of every stateful object."""

    process = ""

    def to_representation(self, obj):
        data = super().to_representation(obj)
        request = self.context["request"]
        data["state_label"] = str(obj.get_state_display())
        data["available_transitions"] = available_transitions(self.process, obj, request.user)
        data["history"] = history_data(obj)
        data["deadlines"] = DeadlineSerializer(deadlines_of(obj), many=True).data
        return data


class RevealedPersonSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Whose data: `party` (a case), `petitioners.<id>`, `parties.<id>` "
                                          "(a mediation).")
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="In full; empty when not recorded.")
    phone = serializers.CharField(help_text="In full; empty when not recorded.")
    birth_date = serializers.DateField(required=False, allow_null=True, help_text="A case's party only.")


class PersonalDataSerializer(serializers.Serializer):
    """What an audited reveal of personal data answers (workflows.personal_data.reveal)."""

    people = RevealedPersonSerializer(many=True)
    fields = serializers.ListField(child=serializers.CharField(), help_text=(
        "The fields read, as the audit entry names them (`party.id_number`, `petitioners.17.phone`): those "
        "holding a value."))
    audit_entry = serializers.IntegerField(allow_null=True, help_text=(
        "The sequence of the audit entry `read_personal_data` this read appended; null when nothing was recorded "
        "(no field held a value)."))
    read_at = serializers.DateTimeField(allow_null=True)


def personal_data_response(result: dict) -> Response:
    """The answer of a `…/{id}/personal-data/` endpoint: 200, never cached (`Cache-Control: no-store`)."""
    return Response(PersonalDataSerializer(result).data, headers={"Cache-Control": "no-store"})


def state_filter(request, choices):
    state = request.query_params.get("state")
    if state and state not in choices.values:
        raise exceptions.ValidationError({"state": [bilingual(_("Unknown state."))]})
    return state



class TransitionsMixin:
    """`POST /{kind}/{id}/transitions/{name}/` for a viewset whose `process` names its flow; answers `_detail`."""

    process = ""

    @extend_schema(request={"application/json": {"type": "object", "additionalProperties": True}},
                   description="Fire a transition with its fields (CONTRACT §5); returns the object.")
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[A-Za-z0-9_]{1,60})")
    def transitions(self, request, pk=None, name=None):
        obj = fire_transition(self.process, pk, name, request.user, request.data, client_ip(request))
        return self._detail(obj)
