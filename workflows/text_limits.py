"""How much text a user may type into each free-text field, in one place (issue 10: a large paste loses nothing).

The database columns are ``TextField`` (unbounded); the bounds live in the forms and serializers that take user
input, so a 1.6 MB paste is refused as an ordinary field error, the rest of the form re-rendered with what was
typed. The browser stops typing at the bound too: bounded textareas carry ``maxlength`` and
``data-lf-counter`` (workflows/static/lawflow/text-counter.js shows "n / limit" beside them). The request as a
whole is capped by ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (config.settings, config.request_limits), sized so that the
largest form filled to its bounds still fits: Chinese text is 3 bytes a character in UTF-8 and 9 once
form-encoded (``%E7%9F%B3``), so 100,000 characters are about 0.9 MB.

These are local practice, not statute: no law bounds the length of an opinion or a record.
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import ngettext_lazy

#: The full text of a normative document or major decision (规范性文件全文).
DOCUMENT_TEXT = 100_000
#: Descriptions, facts, records, opinions, minutes, agreements, summaries: a long page or several.
LONG_TEXT = 20_000
#: Reasons, comments, notes, measures, legal bases: a few paragraphs.
SHORT_TEXT = 5_000
#: A single-line text input that has no bound of its own.
LINE_TEXT = 200

#: Field name → the most characters it takes. A textarea not named here takes SHORT_TEXT.
LIMITS = {
    "body": DOCUMENT_TEXT,
    "description": LONG_TEXT,
    "facts": LONG_TEXT,
    "record": LONG_TEXT,
    "hearing_record": LONG_TEXT,
    "opinion": LONG_TEXT,
    "minutes": LONG_TEXT,
    "agreement": LONG_TEXT,
    "collective_discussion": LONG_TEXT,
    "summary": LONG_TEXT,
    "detail": LONG_TEXT,
}

TOO_LONG = ngettext_lazy(
    "Keep this to %(limit_value)d character or fewer (it has %(show_value)d).",
    "Keep this to %(limit_value)d characters or fewer (it has %(show_value)d).",
    "limit_value",
)


def limit_for(name: str, multiline: bool = True) -> int:
    """The bound of a field named ``name``: LIMITS, else SHORT_TEXT for a textarea, LINE_TEXT for a line."""
    return LIMITS.get(name, SHORT_TEXT if multiline else LINE_TEXT)


class TextLengthValidator(MaxLengthValidator):
    """Counts characters as the browser does: a line break is one character, though a form posts it as CR LF
    (so text the browser's ``maxlength`` let through is never refused by the server)."""

    message = TOO_LONG

    def clean(self, x):
        return len(x.replace("\r\n", "\n"))


def bound_form_fields(fields) -> None:
    """Give every text field of a form without a bound of its own its bound, a validator, the ``maxlength``
    attribute, and on a textarea the counter's ``data-lf-counter``. Takes the form's ``fields`` dict."""
    for name, field in fields.items():
        if not isinstance(field, forms.CharField):
            continue
        multiline = isinstance(field.widget, forms.Textarea)
        if field.max_length is None:
            field.max_length = limit_for(name, multiline)
            field.validators.append(TextLengthValidator(field.max_length))
            field.widget.attrs["maxlength"] = str(field.max_length)
        if multiline:
            field.widget.attrs.setdefault("data-lf-counter", str(field.max_length))


class BoundedTextForm:
    """Mixin for forms users type into: see :func:`bound_form_fields`. Put it before ``forms.Form``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_form_fields(self.fields)


class BoundedTextSerializer:
    """Mixin for DRF serializers that take user text: every writable ``CharField`` without a ``max_length``
    gets the bound of :func:`limit_for` (multiline), the same as the form field of that name."""

    def get_fields(self):
        from rest_framework import serializers

        fields = super().get_fields()
        for name, field in fields.items():
            if isinstance(field, serializers.CharField) and not field.read_only and field.max_length is None:
                field.max_length = limit_for(name)
                field.validators.append(TextLengthValidator(field.max_length))
        return fields
