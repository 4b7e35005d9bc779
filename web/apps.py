from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Installed so that Django finds web/templates/ and web/templatetags/; it has no models."""

    name = "web"
    verbose_name = _("Web pages")
