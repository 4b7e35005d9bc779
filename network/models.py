"""The data of the network app (models stay data: no services, pages or flows imported here).

The town's legal network (DESIGN §11, CONTRACT §8): the village legal advisers (一村（社区）一法律顾问) with their
contract periods, the 法律明白人 of each village, and the activity log of study sessions, trainings, publicity,
lectures and performances (photos are attachments of the documents app, owner `activities`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Village


class LegalAdviser(models.Model):
    """A village legal adviser (村法律顾问): a lawyer under contract with the town for one village. The contract
    covers `contract_start` to `contract_end`, both days included."""

    village = models.ForeignKey(Village, verbose_name=_("village"), on_delete=models.PROTECT,
                                related_name="legal_advisers")
    name = models.CharField(_("name"), max_length=50)
    firm = models.CharField(_("law firm"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    contract_start = models.DateField(_("contract start"))
    contract_end = models.DateField(_("contract end"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["village__code", "village__name", "-contract_start"]
        verbose_name = _("village legal adviser")
        verbose_name_plural = _("village legal advisers")

    def __str__(self):
        return f"{self.village} · {self.name}"

    def covers(self, day) -> bool:
        """Whether the contract runs on `day` (both ends included)."""
        return self.contract_start <= day <= self.contract_end


class LegalLiterate(models.Model):
    """A 法律明白人 of a village: a villager trained to explain the law to neighbours (中央宣传部、司法部等
    《关于开展“乡村（社区）法律明白人”培养工作的意见》, 2021); `trained_on` the day of the training, if known."""

    village = models.ForeignKey(Village, verbose_name=_("village"), on_delete=models.PROTECT,
                                related_name="legal_literates")
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    trained_on = models.DateField(_("trained on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["village__code", "village__name", "name", "pk"]
        verbose_name = _("legal literate (法律明白人)")
        verbose_name_plural = _("legal literates (法律明白人)")

    def __str__(self):
        return f"{self.village} · {self.name}"


class ActivityKind(models.TextChoices):
    # 会议研究部署法治建设工作: a meeting of the Party committee or the government that studied or planned the
    # rule-of-law work (the annual report counts them, 厅字〔2019〕28号's first item on the heads' duty).
    MEETING = "meeting", _("Meeting on rule-of-law work")
    STUDY = "study", _("Study session")
    TRAINING = "training", _("Legal training")
    PUBLICITY = "publicity", _("Publicity campaign")
    LECTURE = "lecture", _("Lecture")
    PERFORMANCE = "performance", _("Performance")
    OTHER = "other", _("Other")


class Activity(models.Model):
    """One activity of the town's rule-of-law work: a study session of the Party committee's theory group
    (理论中心组学法), a training, a publicity campaign (宪法日 12-04, 禁毒日 06-26 …), a lecture or a performance.
    `village` null: held by the town itself. Photos are attachments (owner `activities`)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    village = models.ForeignKey(Village, verbose_name=_("village"), on_delete=models.PROTECT, null=True, blank=True,
                                related_name="activities")
    attendance = models.PositiveIntegerField(_("attendance"), default=0)
    campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["held_on", "kind"])]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"
