"""Working-day calendar overrides, deadline rules (data), deadlines on objects, in-app notifications."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """An admin override of one day, e.g. next year's State Council notice before the library has it."""

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("Working day")
        HOLIDAY = "holiday", _("Rest day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose State Council holiday notice an admin has loaded as overrides.

    Days of a year the library does not know are provisional until the admin marks the year loaded.
    """

    year = models.PositiveIntegerField(_("year"), unique=True)
    notice = models.CharField(_("notice"), max_length=200, blank=True, help_text=_("e.g. 国办发明电〔2026〕x号"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("official calendar year")
        verbose_name_plural = _("official calendar years")

    def __str__(self):
        return str(self.year)


class DeadlineRule(models.Model):
    """One row of the deadline table (DESIGN §4). Loaded by a data migration from deadline_rules.json."""

    class Unit(models.TextChoices):
        CALENDAR_DAYS = "calendar_days", _("calendar days")
        WORKING_DAYS = "working_days", _("working days")
        HOURS = "hours", _("hours")
        # 民法典 Art 202: a period in months ends on the same day of the last month, or on its last day when that
        # month has no such day.
        MONTHS = "months", _("months")
        # A yearly date (`fixed_date`, "MM-DD", e.g. "03-01"): the next such date after the anchor.
        FIXED_DATE = "fixed_date", _("fixed yearly date")
        # The day the act itself names (a correction order's term, 处罚法 Art 28 ¶1): the anchor IS the due date;
        # `length` is unused (0). Local practice: the statute leaves the term to the order.
        GIVEN_DATE = "given_date", _("date named by the order")

    kind = models.CharField(_("kind"), max_length=50, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    opens_on = models.CharField(_("opens on"), max_length=100)
    closes_on = models.CharField(_("closes on"), max_length=100, blank=True)
    length = models.PositiveIntegerField(_("length"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    fixed_date = models.CharField(_("yearly date (MM-DD)"), max_length=5, blank=True,
                                  help_text=_("Only for the unit “fixed yearly date”, e.g. 03-01."))
    remind_before = models.JSONField(_("remind before"), default=list, blank=True)
    responsible_role = models.CharField(_("responsible role"), max_length=30, blank=True)
    escalate_to = models.CharField(_("escalate to"), max_length=30, blank=True)
    basis = models.CharField(_("legal basis"), max_length=200)
    # Whether a statute fixes the length and unit (then neither the API nor the admin changes them), and the
    # source that fixes it: the article for a statutory rule, "本地做法，可配置" and why for a local one.
    statutory = models.BooleanField(_("fixed by statute"), default=False)
    local_rule = models.CharField(_("source of the length"), max_length=200, blank=True)
    # 民法典 Art 203 (民事诉讼法 Art 85 by analogy): a period given to a party that ends on a rest day ends on the
    # next working day instead. Data, not code: set on the party-facing calendar-day periods; never on the
    # agency's own deadlines (they are reminded early instead).
    rolls_over_rest_day = models.BooleanField(_("last day on a rest day moves to the next working day"),
                                              default=False)
    # An extension's ceiling (null: no rule-specific ceiling; adjustments.MAX_EXTENSION_DAYS applies) and the
    # source that allows an extension at all (e.g. a sector rule, 规章, for Art 60's 90 days).
    max_extension_days = models.PositiveIntegerField(_("longest extension (days)"), null=True, blank=True)
    max_extensions = models.PositiveSmallIntegerField(_("number of extensions allowed"), null=True, blank=True)
    extension_rule = models.CharField(_("source of the extension"), max_length=200, blank=True)
    # Who approves an extension (blank: the escalation role), e.g. the agency head (principal) for Art 60's period.
    extension_approver = models.CharField(_("extension approved by"), max_length=30, blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")

    def __str__(self):
        return f"{self.kind} ({self.basis})"

    @property
    def configurable(self) -> bool:
        """The opposite of `statutory`: a local rule whose length and unit an admin may change."""
        return not self.statutory


class Deadline(models.Model):
    """A deadline opened on one object by a transition, anchored on a business date."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        SUSPENDED = "suspended", _("suspended")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    object_type = models.CharField(max_length=50)
    object_id = models.PositiveBigIntegerField()
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="deadlines")
    kind = models.CharField(_("kind"), max_length=50)
    anchor_date = models.DateField(_("anchor date"))
    due_date = models.DateField(_("due date"))
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    basis = models.CharField(_("legal basis"), max_length=200)
    provisional = models.BooleanField(_("provisional"), default=False)
    calendar_version = models.CharField(max_length=100, blank=True)
    # 中止: while suspended the period does not run; on resumption the days left are added to the resume date.
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    extended_days = models.PositiveIntegerField(_("days extended"), default=0)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # when the closing was entered (wall clock)
    # The business date of the act that met the deadline (filed_on, served_on, decided_on ...): whether it was met
    # in time is read from this, not from the time of the entry, which may come later the same evening or be
    # back-dated (the demo seeds history in one go).
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # An object's open deadlines, soonest first: the inbox's soonest deadline per row reads the first
            # entry of this index (issue 18) — it also serves every lookup by object and status.
            models.Index(fields=["object_type", "object_id", "status", "due_at"], name="deadline_object_due"),
            # Deadlines of one kind: the demand periods passed (cases.selectors), the publicity withdrawals open.
            models.Index(fields=["object_type", "kind", "due_date"], name="deadline_kind_due_date"),
        ]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")


class Notification(models.Model):
    """An in-app message to one user."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set for reminders: one in-app message per delivery, even if the send task runs twice.
    delivery = models.OneToOneField("Delivery", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="notification")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")


class Reminder(models.Model):
    """One planned stage of a deadline's reminders (DESIGN §5): before it, on the due day, or an escalation.

    Planned when the deadline opens (and again when its due date moves); the sweep expands a due stage into one
    Delivery per recipient and channel. Unique per deadline, stage and due date, so a moved deadline gets its
    reminders anew while a stage already sent for the same due date is never planned twice.
    """

    class Stage(models.TextChoices):
        BEFORE = "before", _("before the deadline")
        DUE = "due", _("on the due day")
        OVERDUE = "overdue", _("overdue (escalation)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        EXPANDED = "expanded", _("sent out")
        CANCELLED = "cancelled", _("cancelled")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    offset = models.PositiveSmallIntegerField(
        _("offset"), default=0, help_text=_("Before: units ahead of the due date. Overdue: the n-th escalation."))
    due_date = models.DateField(_("due date"))
    send_at = models.DateTimeField(_("send at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    expanded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["send_at", "id"]
        constraints = [models.UniqueConstraint(fields=["deadline", "stage", "offset", "due_date"],
                                               name="reminder_once_per_stage")]
        indexes = [models.Index(fields=["status", "send_at"]),
                   # The sweep's expansion (reminders._expand_batch): the planned stages in send order, LIMIT a batch
                   # — an index scan that stops after the batch, however many stages are planned (issue 18).
                   models.Index(fields=["send_at", "id"], condition=models.Q(status="planned"),
                                name="reminder_planned_send_at")]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self):
        return f"{self.deadline.kind} {self.stage}{self.offset or ''} @ {self.send_at:%Y-%m-%d %H:%M}"

    @property
    def is_escalation(self) -> bool:
        return self.stage == self.Stage.OVERDUE


class GroupRobot(models.Model):
    """A WeCom, DingTalk or Feishu group robot (or any apprise URL) that reminders for some roles go to."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")
        FEISHU = "feishu", _("Feishu group robot")
        OTHER = "other", _("Other (apprise URL)")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.CharField(_("apprise URL"), max_length=500,
                           help_text=_("e.g. wecombot://KEY, dingtalk://TOKEN/SECRET, feishu://TOKEN"))
    roles = models.JSONField(_("roles"), default=list, help_text=_("Reminders for these roles go to this group."))
    per_minute = models.PositiveSmallIntegerField(
        _("messages per minute"), default=20, help_text=_("The platform's rate limit (a WeCom robot: 20)."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self):
        return self.name


class Delivery(models.Model):
    """One reminder to one recipient on one channel: unique (deadline, stage, recipient, channel), sent once.

    pending → claimed (by a sweep, with a lease) → sending → sent | failed | uncertain | cancelled (or back to
    pending, for a retry with back-off). "sending" is committed, together with an in-flight DeliveryAttempt, before
    the outside call, and no transaction is open during the call; a second worker sees "sending" and skips the row.
    A worker that dies mid-send leaves "sending" and its in-flight attempt behind; once the lease has run out the
    next sweep claims the row again, and the sender asks the provider by the delivery's key instead of resending,
    or, where the provider cannot be asked, marks the delivery "uncertain" and tells the admins.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        CLAIMED = "claimed", _("claimed")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        UNCERTAIN = "uncertain", _("uncertain")
        CANCELLED = "cancelled", _("cancelled")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="deliveries")
    robot = models.ForeignKey(GroupRobot, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    recipient_key = models.CharField(max_length=30, help_text="user:<id> or robot:<id>")
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    not_before = models.DateTimeField(_("not before"))
    claimed_until = models.DateTimeField(null=True, blank=True)
    claims = models.PositiveSmallIntegerField(default=0)
    failures = models.PositiveSmallIntegerField(default=0)
    # How often the provider was asked about an in-flight attempt and had no record of it yet.
    lookups = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["not_before", "id"]
        constraints = [models.UniqueConstraint(fields=["reminder", "recipient_key", "channel"],
                                               name="delivery_once_per_recipient_channel")]
        indexes = [models.Index(fields=["status", "not_before"]), models.Index(fields=["status", "claimed_until"]),
                   # The sweep's claim (reminders.claim_due_deliveries): the pending rows in order, LIMIT a batch, and
                   # the rows whose lease ran out — small indexes of the open rows only, not of the sent history,
                   # read in order and stopped after a batch instead of sorting the whole backlog each round.
                   models.Index(fields=["not_before", "id"], condition=models.Q(status="pending"),
                                name="delivery_pending_not_before"),
                   models.Index(fields=["claimed_until", "id"], condition=models.Q(status__in=["claimed", "sending"]),
                                name="delivery_leased_until")]
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")

    def __str__(self):
        return f"{self.recipient_key} {self.channel} {self.status}"

    @property
    def key(self) -> str:
        """The idempotency key handed to providers that accept one (SMS OutId, e-mail Message-ID, file lines)."""
        return f"lawflow-{self.reminder_id}-{self.recipient_key.replace(':', '')}-{self.channel}"


class DeliveryAttempt(models.Model):
    """Every attempt to send, every question to the provider about one, and every admin resolution (DESIGN §5).

    A send attempt is committed "in flight" before the outside call and gets its outcome after it: sent, failed
    (the message certainly did not leave) or uncertain (it may have left: a read time-out after the request went
    out, a worker that died mid-send, with a provider that cannot be asked). An in-flight attempt that outlives its
    worker is what the next run finds: it asks the provider (a "lookup" row records the answer) rather than sending.
    """

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight", _("in flight")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        UNCERTAIN = "uncertain", _("uncertain")
        LOOKUP = "lookup", _("asked the provider")
        RESOLVED = "resolved", _("resolved by an admin")

    # What counts against a target's rate limit: the calls that (may have) sent something.
    SENDS = (State.IN_FLIGHT, State.SENT, State.FAILED, State.UNCERTAIN)

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SENT)
    ok = models.BooleanField(_("delivered"))
    target = models.CharField(_("target"), max_length=200, blank=True)
    answer = models.TextField(_("provider answer"), blank=True)
    finished_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("by"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["target", "at"])]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")


class RateLimit(models.Model):
    """A row to lock per rate-limited target (a robot's webhook), so concurrent workers count its sends in turn."""

    key = models.CharField(max_length=200, unique=True)


class DeadlineAdjustment(models.Model):
    """A request to suspend (中止), resume or extend (延期) a deadline; takes effect on the escalation role's approval."""

    class Action(models.TextChoices):
        SUSPEND = "suspend", _("suspend")
        RESUME = "resume", _("resume")
        EXTEND = "extend", _("extend")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("awaiting approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="adjustments")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("deadline adjustment")
        verbose_name_plural = _("deadline adjustments")
