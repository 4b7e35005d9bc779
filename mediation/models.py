"""The data of the mediation app (models stay data: no services, pages or flows imported here).

People's mediation (人民调解) under 人民调解法 (2010): the committees (one per village and one for the town, Art 8),
the register of mediators (Art 13-14), the mediations with their parties, work records (Art 27) and agreements
(Art 28-30). The rules live in mediation.flows (MediationFlow) and mediation.services.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.masking import MaskedPersonalData
from workflows.owned import FlowOwnedFields


class MediationCommittee(models.Model):
    """人民调解委员会 (Art 8: villagers' committees set up people's mediation committees; a town may set up one
    too). One per village, and one for the town (`village` empty, `level` town)."""

    class Level(models.TextChoices):
        VILLAGE = "village", _("Village committee")
        TOWN = "town", _("Town committee")

    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.VILLAGE)
    village = models.OneToOneField("cases.Village", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="mediation_committee", verbose_name=_("village"))

    class Meta:
        ordering = ["-level", "village__code", "name"]
        verbose_name = _("people's mediation committee")
        verbose_name_plural = _("people's mediation committees")
        constraints = [
            models.UniqueConstraint(fields=["level"], condition=models.Q(level="town"), name="one_town_committee"),
            models.CheckConstraint(
                condition=models.Q(level="town", village__isnull=True) | models.Q(level="village",
                                                                                  village__isnull=False),
                name="committee_level_matches_village"),
        ]

    def __str__(self):
        return self.name


class Mediator(models.Model):
    """A people's mediator (人民调解员, Art 13-14) on the town's register: of one committee; optionally a user of
    this system with the role `mediator` (then they see and act on their committee's mediations)."""

    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    committee = models.ForeignKey(MediationCommittee, on_delete=models.PROTECT, related_name="mediators",
                                  verbose_name=_("committee"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="mediator", verbose_name=_("user account"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["committee__village__code", "name"]
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")

    def __str__(self):
        return f"{self.name}（{self.committee}）"


class MediationState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    MEDIATING = "mediating", _("Mediating")
    AGREED = "agreed", _("Agreement reached")
    FAILED = "failed", _("Mediation failed")
    CONFIRMED = "confirmed", _("Judicially confirmed")
    CLOSED = "closed", _("Closed")


class Mediation(FlowOwnedFields, models.Model):
    """One dispute brought to a people's mediation committee (调解登记)."""

    # Set by MediationFlow's transitions only (workflows.owned).
    FLOW_OWNED_FIELDS = (
        "state", "consent_note", "started_on", "facts", "responsibilities", "terms", "performance_manner",
        "performance_due_on", "oral", "agreed_on", "effective_on", "failed_on", "failure_reason", "routes_told",
        "confirmation_court", "confirmation_applied_on", "confirmation_ruled_on", "confirmation_ruling_number",
        "performed_on", "performance_note", "closed_on",
    )

    class Source(models.TextChoices):
        # 人民调解法 Art 17: on the parties' application, or the committee on its own initiative; a referral from a
        # court, a public-security organ or another body (诉前/警民联调委派); from a petition or an enforcement case.
        APPLICATION = "application", _("Application by a party")
        REFERRAL = "referral", _("Referral")
        OWN_INITIATIVE = "own_initiative", _("Committee's own initiative")
        PETITION = "petition", _("Petition")
        CASE = "case", _("Enforcement case")

    class DisputeType(models.TextChoices):
        NEIGHBOUR = "neighbour", _("Neighbours")
        FAMILY = "family", _("Marriage and family")
        LAND = "land", _("Land and homestead")
        CONTRACT = "contract", _("Contract and debt")
        DAMAGE = "damage", _("Damage and injury")
        LABOUR = "labour", _("Wages and labour")
        OTHER = "other", _("Other")

    class Route(models.TextChoices):
        # Art 26: 告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利.
        ARBITRATION = "arbitration", _("Arbitration")
        ADMINISTRATIVE = "administrative", _("Administrative handling")
        COURT = "court", _("Lawsuit in court")

    number = models.CharField(_("registration number"), max_length=50, unique=True, null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=MediationState.choices,
                             default=MediationState.REGISTERED, db_index=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    referred_by = models.CharField(_("referred by"), max_length=200, blank=True)
    petition = models.ForeignKey("petitions.Petition", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="mediations", verbose_name=_("petition"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="mediations", verbose_name=_("enforcement case"))
    # A violation the mediation revealed, reported as a new enforcement case (cases.services.create_case).
    reported_case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="reporting_mediations", verbose_name=_("reported case"))
    village = models.ForeignKey("cases.Village", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="mediations", verbose_name=_("village"),
                                help_text=_("Empty: the dispute concerns the town."))
    committee = models.ForeignKey(MediationCommittee, on_delete=models.PROTECT, related_name="mediations",
                                  verbose_name=_("committee"))
    dispute_type = models.CharField(_("kind of dispute"), max_length=20, choices=DisputeType.choices)
    summary = models.TextField(_("summary of the dispute"))
    registered_on = models.DateField(_("registered on"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("registered by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    mediators = models.ManyToManyField(Mediator, blank=True, related_name="mediations",
                                       verbose_name=_("mediators"))
    consent_note = models.TextField(_("how the parties consented"), blank=True)
    started_on = models.DateField(_("mediation started on"), null=True, blank=True)
    # The agreement (Art 28-30).
    facts = models.TextField(_("facts and disputed matters"), blank=True)
    responsibilities = models.TextField(_("each party's responsibility"), blank=True)
    terms = models.TextField(_("terms agreed"), blank=True)
    performance_manner = models.TextField(_("manner of performance"), blank=True)
    performance_due_on = models.DateField(_("performance due on"), null=True, blank=True)
    oral = models.BooleanField(_("oral agreement"), default=False)
    agreed_on = models.DateField(_("agreement reached on"), null=True, blank=True)
    effective_on = models.DateField(_("agreement effective on"), null=True, blank=True)
    failed_on = models.DateField(_("mediation ended without agreement on"), null=True, blank=True)
    failure_reason = models.TextField(_("why no agreement"), blank=True)
    routes_told = models.JSONField(_("routes told to the parties"), default=list, blank=True)
    # Judicial confirmation (Art 33).
    confirmation_court = models.CharField(_("court"), max_length=100, blank=True)
    confirmation_applied_on = models.DateField(_("confirmation applied for on"), null=True, blank=True)
    confirmation_ruled_on = models.DateField(_("ruling given on"), null=True, blank=True)
    confirmation_ruling_number = models.CharField(_("ruling number"), max_length=100, blank=True)
    # Performance (Art 31).
    # Set by the follow-up that found the agreement performed in full (the follow-ups: PerformanceFollowUp).
    performed_on = models.DateField(_("performed in full on"), null=True, blank=True)
    performance_note = models.TextField(_("latest performance follow-up"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def title(self) -> str:
        """How a list, an inbox row or a reminder names the mediation."""
        names = "、".join(p.name for p in self.parties.all()[:3])
        return f"{names}：{self.get_dispute_type_display()}" if names else str(self.get_dispute_type_display())

    def page_path(self) -> str:
        """The path of the mediation's page on this site (inbox rows, reminders, messages link to it)."""
        return reverse("mediation:mediations:detail", args=[self.pk])

    def deadline_recipients(self, role):
        """Who a deadline of this mediation reminds for `role` (notifications.reminders): for the mediator role,
        the mediators of this mediation who have an account, else those of its committee; None for other roles."""
        if role != "mediator":
            return None
        # Only mediators still on the register (active): one struck off no longer opens the mediation (Art 13-14).
        # A reminder sweep prefetches the mediators (and their users) of a whole batch of mediations
        # (notifications.reminder_texts.OBJECT_LOADING): then they are read from memory, not queried again.
        users = [m.user for m in _mediators(self) if m.active and m.user_id and m.user.is_active]
        if not users:
            users = [m.user for m in _mediators(self.committee) if m.active and m.user_id and m.user.is_active]
        return users


def _mediators(owner):
    """The mediators of a mediation or committee with their users: the prefetched ones when a batch loaded them."""
    if "mediators" in getattr(owner, "_prefetched_objects_cache", {}):
        return owner.mediators.all()
    return owner.mediators.filter(active=True).select_related("user")


class MediationParty(MaskedPersonalData, models.Model):
    """A party to the dispute, with the details a written agreement names (Art 29 (1): 当事人的基本情况)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Natural person")
        ORG = "org", _("Organisation")

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=10, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("party to the mediation")
        verbose_name_plural = _("parties to the mediation")

    def __str__(self):
        return self.name


class WorkRecord(models.Model):
    """调解工作记录 (Art 27: the mediator records the mediation; the committee keeps the file)."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="work_records")
    held_on = models.DateField(_("mediated on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    present = models.CharField(_("present"), max_length=300, blank=True)
    content = models.TextField(_("what was done and said"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("mediation work record")
        verbose_name_plural = _("mediation work records")


class PerformanceFollowUp(models.Model):
    """A follow-up of the agreement's performance (人民调解法 Art 31: the committee supervises the performance and
    urges the parties to perform): the day of the visit or call, what was found, and whether the agreement is now
    performed in full or a party refuses to perform (then the parties are told the routes: Art 32 lets a party sue
    over the agreement, and a confirmed agreement goes to the court for enforcement, Art 33 ¶2). One row per
    follow-up, in the order they happened; written by MediationFlow.record_performance only."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="follow_ups")
    followed_up_on = models.DateField(_("date of the follow-up"))
    findings = models.TextField(_("what was found"))
    fully_performed = models.BooleanField(_("performed in full"), default=False)
    refused = models.BooleanField(_("a party refuses to perform"), default=False)
    routes_told = models.JSONField(_("routes told to the parties"), default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["followed_up_on", "id"]
        verbose_name = _("performance follow-up")
        verbose_name_plural = _("performance follow-ups")
        constraints = [models.CheckConstraint(condition=~models.Q(fully_performed=True, refused=True),
                                              name="follow_up_performed_or_refused")]
