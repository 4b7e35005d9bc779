"""The data of the petitions app (models stay data: no services, pages or flows imported here).

Petitions (信访) under 信访工作条例 (2022); the rules live in petitions.flows (PetitionFlow) and petitions.services.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from workflows.masking import MaskedPersonalData
from workflows.owned import FlowOwnedFields

# 信访工作条例 Art 19 (statute): several petitioners presenting the same matter in person choose representatives,
# no more than five.
MAX_GROUP_REPRESENTATIVES = 5


def next_higher_organ() -> str:
    """The organ that decides a 复查 of the town's answer (条例 Art 35 ¶1, statute): the county's people's
    government, the township's next-higher administrative organ, named from settings.COUNTY_NAME."""
    return f"{settings.COUNTY_NAME}人民政府"


class PetitionState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    FORWARDED = "forwarded", _("Forwarded")
    AT_VILLAGE = "at_village", _("At the village")
    HANDLING = "handling", _("Being handled by the town")
    REPLIED = "replied", _("Replied")
    REVIEW_REQUESTED = "review_requested", _("Review requested")
    REVIEWED = "reviewed", _("Reviewed")
    CLOSED = "closed", pgettext_lazy("petition state", "Closed")


class Petition(FlowOwnedFields, models.Model):
    """A petition (信访事项) as registered by the petition office, from any channel (条例 Art 17)."""

    # Set by PetitionFlow's transitions only (workflows.owned): a plain save() leaves them alone.
    FLOW_OWNED_FIELDS = (
        "number", "state", "accepted_on", "decline_reason", "forwarded_to", "forwarded_on", "sent_to_village_on",
        "village_mediator", "escalated_on", "escalation_reason", "opinion", "result", "replied_on", "served_on", "replied_by", "closed_on",
        "close_reason", "final",
    )

    class Channel(models.TextChoices):
        # 条例 Art 17: letters, e-mail/online, fax, telephone, visits (走访).
        VISIT = "visit", _("Visit in person")
        LETTER = "letter", _("Letter")
        PHONE = "phone", _("Telephone")
        ONLINE = "online", _("Online")
        HOTLINE = "hotline", _("Hotline (12345)")

    class Result(models.TextChoices):
        # 条例 Art 32: 支持 / 解释说明 (予以解释) / 不予支持.
        SUPPORT = "support", _("Supported")
        EXPLAIN = "explain", _("Explained")
        NOT_SUPPORT = "not_support", _("Not supported")

    number = models.CharField(_("registration number"), max_length=50, null=True, blank=True, unique=True)
    state = models.CharField(_("state"), max_length=20, choices=PetitionState.choices,
                             default=PetitionState.RECEIVED, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    group_visit = models.BooleanField(_("group visit"), default=False)
    village = models.ForeignKey("cases.Village", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="petitions", verbose_name=_("village"),
                                help_text=_("Empty: the matter concerns the town."))
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    received_on = models.DateField(_("received on"))
    repeat_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="repeats",
                                  verbose_name=_("repeat of the petition"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("registered by"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for not accepting"), blank=True)
    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True)
    sent_to_village_on = models.DateField(_("sent to the village on"), null=True, blank=True)
    # Village first (条例 Art 15, local practice): the village's mediator who handles it there, if named.
    village_mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="village_petitions", verbose_name=_("village mediator"))
    escalated_on = models.DateField(_("escalated to the town on"), null=True, blank=True)
    escalation_reason = models.TextField(_("why the village could not resolve it"), blank=True)
    opinion = models.TextField(_("handling opinion"), blank=True)
    result = models.CharField(_("result"), max_length=15, choices=Result.choices, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    # 条例 Art 35 ¶1 (statute): the petitioner's 30 days run from receiving the written answer (收到书面答复之日).
    served_on = models.DateField(_("answer received by the petitioner on"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("replied by"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.TextField(_("closing note"), blank=True)
    # 条例 Art 36 ¶3: after the re-review (复核) the matter is final; the same facts are not accepted again.
    final = models.BooleanField(_("final (re-reviewed)"), default=False)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")

    def __str__(self):
        return self.number or self.subject

    def page_path(self) -> str:
        """The path of the petition's page on this site (inbox rows, reminders, messages link to it)."""
        return reverse("petitions:petitions:detail", args=[self.pk])

    @property
    def title(self) -> str:
        return self.subject

    def deadline_recipients(self, role):
        """Who answers for this petition's deadlines in `role` (notifications.reminders and .adjustments ask):
        for the mediator role (the village period, 条例 Art 15) only the village mediator it was sent to — none
        when the village handles it without one named (the petition office, the rule's escalation role, follows it
        up); None for the other roles (everyone holding the role)."""
        if role != "mediator":
            return None
        mediator = self.village_mediator
        return [mediator] if mediator is not None and mediator.is_active else []


class Petitioner(MaskedPersonalData, models.Model):
    """A petitioner, or for a group visit one of its representatives (条例 Art 19: at most five)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="petitioners",
                                 verbose_name=_("petition"))
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")

    def __str__(self):
        return self.name


class PetitionReview(models.Model):
    """A request for review (复查, round 1) or re-review (复核, round 2) of the answer, made by the petitioner to
    the next-higher organ (条例 Art 35–36), and that organ's answer once recorded."""

    class Round(models.IntegerChoices):
        REVIEW = 1, _("Review (复查)")
        RE_REVIEW = 2, _("Re-review (复核)")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="reviews",
                                 verbose_name=_("petition"))
    round = models.PositiveSmallIntegerField(_("round"), choices=Round.choices)
    requested_on = models.DateField(_("requested on"))
    request = models.TextField(_("the petitioner's request"), blank=True)
    organ = models.CharField(_("reviewing organ"), max_length=200)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("the organ's answer"), blank=True)
    # 条例 Art 36 ¶1 (statute): the 30 days for 复核 run from receiving the 复查意见.
    served_on = models.DateField(_("answer received by the petitioner on"), null=True, blank=True)
    class Decision(models.TextChoices):
        # The reviewing organ upholds, revokes or changes the answer it reviews (复查/复核意见: 维持 / 撤销 / 变更).
        UPHELD = "upheld", _("Upheld")
        REVOKED = "revoked", pgettext_lazy("petition review", "Revoked")
        CHANGED = "changed", _("Changed")

    # Before migration 0004 the answer was recorded with the reply's results; kept for those records.
    result = models.CharField(_("result"), max_length=15, choices=Petition.Result.choices, blank=True)
    decision = models.CharField(_("the organ's decision"), max_length=10, choices=Decision.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["petition", "round"], name="petition_review_round_once")]
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
