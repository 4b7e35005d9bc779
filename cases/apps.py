from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Enforcement cases")

    def ready(self):
        from workflows.services import register_process

        from .flows import CaseFlow
        from .forms import CASE_TRANSITION_FORMS
        from .models import Case

        register_process("case", Case, CaseFlow, CASE_TRANSITION_FORMS)

        from .documents import register as register_documents

        register_documents()
