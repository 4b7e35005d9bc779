from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Major decisions and legality review")

    def ready(self):
        from workflows.services import register_process

        from .flows import DecisionFlow, MeetingFlow
        from .forms import DECISION_TRANSITION_FORMS, MEETING_TRANSITION_FORMS
        from .models import Decision, Meeting

        register_process("decision", Decision, DecisionFlow, DECISION_TRANSITION_FORMS)
        register_process("meeting", Meeting, MeetingFlow, MEETING_TRANSITION_FORMS)

        from .documents import register as register_documents

        register_documents()
