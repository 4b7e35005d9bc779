"""Enforcement cases of the comprehensive administrative enforcement brigade (综合行政执法大队).

Models are data; the rules C1–C9 (DESIGN §3) live in cases.flows (CaseFlow) and cases.services.
Statute: 行政处罚法 (2021) unless named otherwise.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from workflows.masking import MaskedPersonalData
from workflows.owned import FlowOwnedFields


class OfficerCertificate(models.Model):
    """An administrative enforcement certificate (行政执法证件); 处罚法 Art 42: officers hold one."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates",
                                verbose_name=_("officer"))
    number = models.CharField(_("certificate number"), max_length=50, unique=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)

    class Meta:
        ordering = ["-expires_on", "-id"]
        verbose_name = _("enforcement certificate")
        verbose_name_plural = _("enforcement certificates")

    def __str__(self):
        return f"{self.number}（{self.officer}）"

    def valid_on(self, day: datetime.date) -> bool:
        if self.issued_on and day < self.issued_on:
            return False
        if self.revoked_on and self.revoked_on <= day:
            return False
        return day <= self.expires_on


class Village(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.CharField(_("code"), max_length=20, blank=True)

    class Meta:
        ordering = ["code", "name"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")

    def __str__(self):
        return self.name


class ViolationType(models.Model):
    """One entry of the township's empowered list (赋权事项) with its discretion standard (裁量基准)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    legal_basis = models.TextField(_("legal basis"))
    fine_min = models.DecimalField(_("minimum fine (yuan)"), max_digits=12, decimal_places=2, default=0)
    fine_max = models.DecimalField(_("maximum fine (yuan)"), max_digits=12, decimal_places=2)
    # 处罚法 Art 63 ¶1(1)(2): a fine (or a confiscation) from this amount up entitles the party to request a hearing.
    # 较大数额 is set by each province (local): one threshold for a person, one for an organisation.
    hearing_threshold = models.DecimalField(_("hearing threshold for a person (yuan)"), max_digits=12,
                                            decimal_places=2)
    hearing_threshold_org = models.DecimalField(
        _("hearing threshold for an organisation (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
        help_text=_("Empty: the person's threshold applies (the province's figure should be entered)."))
    mediable = models.BooleanField(_("mediable (a civil dispute lies under it)"), default=False)
    # 处罚法 Art 36: 2 years, 5 where the case touches life, health or financial safety with harmful effects. That
    # is a fact of the case (Case.harm_to_life_health_or_finance), not of the type: this value only suggests it.
    limitation_years = models.PositiveSmallIntegerField(_("limitation period (years)"), default=2)
    active = models.BooleanField(_("active"), default=True)
    # 处罚法 Art 48 ¶1: the province's list of decisions with social impact (local practice), per type
    # (cases.publicity.publicity_required; settings PUBLICITY_* hold the rest of the list).
    publicity_required = models.BooleanField(_("decisions always made public (social impact)"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("violation type")
        verbose_name_plural = _("violation types")

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def hearing_threshold_person(self):
        return self.hearing_threshold

    def hearing_threshold_for(self, party_kind: str):
        """Art 63 ¶1(1): 较大数额 for this party's kind (an organisation's falls back to a person's when unset)."""
        if party_kind == Party.Kind.ORG and self.hearing_threshold_org is not None:
            return self.hearing_threshold_org
        return self.hearing_threshold


class Party(MaskedPersonalData, models.Model):
    """The party (当事人): a person or an organisation."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORG = "org", _("Organisation")

    class Capacity(models.TextChoices):
        """处罚法 Art 31: a person with a mental illness or an intellectual disability."""
        FULL = "full", _("Full capacity")
        NONE_AT_THE_TIME = "none_at_the_time", _("Could not recognise or control their conduct at the time")
        LIMITED = "limited", _("Had not wholly lost the ability to recognise or control their conduct")

    class CapacityBasis(models.TextChoices):
        MENTAL_ILLNESS = "mental_illness", _("Mental illness")
        INTELLECTUAL_DISABILITY = "intellectual_disability", _("Intellectual disability")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("ID number / unified social credit code"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Art 30: the age at the violation. Stored; when not given it is derived from a resident ID number (digits
    # 7–14, GB 11643) as the party is registered (cases.services.validate_party; migration 0002 for old rows).
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    capacity = models.CharField(_("capacity"), max_length=20, choices=Capacity.choices, default=Capacity.FULL)
    capacity_basis = models.CharField(_("basis of the reduced capacity"), max_length=30,
                                      choices=CapacityBasis.choices, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        return self.name


class CaseState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    NOT_FILED = "not_filed", _("Not filed")
    INVESTIGATING = "investigating", _("Investigating")
    MEDIATING = "mediating", _("Mediating")
    NOTIFIED = "notified", _("Party notified")
    HEARING = "hearing", _("Hearing")
    LEGAL_REVIEW = "legal_review", _("Legal review")
    DECIDING = "deciding", _("Awaiting decision")
    DECIDED = "decided", _("Decided")
    SERVED = "served", _("Served")
    DEMANDED = "demanded", _("Payment demanded")  # 催告 (行政强制法 Art 54)
    COURT_ENFORCEMENT = "court_enforcement", _("Court enforcement applied for")  # 行政强制法 Art 53
    EXECUTED = "executed", _("Executed")
    CLOSED = "closed", _("Closed")
    TRANSFERRED = "transferred", _("Transferred")


class Case(FlowOwnedFields, models.Model):
    # Everything but the report is set by CaseFlow's transitions (or, under the row lock with update_fields, by
    # cases.services: publicity, a corrected date); a plain save() leaves these alone (workflows.owned).
    FLOW_OWNED_FIELDS = (
        "number", "state", "filed_on", "limitation_override_reason", "decline_reason", "facts", "legal_basis",
        "proposed_fine", "proposed_measures", "proposed_measures_note", "proposed_other_heavy",
        "proposed_confiscation_value", "major", "major_reason", "notified_on", "hearing_eligible",
        "hearing_requested_on", "hearing_at", "hearing_notice_on", "presiding_officer", "hearing_public",
        "hearing_private_reason", "hearing_record", "hearing_record_signed", "hearing_refusal_to_sign",
        "waiver", "waiver_on", "waiver_scope", "waiver_note", "outcome", "fine", "measures", "measures_note",
        "confiscation_value",
        "collective_discussion", "collective_discussion_attendees", "collective_discussion_on",
        "decided_on", "decided_by", "published_on", "publicity_channel", "publicity_withheld_reason",
        "served_on", "service_method",
        "executed_on", "execution_detail", "closing_summary", "transferred_to", "transfer_reason",
        "transferred_on",
        "transfer_received_on", "transfer_receiver", "transfer_receipt_note",
        "proposed_no_penalty_ground", "proposed_no_penalty_reason",
        "mitigation", "mitigation_ground", "no_penalty_ground", "education", "filing_revoked_on", "revoke_reason",
        "procedure", "spot_decided_at", "violation_time", "violation_place", "certificates_shown", "party_statement",
        "refused_to_sign",
        "collected_on_spot", "collection_ground", "collection_reason", "receipt_number", "spot_filed_on",
        "spot_filed_by", "spot_filing_note", "handed_over_on", "handover_bank_receipt", "handover_note",
        "demand_served_on", "demand_method", "demand_amount", "demand_term_until", "demand_party_statement",
        "court_applied_on", "court_name", "court_note", "court_outcome",
        "court_decided_on", "court_result_note", "self_check_score", "self_check_at", "self_check_result",
    )

    class Source(models.TextChoices):
        PATROL = "patrol", _("Patrol")
        COMPLAINT = "complaint", _("Complaint")
        REFERRAL = "referral", _("Referral")
        HOTLINE = "hotline", _("Hotline (12345)")

    class Outcome(models.TextChoices):
        PENALTY = "penalty", _("Penalty")
        NO_PENALTY = "no_penalty", _("No penalty")

    class Mitigation(models.TextChoices):
        """处罚法 Art 30–32: 从轻 stays within the discretion range, 减轻 goes below its minimum."""
        NONE = "none", _("None")
        LIGHTER = "lighter", _("Lighter (within the range)")
        REDUCED = "reduced", _("Reduced (below the minimum)")

    class MitigationGround(models.TextChoices):
        ELIMINATED_HARM = "eliminated_harm", _("Eliminated or lessened the harm on their own initiative (Art 32(1))")
        COERCED = "coerced", _("Coerced or induced by others (Art 32(2))")
        CONFESSED = "confessed", _("Confessed a violation the agency did not know of (Art 32(3))")
        MERITORIOUS = "meritorious", _("Helped the investigation with meritorious conduct (Art 32(4))")
        MINOR = "minor", _("Aged 14 to under 18 at the violation (Art 30)")
        LIMITED_CAPACITY = "limited_capacity", _("Limited capacity: mental illness or intellectual disability (Art 31)")
        OTHER = "other", _("Other ground set by a law, regulation or rule (Art 32(5))")

    class NoPenaltyGround(models.TextChoices):
        FIRST_OFFENCE = "first_offence", _("First violation, minor harm, corrected in time (Art 33 ¶1)")
        MINOR_CORRECTED = "minor_corrected", _("Minor violation corrected in time, no harm (Art 33 ¶1)")
        NO_FAULT = "no_fault", _("No subjective fault (Art 33 ¶2)")
        UNDER_FOURTEEN = "under_fourteen", _("Under fourteen at the violation (Art 30)")
        MENTAL_INCAPACITY = "mental_incapacity", _("Could not recognise or control their conduct (Art 31)")
        FACTS_NOT_ESTABLISHED = "facts_not_established", _("The violation is not established (Art 57 ¶1(3))")
        LIMITATION_EXPIRED = "limitation_expired", _("Not discovered within the limitation period (Art 36)")

    class Procedure(models.TextChoices):
        """处罚法 Art 51–53 简易程序 (on the spot) or the general procedure (Art 54–65)."""
        GENERAL = "general", _("General procedure")
        SIMPLE = "simple", _("Simple procedure (on the spot)")

    class CollectionGround(models.TextChoices):
        """处罚法 Art 68–69: when an officer may collect a fine on the spot."""
        SMALL_AMOUNT = "small_amount", _("A fine of 100 yuan or less (Art 68(1))")
        HARD_TO_PAY_LATER = "hard_to_pay_later", _("Paying at a bank would be really hard (Art 68(2), 69)")
    class CourtOutcome(models.TextChoices):
        """The court's answer to the application (行政强制法 Art 57-58)."""
        ENFORCED = "enforced", _("Enforced")
        REFUSED = "refused", _("Refused (not accepted or not enforced)")
        WITHDRAWN = "withdrawn", _("Application withdrawn")

    class WaiverScope(models.TextChoices):
        STATEMENT = "statement", _("Statement and defence")
        HEARING = "hearing", pgettext_lazy("waiver scope", "Hearing")  # the right, not the state 听证中
        BOTH = "both", _("Statement, defence and hearing")

    number = models.CharField(_("case number"), max_length=50, null=True, blank=True, unique=True)
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices, default=CaseState.REPORTED,
                             db_index=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    description = models.TextField(_("description"))
    village = models.ForeignKey(Village, on_delete=models.PROTECT, verbose_name=_("village"))
    violation_type = models.ForeignKey(ViolationType, on_delete=models.PROTECT, verbose_name=_("violation type"))
    violation_date = models.DateField(_("date of the violation"))
    # Art 36: a continuing or repeated act: the limitation runs from the day it ended.
    violation_ended_on = models.DateField(_("continuing violation ended on"), null=True, blank=True)
    # Art 36: 5 years when the case touches citizens' life and health or financial safety with harmful effects.
    harm_to_life_health_or_finance = models.BooleanField(
        _("touches life, health or financial safety, with harmful effects"), default=False)
    # ... and what that harm was: the record behind the five years (required with the flag).
    harm_description = models.TextField(_("the harm to life, health or financial safety"), blank=True)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="cases", verbose_name=_("party"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("registered by"))
    reported_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="cases", blank=True,
                                      verbose_name=_("case officers"))
    # C2 filing (Art 54)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    limitation_override_reason = models.TextField(_("reason to file past the limitation period"), blank=True)
    decline_reason = models.TextField(_("reason not to file"), blank=True)
    # C4 notice (Art 44, 62-64)
    facts = models.TextField(_("facts"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    proposed_fine = models.DecimalField(_("proposed fine (yuan)"), max_digits=12, decimal_places=2, null=True,
                                        blank=True)
    # Codes of cases.measures (Art 9); `other` is described in the note, which also holds accompanying orders.
    proposed_measures = models.JSONField(_("proposed measures"), default=list, blank=True)
    proposed_measures_note = models.TextField(_("proposed measures: description"), blank=True)
    proposed_other_heavy = models.BooleanField(_("the other penalty is a heavy one (Art 63 ¶1(4))"), default=False)
    proposed_confiscation_value = models.DecimalField(_("value to be confiscated (yuan)"), max_digits=12,
                                                      decimal_places=2, null=True, blank=True)
    major = models.BooleanField(_("major case (legal review required)"), default=False)
    major_reason = models.TextField(_("why major"), blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    hearing_eligible = models.BooleanField(_("party may request a hearing"), default=False)
    hearing_requested_on = models.DateField(_("hearing requested on"), null=True, blank=True)
    # Art 64: the schedule, the presiding officer, publicity of the hearing and the signed record
    hearing_at = models.DateTimeField(_("hearing at"), null=True, blank=True)
    hearing_notice_on = models.DateField(_("party notified of the hearing on"), null=True, blank=True)
    presiding_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("presiding officer"))
    hearing_public = models.BooleanField(_("public hearing"), default=True)
    hearing_private_reason = models.TextField(_("why the hearing is not public"), blank=True)
    hearing_record = models.TextField(_("hearing record"), blank=True)
    hearing_record_signed = models.BooleanField(_("hearing record signed by the participants"), default=False)
    hearing_refusal_to_sign = models.TextField(_("refusal to sign the hearing record"), blank=True)
    # The party's waiver, recorded once on the case (Art 44-45, 63-64)
    waiver = models.BooleanField(_("party waived statement and hearing in writing"), default=False)
    waiver_on = models.DateField(_("waived on"), null=True, blank=True)
    waiver_scope = models.CharField(_("waiver covers"), max_length=10, choices=WaiverScope.choices, blank=True)
    waiver_note = models.TextField(_("waiver note"), blank=True)
    # decision (Art 57-62)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    fine = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    measures = models.JSONField(_("measures"), default=list, blank=True)
    measures_note = models.TextField(_("measures: description"), blank=True)
    # Art 45 ¶2: the decided confiscation's value, at most the notice's proposed_confiscation_value.
    confiscation_value = models.DecimalField(_("value confiscated (yuan)"), max_digits=12, decimal_places=2,
                                             null=True, blank=True)
    # Art 57 ¶2: the conclusion (the text kept as `collective_discussion`), who attended and when
    collective_discussion = models.TextField(_("collective discussion record"), blank=True)
    # Art 30–32: mitigation proposed in the notice (and confirmed or changed by the decision), with its ground.
    mitigation = models.CharField(_("mitigation"), max_length=10, choices=Mitigation.choices, default=Mitigation.NONE)
    mitigation_ground = models.CharField(_("ground for mitigation"), max_length=20, choices=MitigationGround.choices,
                                         blank=True)
    # Art 33 (30, 31, 36, 57): why no penalty, and the education given to the party (Art 33 ¶3).
    no_penalty_ground = models.CharField(_("ground for no penalty"), max_length=30, choices=NoPenaltyGround.choices,
                                         blank=True)
    education = models.TextField(_("education given to the party"), blank=True)
    # 撤销立案: the agency head ends a filed case without a decision on the merits.
    filing_revoked_on = models.DateField(_("filing revoked on"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason to revoke the filing"), blank=True)
    collective_discussion_attendees = models.JSONField(_("collective discussion attendees"), default=list,
                                                       blank=True)
    collective_discussion_on = models.DateField(_("collective discussion held on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    published_on = models.DateField(_("decision made public on"), null=True, blank=True)
    publicity_channel = models.CharField(_("publicity channel"), max_length=200, blank=True)
    publicity_withheld_reason = models.TextField(_("why the decision is not made public"), blank=True)
    served_on = models.DateField(_("served on"), null=True, blank=True)
    service_method = models.CharField(_("method of service"), max_length=100, blank=True)
    executed_on = models.DateField(_("executed on"), null=True, blank=True)
    execution_detail = models.TextField(_("execution"), blank=True)
    # Execution by demand and court (行政强制法 Art 53-54): the written demand (催告书) and the application.
    demand_served_on = models.DateField(_("demand served on"), null=True, blank=True)
    demand_method = models.CharField(_("method of serving the demand"), max_length=100, blank=True)
    # 行政强制法 Art 35 (statute, for the demand before the agency's own enforcement; applied by analogy to the
    # demand of Art 54 before a court application — local practice): the demand states the term (履行义务的期限)
    # and the amount (金额); Art 36: the party may state and defend (陈述、申辩) after receiving it.
    demand_amount = models.DecimalField(_("amount demanded (yuan)"), max_digits=12, decimal_places=2, null=True,
                                        blank=True)
    demand_term_until = models.DateField(_("term of performance in the demand"), null=True, blank=True)
    demand_party_statement = models.TextField(_("the party's statement on the demand"), blank=True)
    court_applied_on = models.DateField(_("applied to the court on"), null=True, blank=True)
    court_name = models.CharField(_("court"), max_length=100, blank=True)
    court_note = models.TextField(_("application note"), blank=True)
    court_outcome = models.CharField(_("court's result"), max_length=10, choices=CourtOutcome.choices, blank=True)
    court_decided_on = models.DateField(_("court decided on"), null=True, blank=True)
    court_result_note = models.TextField(_("court's result: note"), blank=True)
    closing_summary = models.TextField(_("closing summary"), blank=True)
    transferred_to = models.CharField(_("transferred to"), max_length=200, blank=True)
    transfer_reason = models.TextField(_("reason for transfer"), blank=True)
    # The day of the transfer (Art 27; 国务院令第310号 Art 8: the receipt follows it). Cases transferred before it
    # was recorded have none (their receipt is bounded by the report and the filing only).
    transferred_on = models.DateField(_("transferred on"), null=True, blank=True)
    # 简易程序 (处罚法 Art 51–53, 68–71; cases.services.decide_on_the_spot). The case's `number` is then also the
    # number of its 当场处罚决定书 (printed by the documents module, issue 14).
    procedure = models.CharField(_("procedure"), max_length=10, choices=Procedure.choices, default=Procedure.GENERAL)
    spot_decided_at = models.DateTimeField(_("decided on the spot at"), null=True, blank=True)
    # Art 52 (statute): the on-the-spot decision states 违法行为的时间、地点 — the hour and the place of the violation
    violation_time = models.TimeField(_("time of the violation"), null=True, blank=True)
    violation_place = models.CharField(_("place of the violation"), max_length=200, blank=True)
    certificates_shown = models.BooleanField(_("enforcement certificates shown to the party (Art 52)"),
                                             default=False)
    party_statement = models.TextField(_("the party's statement and defence (Art 52)"), blank=True)
    refused_to_sign = models.TextField(_("the party's refusal to sign (Art 52)"), blank=True)
    collected_on_spot = models.BooleanField(_("fine collected on the spot (Art 68–69)"), default=False)
    collection_ground = models.CharField(_("ground for collecting on the spot"), max_length=20,
                                         choices=CollectionGround.choices, blank=True)
    collection_reason = models.TextField(_("why paying at a bank would be really hard"), blank=True)
    receipt_number = models.CharField(_("number of the official fine receipt (Art 70)"), max_length=50, blank=True)
    spot_filed_on = models.DateField(_("on-the-spot decision filed with the agency on (Art 52)"), null=True,
                                     blank=True)
    spot_filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("filed by"))
    spot_filing_note = models.TextField(_("filing note"), blank=True)
    handed_over_on = models.DateField(_("collected fine handed over on (Art 71)"), null=True, blank=True)
    handover_bank_receipt = models.CharField(_("hand-over receipt"), max_length=100, blank=True)
    handover_note = models.TextField(_("hand-over note"), blank=True)
    # Art 27 ¶1; 行政执法机关移送涉嫌犯罪案件的规定 (国务院令第310号) Art 8-9: the receiving body's receipt (回执).
    transfer_received_on = models.DateField(_("transfer received on"), null=True, blank=True)
    transfer_receiver = models.CharField(_("receiving officer"), max_length=100, blank=True)
    transfer_receipt_note = models.TextField(_("receipt note"), blank=True)
    # Art 57 ¶1(2)(3): the officers propose no penalty at the end of the investigation, without a notice.
    proposed_no_penalty_ground = models.CharField(_("proposed ground for no penalty"), max_length=30,
                                                  choices=NoPenaltyGround.choices, blank=True)
    proposed_no_penalty_reason = models.TextField(_("why no penalty is proposed"), blank=True)
    # 案卷评查 (DESIGN §10): the pre-closure self-check as it stood when the case closed (cases.self_check).
    self_check_score = models.PositiveSmallIntegerField(_("self-check score"), null=True, blank=True)
    self_check_at = models.DateTimeField(_("self-checked at"), null=True, blank=True)
    self_check_result = models.JSONField(_("self-check result"), default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        # The cases in a state in id order (issue 18): the inbox reads a state's rows and its first rows by id
        # from this index alone (e.g. the transfers awaiting their receipt, which have no deadline).
        indexes = [models.Index(fields=["state", "id"], name="case_state_id")]
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")

    def __str__(self):
        return self.number or f"{self.violation_type.name} · {self.party.name}"

    def page_path(self) -> str:
        """The path of the case's page on this site (inbox rows, reminders, messages link to it)."""
        return reverse("cases:cases:detail", args=[self.pk])

    @property
    def title(self) -> str:
        return f"{self.violation_type.name} · {self.party.name}"


class InquiryRecord(models.Model):
    """询问笔录: every record names at least two certified officers (C1, 处罚法 Art 42, 55)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="inquiries")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("officers"))
    subject_name = models.CharField(_("person questioned"), max_length=100)
    record = models.TextField(_("record"))
    held_at = models.DateTimeField(_("held at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_at", "id"]
        verbose_name = _("inquiry record")
        verbose_name_plural = _("inquiry records")


class InspectionRecord(models.Model):
    """现场检查（勘验）笔录 (处罚法 Art 55 ¶1, statute: officers show their certificates, at least two, and the record
    is made on the spot; Art 42: two certified officers). Like an inquiry record it names at least two officers
    certified on the day (C1). The party or a witness signs; a refusal to sign is noted (Art 55 ¶1, local
    practice for the witness)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="inspections")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("officers"))
    place = models.CharField(_("place inspected"), max_length=200)
    started_at = models.DateTimeField(_("inspection started at"))
    ended_at = models.DateTimeField(_("inspection ended at"))
    party_present = models.CharField(_("party or representative present"), max_length=100, blank=True)
    witness = models.CharField(_("witness"), max_length=100, blank=True)
    findings = models.TextField(_("findings"))
    refusal_note = models.TextField(_("refusal to sign"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("inspection record")
        verbose_name_plural = _("inspection records")

    def __str__(self):
        return f"{self.place} {self.started_at:%Y-%m-%d %H:%M}"


class MediationAgreement(models.Model):
    """A mediation agreement (调解协议, 人民调解法 Art 28-33) ending a mediable case without penalty."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="mediation_agreement")
    agreement = models.TextField(_("agreement"))
    violation_corrected = models.BooleanField(_("violation corrected"), default=True)
    concluded_on = models.DateField(_("concluded on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")


class LegalReview(models.Model):
    """法制审核 by the judicial office before a major case is decided (处罚法 Art 58)."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        RETURNED = "returned", _("Returned")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="legal_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="legal_reviews")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    opinion = models.TextField(_("opinion"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("legal review")
        verbose_name_plural = _("legal reviews")


# --------------------------------------------------------------------------------------------------
# Execution: payments and payment plans (处罚法 Art 66–67, 72; DESIGN §9, CONTRACT §7 "Execution")
# --------------------------------------------------------------------------------------------------

# The states in which a decided fine is being paid: served, after a written demand (催告, 行政强制法 Art 54) and
# while the court enforces it (Art 72 ¶1(3); 行政强制法 Art 53).
PAYABLE_STATES = (CaseState.SERVED.value, CaseState.DEMANDED.value, CaseState.COURT_ENFORCEMENT.value)


class Payment(models.Model):
    """One payment of the fine (or of the late-payment surcharge), recorded from the bank's receipt.

    罚缴分离 (处罚法 Art 67 ¶1): the agency that decides the fine does not collect it; the party pays at the
    designated bank (or through its electronic channel) and the officer records the payment from the receipt the
    bank issues. This record is not a collection: it is the case file's copy of the bank's receipt."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments", verbose_name=_("case"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    receipt_number = models.CharField(_("receipt number"), max_length=60)
    bank = models.CharField(_("bank or channel"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "receipt_number"], name="payment_receipt_once")]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.receipt_number} {self.amount}"


class PaymentPlan(models.Model):
    """暂缓或者分期缴纳 (处罚法 Art 66 ¶2): on the party's application, for real economic hardship, approved by the
    agency (the principal, workflows.roles ACTION_ROLES "case.payment_plan.approve"). Its due dates are its
    instalments (a deferral has one)."""

    class Kind(models.TextChoices):
        DEFERRAL = "deferral", _("Deferral")
        INSTALMENTS = "instalments", _("Instalments")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", pgettext_lazy("payment plan", "Approved")
        REJECTED = "rejected", pgettext_lazy("payment plan", "Rejected")
        # The decision the plan was approved for (or applied under) was revoked (行政复议法 Art 64, 行政诉讼法 Art
        # 70): the plan lapses with it (cases.payment_plans.lapse_payment_plans), kept in the history.
        LAPSED = "lapsed", pgettext_lazy("payment plan", "Lapsed")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payment_plans", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.TextField(_("economic hardship stated"))
    applied_on = models.DateField(_("applied on"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("recorded by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.case}"

    def page_path(self) -> str:
        return reverse("cases:cases:plan_decision", args=[self.case_id, self.pk])


class PlanInstalment(models.Model):
    """One due date of a payment plan and the amount due on it (a deferral: one row, the whole unpaid fine)."""

    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
class FirstOffenceExemption(models.Model):
    """One entry of the 首违不罚 list (处罚法 Art 33 ¶1, second sentence: 初次违法且危害后果轻微并及时改正的，可以
    不予行政处罚). The statute lets the agency decide (可以); which violation types qualify, and on which conditions,
    is the list the province or the agency publishes (local practice, kept here by the admin)."""

    violation_type = models.ForeignKey(ViolationType, on_delete=models.PROTECT, related_name="first_offence_entries",
                                       verbose_name=_("violation type"))
    conditions = models.TextField(_("conditions"), help_text=_("e.g. first violation, minor harm, corrected in time."))
    correction_days = models.PositiveSmallIntegerField(_("correction period (days)"), null=True, blank=True)
    published_on = models.DateField(_("published on"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["violation_type__code", "id"]
        verbose_name = _("first-offence exemption")
        verbose_name_plural = _("first-offence exemption list")

    def __str__(self):
        return str(self.violation_type)


class CorrectionOrder(models.Model):
    """责令改正 (处罚法 Art 28 ¶1: 实施行政处罚，应当责令当事人改正或者限期改正违法行为, statute). The term is the
    order's own (local practice: the order names the day); a deadline `case.correction` falls due on it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CORRECTED = "corrected", _("Corrected")
        NOT_CORRECTED = "not_corrected", _("Not corrected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="correction_orders",
                             verbose_name=_("case"))
    measure = models.TextField(_("correction required"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("correct by"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    note = models.TextField(_("check note"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("checked by"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    # "Not corrected" stays in the brigade chief's inbox until acknowledged (or the case is decided).
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("acknowledged by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issued_on", "id"]
        verbose_name = _("correction order")
        verbose_name_plural = _("correction orders")

    def __str__(self):
        return f"{self.case} · {self.measure[:30]}"

    @property
    def officers(self):
        """Reminders of the order's deadline go to the case officers (notifications.reminders.responsible_users)."""
        return self.case.officers

    @property
    def number(self):
        return self.case.number

    @property
    def title(self):
        return f"{self.case.title} · {_('correction order')}"

    @property
    def subject(self) -> str:
        """What the order's deadline is about, on the case page's deadlines card."""
        return f"{_('correction order')}：{self.measure[:30]}"

    def page_path(self) -> str:
        return self.case.page_path()


class Remedy(models.Model):
    """A reconsideration (行政复议, 行政复议法 Art 20: within 60 days of knowing the decision) or a lawsuit (行政诉讼,
    行政诉讼法 Art 46: within 6 months) against the case's decision, with its outcome. A late filing is the
    reviewing body's business: it is recorded with `late` set, not refused."""

    class Kind(models.TextChoices):
        RECONSIDERATION = "reconsideration", _("Administrative reconsideration")
        LAWSUIT = "lawsuit", _("Administrative lawsuit")

    class Outcome(models.TextChoices):
        PENDING = "pending", pgettext_lazy("remedy outcome", "Pending")
        UPHELD = "upheld", _("Upheld")
        CHANGED = "changed", _("Changed")
        REVOKED = "revoked", pgettext_lazy("remedy outcome", "Revoked")
        REVOKED_REDO = "revoked_redo", _("Revoked, a new decision ordered")
        WITHDRAWN = "withdrawn", pgettext_lazy("remedy outcome", "Withdrawn")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="remedies")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    body = models.CharField(_("reviewing body or court"), max_length=100, blank=True)
    filed_on = models.DateField(_("remedy filed on"))
    late = models.BooleanField(_("filed after the statutory period"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField(_("outcome decided on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    new_fine = models.DecimalField(_("new fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    # The decision as it stood when the outcome was recorded (a revoked or changed decision stays on record).
    previous_fine = models.DecimalField(_("fine before the outcome (yuan)"), max_digits=12, decimal_places=2,
                                        null=True, blank=True)
    previous_decided_on = models.DateField(_("decision date before the outcome"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["filed_on", "id"]
        verbose_name = _("reconsideration or lawsuit")
        verbose_name_plural = _("reconsiderations and lawsuits")

    def __str__(self):
        return f"{self.get_kind_display()} {self.filed_on}"

    @property
    def pending(self) -> bool:
        return self.outcome == self.Outcome.PENDING


class Publication(models.Model):
    """A penalty decision made public (处罚法 Art 48 ¶1), kept as the redacted snapshot that was published: the public
    page shows these fields only, never the live case or party (cases.publicity.redacted_snapshot). Withdrawn
    (Art 48 ¶2: 撤回并公开说明理由) when the decision is changed, revoked, confirmed unlawful or void: the page then
    lists the withdrawal with its reason instead of the decision."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="publications", verbose_name=_("case"))
    published_on = models.DateField(_("published on"))
    channel = models.CharField(_("publicity channel"), max_length=200)
    decision_number = models.CharField(_("decision number"), max_length=50)
    party_kind = models.CharField(_("kind"), max_length=10, choices=Party.Kind.choices)
    party_name = models.CharField(_("party (as published)"), max_length=100)
    violation = models.CharField(_("violation type"), max_length=100)
    facts = models.TextField(_("facts"))
    legal_basis = models.TextField(_("legal basis"))
    penalty = models.TextField(_("penalty"))
    fine = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    organ = models.CharField(_("deciding organ"), max_length=100)
    decided_on = models.DateField(_("decided on"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("published penalty decision")
        verbose_name_plural = _("published penalty decisions")

    def __str__(self):
        return self.decision_number
