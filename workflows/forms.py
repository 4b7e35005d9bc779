import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .errors import Message, bilingual
from .text_limits import BoundedTextForm

MAX_ID = 2**63 - 1


def _checked_ids(values):
    """Ids as ints within the database's range; anything else is a validation error, never a crash."""
    ids = []
    for value in values:
        try:
            number = int(str(value), 10)
        except (TypeError, ValueError):
            raise forms.ValidationError(_("“%(value)s” is not a valid id."), params={"value": value}) from None
        if not 0 < number <= MAX_ID:
            raise forms.ValidationError(_("“%(value)s” is not a valid id."), params={"value": value})
        ids.append(number)
    return ids


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            _checked_ids([value])
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        if value not in self.empty_values:
            _checked_ids(value if isinstance(value, (list, tuple)) else [value])
        return super().clean(value)


class FindingField(forms.NullBooleanField):
    """Yes / no / not stated. Anything else is refused, never read as “not stated” (a finding is evidence)."""

    TRUE = {True, "true", "True", "1", "on"}
    FALSE = {False, "false", "False", "0"}
    UNSTATED = {None, "", "unknown"}

    def to_python(self, value):
        if isinstance(value, str) or isinstance(value, bool) or value is None:
            if value in self.TRUE:
                return True
            if value in self.FALSE:
                return False
            if value in self.UNSTATED:
                return None
        raise forms.ValidationError(_("Enter true, false or leave it empty."), code="invalid")

    def validate(self, value):
        pass


class RawValueSelect(forms.NullBooleanSelect):
    """Hands the submitted value to the field as it is, so the field can refuse what it cannot read."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


TYPE_MESSAGE = _("Wrong type: expected {expected}.")
BOOLEAN_WORDS = frozenset({"true", "false", "on", "off", "1", "0", ""})


def json_type_errors(form, data: dict) -> dict:
    """JSON values of the wrong type for their form field (a list for a text, a number for a date …).

    Django forms were made for HTML posts, where every value is a string; an API client can send anything.
    """
    errors = {}
    for name, field in form.fields.items():
        if name not in data or data[name] is None:
            continue
        value = data[name]
        if isinstance(field, forms.ModelMultipleChoiceField):
            ok = isinstance(value, list) and all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in value)
            expected = _("a list of ids")
        elif isinstance(field, forms.MultipleChoiceField) or getattr(field, "accepts_list", False):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            if getattr(field, "accepts_list", False):
                ok = ok or isinstance(value, str)
            expected = getattr(field, "expected_type", None) or _("a list of codes")
        elif isinstance(field, forms.ModelChoiceField):
            ok = isinstance(value, (int, str)) and not isinstance(value, bool)
            expected = _("an id")
        elif isinstance(field, forms.NullBooleanField):
            ok = isinstance(value, (bool, str))
            expected = _("true or false")
        elif isinstance(field, forms.BooleanField):
            # Django reads any text but "false"/"0" as yes: "no" or "拒绝" would waive a hearing or give consent.
            # From JSON only true/false, or the words a form sends for them.
            ok = isinstance(value, bool) or (isinstance(value, str) and value.strip().lower() in BOOLEAN_WORDS)
            expected = _("true or false")
        elif isinstance(field, forms.DecimalField):
            ok = isinstance(value, (int, float, str)) and not isinstance(value, bool)
            expected = _("a number")
        elif isinstance(field, forms.DateField):
            ok = isinstance(value, (str, datetime.date))  # ISO text from JSON, a date from Python callers
            expected = _("a date as YYYY-MM-DD")
        else:  # text, choices
            ok = isinstance(value, str)
            expected = _("a string")
        if not ok:
            # each language whole ("中文 / English"), as every other refusal (workflows.errors.bilingual)
            errors[name] = [bilingual(Message(TYPE_MESSAGE, expected=expected))]
    return errors


class TransitionForm(BoundedTextForm, forms.Form):
    """Base of every transition's input form; a transition with no fields uses it as is. Its free-text fields
    are bounded (workflows.text_limits), in the UI and the API alike."""

    def __init__(self, *args, flow=None, **kwargs):
        self.flow = flow
        super().__init__(*args, **kwargs)


class _ErrorText:
    def __init__(self, error):
        self.error = error

    def __str__(self):
        message = self.error.message
        # Apply the parameters before str(): a lazy plural message picks its form from them.
        return str(message % self.error.params if self.error.params else message)


def form_errors(form) -> dict:
    """Field → messages, each in Chinese and English."""
    return {
        field: [bilingual(_ErrorText(error)) for error in errors]
        for field, errors in form.errors.as_data().items()
    }
