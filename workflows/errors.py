"""Typed refusals. Services raise them; the API turns them into 400/403/404/409, the UI into messages.

Every refusal carries its reason in Chinese and in English, whatever the active language, so a clerk and
an integrator both read it. Messages are translatable strings (English msgid, Chinese in the catalogue).
"""

from django.utils import translation


class Bilingual(str):
    """'中文 / English' as the API sends it, remembering each half so that a page can show its reader's language
    only (a page speaks one language; the API carries both)."""

    zh: str
    en: str


def bilingual(message) -> Bilingual:
    """'中文 / English' for a lazily translated message."""
    with translation.override("zh-hans"):
        zh = str(message)
    with translation.override("en"):
        en = str(message)
    text = Bilingual(zh if zh == en else f"{zh} / {en}")
    text.zh, text.en = zh, en
    return text


def in_active_language(text) -> str:
    """The half of a bilingual text in the active language (a page's); any other text as it is."""
    if isinstance(text, Bilingual):
        return text.en if (translation.get_language() or "").startswith("en") else text.zh
    return str(text)


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
        """The API's text: the rule's code and both languages, e.g. '[C7] 罚款… / The fine …'."""
        text = bilingual(self.message)
        return f"[{self.rule}] {text}" if self.rule else text

    @property
    def page_text(self) -> str:
        """A page's text: the reader's language only, without the rule's code."""
        return in_active_language(self.message)


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
