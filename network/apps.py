from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """The town's legal network (DESIGN §11, CONTRACT §8): village legal advisers (一村一法律顾问), 法律明白人 and
    the activity log of study sessions, trainings, publicity, lectures and performances."""

    name = "network"
    verbose_name = _("Legal network")

    def ready(self):
        from .documents import register as register_documents

        register_documents()
