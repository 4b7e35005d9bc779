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

    kind = models.CharField(_("kind"), max_length=50, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    opens_on = models.CharField(_("opens on"), max_length=100)
    closes_on = models.CharField(_("closes on"), max_length=100, blank=True)
    length = models.PositiveIntegerField(_("length"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    remind_before = models.JSONField(_("remind before"), default=list, blank=True)
    responsible_role = models.CharField(_("responsible role"), max_length=30, blank=True)
    escalate_to = models.CharField(_("escalate to"), max_length=30, blank=True)
    basis = models.CharField(_("legal basis"), max_length=200)
    configurable = models.BooleanField(_("configurable"), default=False)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")

    def __str__(self):
        return f"{self.kind} ({self.basis})"


class Deadline(models.Model):
    """A deadline opened on one object by a transition, anchored on a business date."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
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
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["object_type", "object_id", "status"])]
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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
