"""Shared data: users, the tamper-evident audit trail, yearly number sequences."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A township employee. Roles are Django groups (workflows.roles)."""

    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    # Art 58 ¶2 处罚法: a first-time legal reviewer needs the legal professional qualification.
    legal_qualification = models.BooleanField(_("legal professional qualification"), default=False)
    notification_channels = models.JSONField(
        _("notification channels"), default=list, blank=True,
        help_text=_("Channels besides in-app: email, sms, wecom (WeCom app message)."),
    )
    wecom_userid = models.CharField(_("WeCom user ID"), max_length=64, blank=True,
                                    help_text=_("The account in the town's WeCom directory, for app messages."))
    quiet_hours_start = models.TimeField(_("quiet hours start"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours end"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class AuditChain(models.Model):
    """The single head of the audit hash chain; locked while an entry is appended so the chain never forks."""

    last_hash = models.CharField(max_length=64, default="")
    length = models.PositiveBigIntegerField(default=0)


class AuditEntry(models.Model):
    """One transition (or recorded action), append-only, chained by hash to the one before it."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    object_type = models.CharField(_("object type"), max_length=50)
    object_id = models.CharField(_("object id"), max_length=64)  # text: some objects have text keys
    transition = models.CharField(_("transition"), max_length=50)
    source = models.CharField(_("from state"), max_length=30, blank=True)
    target = models.CharField(_("to state"), max_length=30, blank=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("user"))
    username = models.CharField(_("username"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"))
    fields = models.JSONField(_("fields"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id", "sequence"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit entries are append-only")


class NumberSequence(models.Model):
    """Last number issued in a scope and year; incremented under a row lock inside the caller's
    transaction, so a rolled-back transaction gives its number back (gap-free, DESIGN D8, C2)."""

    scope = models.CharField(_("series"), max_length=50)
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [models.UniqueConstraint(fields=["scope", "year"], name="unique_sequence_per_year")]


class NumberPattern(models.Model):
    """An admin's pattern for one number series (DESIGN §10 文号, D8, C2): replaces the default pattern of the
    settings (case, decision, meeting numbers) or of the document kind (`doc:<kind>`) for numbers issued from now
    on; numbers already issued keep their text."""

    scope = models.CharField(_("series"), max_length=50, unique=True,
                             help_text=_("case, case_spot, decision, meeting, or doc:<document kind>"))
    pattern = models.CharField(
        _("pattern"), max_length=100,
        help_text=_("Placeholders: {town} (short name of the town), {town_name}, {year}, {seq} (the running "
                    "number of the year). Example: {town}综执罚决字〔{year}〕{seq}号"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("number pattern")
        verbose_name_plural = _("number patterns")

    def __str__(self):
        return f"{self.scope}: {self.pattern}"

    def clean(self):
        from .numbering import check_pattern

        check_pattern(self.pattern)
