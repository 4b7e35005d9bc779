from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Deadlines and notifications")

    def ready(self):
        from workflows.services import register_transition_scope

        from .deadlines import bookkeeping

        # One calendar load and one read of the rule table per transition (issue 18).
        register_transition_scope(bookkeeping)
