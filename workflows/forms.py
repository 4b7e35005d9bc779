from django import forms

from .errors import bilingual


class TransitionForm(forms.Form):
    """Base of every transition's input form; a transition with no fields uses it as is."""

    def __init__(self, *args, flow=None, **kwargs):
        self.flow = flow
        super().__init__(*args, **kwargs)


class _ErrorText:
    def __init__(self, error):
        self.error = error

    def __str__(self):
        message = str(self.error.message)
        return message % self.error.params if self.error.params else message


def form_errors(form) -> dict:
    """Field → messages, each in Chinese and English."""
    return {
        field: [bilingual(_ErrorText(error)) for error in errors]
        for field, errors in form.errors.as_data().items()
    }
