from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The year's reports from the data (法治政府建设年度报告, 行政执法统计年报), enforcement supervision for the
    judicial office (行政执法监督条例) and its weekly circular (DESIGN §12, CONTRACT §9). It reads every app below it
    and is read by none."""

    name = "reports"
    verbose_name = _("Reports and supervision")

    def ready(self):
        from .documents import register as register_documents

        register_documents()
        # --- supervision (issue 16 item 3): the weekly circular as a document kind ---------------------------
        from . import circulars

        circulars.register()
        # --- end supervision ------------------------------------------------------------------------------------
