"""Major administrative decisions, their preparation and legality review, and joint meetings.

Models are data; the rules live in review.flows (DecisionFlow, MeetingFlow) and review.services.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from workflows.owned import FlowOwnedFields


class DecisionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In legality review")
    RETURNED = "returned", _("Returned for revision")
    REVIEW_PASSED = "review_passed", _("Review passed")
    REVIEW_FAILED = "review_failed", _("Review failed")
    SCHEDULED = "scheduled", _("Scheduled for the joint meeting")
    APPROVED = "approved", _("Approved by the meeting")
    REJECTED = "rejected", _("Rejected by the meeting")
    SIGNED = "signed", _("Signed")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# DESIGN D3: content can be edited only in these states.
EDITABLE_DECISION_STATES = (DecisionState.DRAFT, DecisionState.RETURNED, DecisionState.REVIEW_FAILED)


class Decision(FlowOwnedFields, models.Model):
    # Set by DecisionFlow's transitions only (workflows.owned): a plain save() leaves them alone.
    FLOW_OWNED_FIELDS = ("number", "state", "submitted_at", "reviewed_fingerprint", "meeting",
                         "scheduling_urgency_reason", "signed_by", "signed_at", "published_on",
                         "publication_channel", "withdrawal_reason")

    class Category(models.TextChoices):
        MAJOR_DECISION = "major_decision", _("Major administrative decision")
        NORMATIVE_DOCUMENT = "normative_document", _("Normative document")

    number = models.CharField(_("document number"), max_length=50, null=True, blank=True, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    department = models.CharField(_("department"), max_length=100)
    state = models.CharField(
        _("state"), max_length=20, choices=DecisionState.choices, default=DecisionState.DRAFT, db_index=True
    )
    # 条例 Art 14-15, 19-24: preparation steps the decision needs.
    # 条例 Art 14 (statute): public participation "shall" be held, except for matters withheld from disclosure by
    # law — so it is on by default and turning it off needs the legal ground recorded (review.services).
    public_participation_required = models.BooleanField(_("public participation required"), default=True)
    participation_exemption_ground = models.TextField(
        _("legal ground for no public participation"), blank=True,
        help_text=_("Required when public participation is off: the law under which the matter is withheld "
                    "from disclosure (条例 Art 14)."),
    )
    expert_argumentation_required = models.BooleanField(_("expert argumentation required"), default=False)
    risk_assessment_required = models.BooleanField(_("risk assessment required"), default=False)
    participation_urgency_reason = models.TextField(
        _("reason for shortening public comment (urgency)"), blank=True
    )
    # 条例 Art 31 (statute): a decision is reported to the Party committee of the same level before it is issued
    # "按照规定" — whether this one must be is set by the drafter or the office secretary (local practice).
    party_committee_report_required = models.BooleanField(
        _("must be reported to the Party committee"), default=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafted_decisions",
        verbose_name=_("drafted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted for review at"), null=True, blank=True)
    # DESIGN D3: fingerprint of the text the judicial office passed.
    reviewed_fingerprint = models.CharField(max_length=64, blank=True)
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="decisions",
        verbose_name=_("joint meeting"),
    )
    scheduling_urgency_reason = models.TextField(_("urgency reason for scheduling"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    publication_channel = models.CharField(_("publication channel"), max_length=200, blank=True)
    withdrawal_reason = models.TextField(_("withdrawal reason"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("major decision")
        verbose_name_plural = _("major decisions")

    def __str__(self):
        return self.number or self.title

    def page_path(self) -> str:
        """The path of the decision's page on this site (inbox rows, reminders, messages link to it)."""
        return reverse("review:decisions:detail", args=[self.pk])

    def public_comment_days(self, before=None) -> int | None:
        """The longest public comment period recorded (条例 Art 15), in days — the start day not counted (民法典
        Art 201) — among those that have ended before `before` when given; None when there is none."""
        lengths = [
            (r.ended_on - r.started_on).days for r in self.preparation.all()
            if r.kind == PreparationRecord.Kind.PUBLIC_COMMENT and r.started_on and r.ended_on
            and (before is None or r.ended_on < before)
        ]
        return max(lengths) if lengths else None

    def counted_comment_days(self) -> int | None:
        """The comment period that counts (shown on the decision and in its file): the longest that had ended
        by the submission for review, or by today before submission."""
        from django.utils import timezone

        day = timezone.localdate(self.submitted_at) if self.submitted_at else timezone.localdate()
        return self.public_comment_days(before=day)

    def content_fingerprint(self) -> str:
        """SHA-256 of the content the review, the meeting and the signature must all refer to (D3)."""
        digest = hashlib.sha256()
        for part in (self.category, self.title, self.body):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x1f")
        return digest.hexdigest()


class PreparationRecord(models.Model):
    """A preparation step recorded before review: public comment, expert argumentation, risk assessment."""

    class Kind(models.TextChoices):
        PUBLIC_COMMENT = "public_comment", _("Public comment period")  # 条例 Art 14-15
        EXPERT_ARGUMENTATION = "expert_argumentation", _("Expert argumentation")  # 条例 Art 19-21
        RISK_ASSESSMENT = "risk_assessment", _("Risk assessment")  # 条例 Art 22-24

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="preparation")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    summary = models.TextField(_("summary or report"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("preparation record")
        verbose_name_plural = _("preparation records")


class ReviewOpinion(models.Model):
    """The judicial office's written legality-review opinion (条例 Art 27-28)."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        RETURNED = "returned", _("Returned for revision")
        FAILED = "failed", _("Failed")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="opinions")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    opinion = models.TextField(_("opinion"))
    # 条例 Art 27 (statute): the review checks authority (法定权限), procedure (法定程序) and content (内容合法);
    # each answered, with a note, since this issue (older opinions may have left them unanswered: null).
    authority_ok = models.BooleanField(_("within statutory authority"), null=True)
    procedure_ok = models.BooleanField(_("procedure complete"), null=True)
    content_ok = models.BooleanField(_("content lawful"), null=True)
    authority_note = models.TextField(_("note on authority"), blank=True)
    procedure_note = models.TextField(_("note on procedure"), blank=True)
    content_note = models.TextField(_("note on content"), blank=True)
    content_fingerprint = models.CharField(max_length=64)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    @property
    def notes(self) -> list[str]:
        """The notes on the three checks, as written (empty ones left out)."""
        return [note for note in (self.authority_note, self.procedure_note, self.content_note) if note]

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("legality review opinion")
        verbose_name_plural = _("legality review opinions")


class PartyCommitteeReport(models.Model):
    """The report (请示报告) of a decision to the Party committee of the same level before issuance (条例 Art 31)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="party_committee_reports")
    reported_on = models.DateField(_("reported on"))
    reference = models.CharField(_("reference"), max_length=200)
    summary = models.TextField(_("summary and the committee's reply"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reported_on", "id"]
        verbose_name = _("report to the Party committee")
        verbose_name_plural = _("reports to the Party committee")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CLOSED = "closed", pgettext_lazy("meeting state", "Closed")


class Meeting(FlowOwnedFields, models.Model):
    """A joint meeting of the Party committee and the government (党政联席会议)."""

    # Set by MeetingFlow's transitions only (workflows.owned).
    FLOW_OWNED_FIELDS = ("number", "state", "minutes", "held_at")

    number = models.CharField(_("number"), max_length=50, null=True, blank=True, unique=True)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_meetings", verbose_name=_("chair")
    )
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="meetings", verbose_name=_("attendees"))
    state = models.CharField(
        _("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED, db_index=True
    )
    minutes = models.TextField(_("minutes"), blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")

    def __str__(self):
        return f"{self.title}（{self.date}）"

    def page_path(self) -> str:
        """The path of the meeting's page on this site."""
        return reverse("review:meetings:detail", args=[self.pk])


class AgendaItem(models.Model):
    """A decision on a meeting's agenda and what the meeting decided on it (minutes per item, 条例 Art 30)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        DEFERRED = "deferred", _("Deferred")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveIntegerField(default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    comment = models.TextField(_("comment"), blank=True)
    dissent = models.TextField(_("dissenting opinions"), blank=True)
    content_fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
