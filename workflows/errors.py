"""Typed refusals. Services raise them; the API turns them into 400/403/404/409, the UI into messages.

Every refusal carries its reason in Chinese and in English, whatever the active language, so a clerk and
an integrator both read it. Messages are translatable strings (English msgid, Chinese in the catalogue).
"""

from django.utils import translation


def bilingual(message) -> str:
    """'中文 / English' for a lazily translated message."""
    with translation.override("zh-hans"):
        zh = str(message)
    with translation.override("en"):
        en = str(message)
    return zh if zh == en else f"{zh} / {en}"


class Message:
    """A translatable message with parameters, rendered in whichever language asks for it."""

    def __init__(self, message, **params):
        self.message = message
        self.params = params

    def __str__(self):
        return str(self.message).format(**self.params)


class Refusal(Exception):
    status = 409
    code = "conflict"

    def __init__(self, message, *, rule: str | None = None, fields: dict | None = None):
        self.message = message
        self.rule = rule
        self.fields = fields or {}
        super().__init__(self.detail)

    @property
    def detail(self) -> str:
        text = bilingual(self.message)
        return f"[{self.rule}] {text}" if self.rule else text


class InvalidInput(Refusal):
    """400: a field is missing or wrong. `fields` maps field → list of bilingual messages."""

    status = 400
    code = "invalid"


class NotPermitted(Refusal):
    """403: the user's roles may not do this."""

    status = 403
    code = "forbidden"


class NotFound(Refusal):
    status = 404
    code = "not_found"


class StateConflict(Refusal):
    """409: the object's state does not allow the transition now."""

    status = 409
    code = "state_conflict"


class RuleViolation(Refusal):
    """409: a legal or local rule forbids it now; `rule` names it (e.g. 'D1 条例第25条')."""

    status = 409
    code = "rule_violation"
