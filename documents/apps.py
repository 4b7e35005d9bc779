from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Documents (文书), attachments (evidence) and the case file (DESIGN §10, CONTRACT §6).

    The machinery only: each app that owns objects registers them and its document kinds in its own
    `ready()` (see `documents.registry`), so this app depends on no app above it.
    """

    name = "documents"
    verbose_name = _("Documents and evidence")

    def ready(self):
        # verify_audit (a core command) re-hashes the attachments' stored files through this verifier.
        from workflows.audit import register_verifier

        from . import attachment_admin  # noqa: F401 - registers the read-only attachment listing
        from .attachments import verify_files

        register_verifier(verify_files)
