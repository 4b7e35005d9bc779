"""Admin for the calendar, the deadline rules and the reminder machinery (DESIGN §4, §5).

Editable: calendar overrides, the deadline rules' length, unit, offsets and escalation role, and the group robots.
Read only: deadlines, reminders, deliveries and every delivery attempt with the provider's answer, deadline
adjustments. These rows are written by the services and the reminder sweep only; the one thing an admin decides is
the fate of an "uncertain" delivery (mark it delivered, or send it again), through reminders.resolve_uncertain.
"""

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _, ngettext

from workflows import audit, roles

from . import calendar_changes
from .channels.robot import webhook_of
from .models import (
    CalendarDay,
    CalendarYear,
    Deadline,
    DeadlineAdjustment,
    DeadlineRule,
    Delivery,
    DeliveryAttempt,
    GroupRobot,
    Notification,
    Reminder,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the system writes: an admin looks, never edits or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def object_label(deadline: Deadline) -> str:
    """The object a deadline runs on, e.g. “review.decision #12 石桥镇…办法”."""
    label = f"{deadline.object_type} #{deadline.object_id}"
    try:
        model = apps.get_model(deadline.object_type)
    except (LookupError, ValueError):
        return label
    obj = model.objects.filter(pk=deadline.object_id).first()
    return f"{label} {Truncator(str(obj)).chars(40)}" if obj is not None else label


def reminder_label(reminder: Reminder) -> str:
    """“decision.review · overdue (escalation) 1”."""
    offset = f" {reminder.offset}" if reminder.offset else ""
    return f"{reminder.deadline.kind} · {reminder.get_stage_display()}{offset}"


# Every change to the calendar goes through calendar_changes, so running deadlines follow it (issue 10): the
# admin's add, change, delete and bulk delete, in the same transaction as the row itself.


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "note", "updated_at")
    list_filter = ("kind",)
    readonly_fields = ("updated_by",)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = CalendarDay.objects.filter(pk=obj.pk).values_list("date", flat=True).first() if obj.pk else None
            obj.updated_by = request.user
            super().save_model(request, obj, form, change)
            days = tuple({obj.date, before} - {None})
            reason = calendar_changes.day_saved_reason(obj)
            if before is not None and before != obj.date:
                reason = f"{calendar_changes.day_removed_reason(before)}; {reason}"
            audit.record(obj, transition="override_day", user=request.user,
                         fields={"date": obj.date, "kind": obj.kind, "note": obj.note, "previous_date": before})
            calendar_changes.recompute_after_calendar_change(
                calendar_changes.CalendarChange(days=days, reason=reason), user=request.user)

    def delete_model(self, request, obj):
        self.delete_queryset(request, CalendarDay.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            rows = list(queryset)
            for row in rows:
                audit.record(row, transition="remove_override", user=request.user, fields={"date": row.date})
            queryset.delete()
            reason = "; ".join(calendar_changes.day_removed_reason(row.date) for row in rows)
            calendar_changes.recompute_after_calendar_change(
                calendar_changes.CalendarChange(days=tuple(row.date for row in rows), reason=reason),
                user=request.user)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "notice", "updated_at")

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = CalendarYear.objects.filter(pk=obj.pk).values_list("year", flat=True).first() if obj.pk else None
            super().save_model(request, obj, form, change)
            audit.record(obj, transition="mark_year_official", user=request.user,
                         fields={"year": obj.year, "notice": obj.notice, "previous_year": before})
            reason = calendar_changes.year_saved_reason(obj.year)
            if before is not None and before != obj.year:
                reason = f"{calendar_changes.year_removed_reason(before)}; {reason}"
            calendar_changes.recompute_after_calendar_change(
                calendar_changes.CalendarChange(years=tuple({obj.year, before} - {None}), reason=reason),
                user=request.user)

    def delete_model(self, request, obj):
        self.delete_queryset(request, CalendarYear.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            rows = list(queryset)
            for row in rows:
                audit.record(row, transition="unmark_year_official", user=request.user, fields={"year": row.year})
            queryset.delete()
            reason = "; ".join(calendar_changes.year_removed_reason(row.year) for row in rows)
            calendar_changes.recompute_after_calendar_change(
                calendar_changes.CalendarChange(years=tuple(row.year for row in rows), reason=reason),
                user=request.user)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    """A statutory rule's length and unit are read-only (issue 12: the statute fixes them, e.g. Art 64's 5 working
    days); a local rule's may change. Where a rule's source and its roll-over come from is data (the JSON)."""

    list_display = ("kind", "name", "length", "unit", "statutory", "local_rule", "remind_before", "escalate_to")
    list_filter = ("statutory",)
    readonly_fields = ("kind", "opens_on", "closes_on", "basis", "statutory", "local_rule", "rolls_over_rest_day",
                       "extension_rule")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.statutory:
            # Issue 12 D7: who approves, the ceiling and the escalation of a statutory period are its source's.
            return (*fields, "length", "unit", "fixed_date", "escalate_to", "extension_approver", "max_extensions",
                    "max_extension_days")
        return fields


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ("kind", "object_type", "object_id", "due_date", "status", "provisional")
    list_filter = ("kind", "status", "provisional")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --------------------------------------------------------------------------------------------------
# Group robots (editable)
# --------------------------------------------------------------------------------------------------

# apprise's URL schemes for each kind of robot (apprise 2.x plugins wecombot, dingtalk, feishu / lark).
ROBOT_SCHEMES = {
    GroupRobot.Kind.WECOM: ("wecombot",),
    GroupRobot.Kind.DINGTALK: ("dingtalk",),
    GroupRobot.Kind.FEISHU: ("feishu", "lark"),
}

ROBOT_HELP = _(
    "A group robot posts the reminders of the roles chosen below into a group chat. To add one: in the WeCom "
    "(企业微信), DingTalk (钉钉) or Feishu (飞书) group, add a custom robot (群机器人) and copy its webhook; then "
    "enter it here as an apprise URL: WeCom “wecombot://KEY” (KEY is the key= part of the webhook address), "
    "DingTalk “dingtalk://TOKEN” or, with signing, “dingtalk://SECRET@TOKEN”, Feishu “feishu://TOKEN” (the WeCom "
    "webhook address itself is accepted too). A WeCom "
    "robot takes 20 messages a minute: reminders beyond that wait their turn and are never dropped. The server "
    "must reach the platform (政务外网 proxies included); every attempt and the platform's answer are listed under "
    "reminder deliveries."
)
URL_NOT_RECOGNISED = _("apprise does not recognise this URL; enter it like wecombot://KEY (see the help above).")
URL_WRONG_SCHEME = _("A %(kind)s takes a URL starting with %(schemes)s.")


def mask_url(url: str) -> str:
    """The scheme and the first characters of the secret only: “wecombot://1a2b…”."""
    scheme, sep, rest = (url or "").partition("://")
    if not sep:
        return "…" if url else ""
    return f"{scheme}://{rest[:4]}…" if rest else f"{scheme}://"


class GroupRobotForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("roles"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(role, roles.ROLE_LABELS[role]) for role in roles.ALL_ROLES],
        help_text=_("Reminders for these roles go to this group."),
    )

    class Meta:
        model = GroupRobot
        fields = ["name", "kind", "url", "roles", "per_minute", "active"]
        widgets = {"url": forms.TextInput(attrs={"size": 80, "autocomplete": "off", "spellcheck": "false"})}

    def clean_url(self):
        import apprise  # loaded only when a robot is saved

        url = self.cleaned_data["url"].strip()
        hook = webhook_of(url)
        if hook is not None:  # posted by lawflow itself (notifications.channels.robot), not by apprise
            expected = {GroupRobot.Kind.WECOM: "wecom", GroupRobot.Kind.DINGTALK: "dingtalk",
                        GroupRobot.Kind.FEISHU: "feishu"}.get(self.cleaned_data.get("kind"))
            if expected and hook.platform != expected:
                raise forms.ValidationError(URL_WRONG_SCHEME, params={
                    "kind": GroupRobot.Kind(self.cleaned_data["kind"]).label,
                    "schemes": " / ".join(f"{s}://" for s in ROBOT_SCHEMES[self.cleaned_data["kind"]])})
            return url
        plugin = apprise.Apprise.instantiate(url) if "://" in url else None
        if plugin is None:
            raise forms.ValidationError(URL_NOT_RECOGNISED)
        expected = ROBOT_SCHEMES.get(self.cleaned_data.get("kind"))
        if expected and not set(_schemes(plugin)) & set(expected):
            raise forms.ValidationError(URL_WRONG_SCHEME, params={
                "kind": GroupRobot.Kind(self.cleaned_data["kind"]).label,
                "schemes": " / ".join(f"{s}://" for s in expected)})
        return url


def _schemes(plugin) -> tuple[str, ...]:
    found = []
    for attr in ("secure_protocol", "protocol"):
        value = getattr(plugin, attr, None)
        found += [value] if isinstance(value, str) else list(value or ())
    return tuple(found)


@admin.register(GroupRobot)
class GroupRobotAdmin(admin.ModelAdmin):
    form = GroupRobotForm
    list_display = ("name", "kind", "masked_url", "role_labels", "per_minute", "active")
    list_filter = ("kind", "active")
    fieldsets = ((None, {"fields": ("name", "kind", "url", "roles", "per_minute", "active"),
                         "description": ROBOT_HELP}),)

    @admin.display(description=_("apprise URL"))
    def masked_url(self, robot):
        return mask_url(robot.url)

    @admin.display(description=_("roles"))
    def role_labels(self, robot):
        return "、".join(str(roles.ROLE_LABELS.get(role, role)) for role in robot.roles or [])


# --------------------------------------------------------------------------------------------------
# Reminders, deliveries, attempts (read only)
# --------------------------------------------------------------------------------------------------


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("deadline_kind", "deadline_object", "stage", "offset", "due_date", "send_at", "status",
                    "expanded_at")
    list_filter = ("status", "stage", "deadline__kind")
    date_hierarchy = "send_at"
    list_select_related = ("deadline",)
    list_per_page = 50

    @admin.display(description=_("kind"), ordering="deadline__kind")
    def deadline_kind(self, reminder):
        return reminder.deadline.kind

    @admin.display(description=_("object"))
    def deadline_object(self, reminder):
        return object_label(reminder.deadline)


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("at", "state", "ok", "finished_at", "target", "answer", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("pk", "reminder_label", "recipient_label", "channel", "status", "not_before", "claimed_until",
                    "claims", "failures", "sent_at", "short_answer")
    list_filter = ("status", "channel", "reminder__stage", "reminder__deadline__kind")
    search_fields = ("recipient__username", "recipient__last_name", "robot__name", "last_answer")
    date_hierarchy = "not_before"
    list_select_related = ("reminder__deadline", "recipient", "robot")
    list_per_page = 50
    inlines = [DeliveryAttemptInline]
    actions = ["mark_delivered", "send_again"]

    def has_resolve_permission(self, request):
        return request.user.is_superuser or roles.ADMIN in {g.name for g in request.user.groups.all()}

    def _resolve(self, request, queryset, send_again: bool):
        from .reminders import NotUncertain, resolve_uncertain

        done, refused = 0, []
        for pk in queryset.values_list("pk", flat=True):
            try:
                resolve_uncertain(pk, request.user, send_again=send_again)
                done += 1
            except NotUncertain:
                refused.append(f"#{pk}")
        if done:
            self.message_user(request, ngettext("%(count)d delivery resolved.", "%(count)d deliveries resolved.",
                                                done) % {"count": done}, messages.SUCCESS)
        if refused:
            self.message_user(request, _("Only uncertain deliveries can be resolved; left as they were: %(ids)s.")
                              % {"ids": ", ".join(refused)}, messages.WARNING)

    @admin.action(description=_("Mark as delivered (uncertain deliveries)"), permissions=["resolve"])
    def mark_delivered(self, request, queryset):
        self._resolve(request, queryset, send_again=False)

    @admin.action(description=_("Send again (uncertain deliveries)"), permissions=["resolve"])
    def send_again(self, request, queryset):
        self._resolve(request, queryset, send_again=True)

    @admin.display(description=_("reminder"), ordering="reminder__send_at")
    def reminder_label(self, delivery):
        return reminder_label(delivery.reminder)

    @admin.display(description=_("recipient"))
    def recipient_label(self, delivery):
        if delivery.robot_id:
            return f"{delivery.robot} ({delivery.robot.get_kind_display()})"
        return delivery.recipient or delivery.recipient_key

    @admin.display(description=_("provider answer"))
    def short_answer(self, delivery):
        return Truncator(delivery.last_answer).chars(60)


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ("at", "delivery_link", "reminder_label", "channel", "state", "ok", "target", "short_answer")
    list_filter = ("state", "ok", "delivery__channel")
    search_fields = ("target", "answer")
    date_hierarchy = "at"
    list_select_related = ("delivery__reminder__deadline",)
    list_per_page = 50

    @admin.display(description=_("reminder delivery"), ordering="delivery")
    def delivery_link(self, attempt):
        url = reverse("admin:notifications_delivery_change", args=[attempt.delivery_id])
        return format_html('<a href="{}">#{}</a>', url, attempt.delivery_id)

    @admin.display(description=_("reminder"), ordering="delivery__reminder__send_at")
    def reminder_label(self, attempt):
        return reminder_label(attempt.delivery.reminder)

    @admin.display(description=_("channel"), ordering="delivery__channel")
    def channel(self, attempt):
        return attempt.delivery.channel

    @admin.display(description=_("provider answer"))
    def short_answer(self, attempt):
        return Truncator(attempt.answer).chars(80)


@admin.register(DeadlineAdjustment)
class DeadlineAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("deadline_kind", "deadline_object", "action", "days", "status", "requested_by", "requested_at",
                    "decided_by", "decided_at")
    list_filter = ("status", "action", "deadline__kind")
    search_fields = ("reason", "decision_note")
    list_select_related = ("deadline", "requested_by", "decided_by")

    @admin.display(description=_("kind"), ordering="deadline__kind")
    def deadline_kind(self, adjustment):
        return adjustment.deadline.kind

    @admin.display(description=_("object"))
    def deadline_object(self, adjustment):
        return object_label(adjustment.deadline)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "title", "created_at", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    search_fields = ("recipient__username", "title")
    list_select_related = ("recipient",)
