from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, NumberPattern, NumberSequence, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Township"), {"fields": ("phone", "legal_qualification", "notification_channels", "wecom_userid",
                                     "quiet_hours_start", "quiet_hours_end")}),
    )
    list_display = ("username", "last_name", "first_name", "phone", "is_active")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: the trail is append-only and hash-chained (verify with `manage.py verify_audit`)."""

    list_display = ("sequence", "object_type", "object_id", "transition", "source", "target", "username", "at")
    list_filter = ("object_type", "transition")
    search_fields = ("username", "comment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ("scope", "year", "last")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NumberPattern)
class NumberPatternAdmin(admin.ModelAdmin):
    """The pattern of a number series (DESIGN §10): applies to numbers issued from now on; {year} and {seq} are
    required (workflows.numbering.check_pattern)."""

    list_display = ("scope", "pattern", "note")
    search_fields = ("scope", "pattern")
