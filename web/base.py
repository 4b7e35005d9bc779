"""What every web page of lawflow shares (review, cases, notifications and whatever comes): login, viewflow's
menu, and how a refusal of a service is shown beside the fields of the form it came from."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.forms.utils import ErrorDict
from django.template.response import TemplateResponse

from workflows.errors import Refusal, in_active_language
from workflows.forms import MAX_ID  # noqa: F401 - an id in a URL beyond it is a 404, not an overflow

PAGE_SIZE = 25  # rows per page of a list


class PageMixin(LoginRequiredMixin):
    """Login required; puts the viewflow site, app and viewset on the request (what viewflow's
    SiteMiddleware does) so the Material base template draws the menu and the title."""

    def dispatch(self, request, *args, **kwargs):
        match = request.resolver_match
        for name, value in getattr(getattr(match, "url_name", None), "extra", {}).items():
            setattr(match, name, value)
        return super().dispatch(request, *args, **kwargs)

    def render(self, template, context, status=200):
        return TemplateResponse(self.request, template, context, status=status)


def error_status(request, status: int) -> int:
    """Turbo (viewflow's page navigation) renders a re-displayed form only from a 4xx answer and stops
    navigating after any 4xx but 422, its convention for "form with errors"; plain clients get the
    refusal's own status (400, 403, 404, 409)."""
    return 422 if request.headers.get("X-Request-Framework") == "Turbo" else status


def single_values(querydict, form=None) -> dict:
    """request.POST as a plain dict, the shape the API passes to fire_transition: single values, and a list for
    each multiple-choice field of `form` (e.g. a case's officers)."""
    multiple = {name for name, field in (form.fields.items() if form is not None else ())
                if getattr(field.widget, "allow_multiple_selected", False)}
    return {key: querydict.getlist(key) if key in multiple else querydict.get(key)
            for key in querydict if key != "csrfmiddlewaretoken"}


def show_refusal(form, refusal: Refusal):
    """Put the refusal's field messages beside the fields of a bound form, in the page's language only (the API's
    messages carry both languages)."""
    form._errors = ErrorDict()  # only the service's verdict, not a second validation here
    form.cleaned_data = {}
    for field, field_messages in (refusal.fields or {}).items():
        form.add_error(field if field in form.fields else None,
                       [in_active_language(message) for message in field_messages])
    return form
