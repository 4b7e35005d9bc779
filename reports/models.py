"""The data of the reports app (models stay data: no services, pages or flows imported here).

An `AnnualReport` is one year's report of one kind: the 法治政府建设年度报告 (厅字〔2019〕28号) or the 行政执法统计年报
(国办发〔2018〕118号). Its figures are never stored: they are computed from the data each time (reports.figures,
reports.statistics); what is kept is what a person writes (the narrative parts, per year) and when the report was
submitted and published, which close its deadlines (report.rule_of_law_submit, report.rule_of_law_publish,
report.statistics_publish). A `Circular` is one weekly supervision circular (执法监督通报) of the judicial office.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

#: The narrative parts a person writes, per kind of report, in the order the report prints them. The five items
#: of a 法治政府建设年度报告 (厅字〔2019〕28号; the seed puts the heads' duty first, as most township reports do);
#: the 情况说明 beside the tables of a 行政执法统计年报 (国办发〔2018〕118号).
NARRATIVE_PARTS = {
    "rule_of_law": {
        "duty": _("How the Party and government heads performed their duty as first responsible person"),
        "measures": _("Main measures and results"),
        "shortcomings": _("Shortcomings and their causes"),
        "plans": _("Plans for the next year"),
        "other": _("Other matters to report"),
    },
    "statistics": {
        "explanation": _("Explanatory notes"),
    },
}


class AnnualReport(models.Model):
    class Kind(models.TextChoices):
        RULE_OF_LAW = "rule_of_law", _("Annual report on building a rule-of-law government")
        STATISTICS = "statistics", _("Annual enforcement statistics")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    # The narrative parts a person writes, by part key (e.g. {"shortcomings": "…", "plans": "…"}); the figures
    # are computed, never typed.
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="one_report_per_kind_and_year")]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}"

    def page_path(self) -> str:
        """The path of the report's page on this site."""
        name = "reports:rule_of_law" if self.kind == self.Kind.RULE_OF_LAW else "reports:statistics"
        return reverse(name, args=[self.year])


class Circular(models.Model):
    """A weekly enforcement supervision circular (执法监督通报) for the week starting `week_start` (a Monday):
    the figures of that week as they stood when it was issued (`figures`, kept so that the issued document does
    not change afterwards), numbered as a document when issued (documents machinery)."""

    week_start = models.DateField(_("week starting"), unique=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                  blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("supervision circular")
        verbose_name_plural = _("supervision circulars")

    def __str__(self):
        return f"{self.week_start:%Y-%m-%d}"

    def page_path(self) -> str:
        """The path of the circular's page on this site."""
        return reverse("reports:circular", args=[self.pk])
