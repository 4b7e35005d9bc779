from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    """人民调解 (人民调解法; DESIGN §11, CONTRACT §8): committees, mediators, consent, agreement, performance and
    the 30-day judicial-confirmation window."""

    name = "mediation"
    verbose_name = _("People's mediation")

    def ready(self):
        from workflows.services import register_process

        from .documents import register as register_documents
        from .flows import MediationFlow
        from .forms import MEDIATION_TRANSITION_FORMS
        from .models import Mediation

        register_process("mediation", Mediation, MediationFlow, MEDIATION_TRANSITION_FORMS)
        register_documents()
