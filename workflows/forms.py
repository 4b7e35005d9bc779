from django import forms
from django.utils.translation import gettext_lazy as _

from .errors import bilingual

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


class TransitionForm(forms.Form):
    """Base of every transition's input form; a transition with no fields uses it as is."""

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
