from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    """信访 (信访工作条例 2022; DESIGN §11, CONTRACT §8): registration, acceptance, village-first handling,
    the 信访处理意见书, review and re-review requests."""

    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self):
        from workflows.services import register_process

        from .documents import register as register_documents
        from .flows import PetitionFlow
        from .forms import PETITION_TRANSITION_FORMS
        from .models import Petition

        register_process("petition", Petition, PetitionFlow, PETITION_TRANSITION_FORMS)
        register_documents()
