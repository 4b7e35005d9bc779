"""What every web UI page of lawflow shares (review, cases, notifications)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.template.response import TemplateResponse


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
