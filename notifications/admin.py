from django.contrib import admin

from .models import CalendarDay, CalendarYear, Deadline, DeadlineRule, Notification


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "note", "updated_at")
    list_filter = ("kind",)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "notice", "updated_at")


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "name", "length", "unit", "escalate_to", "basis")
    readonly_fields = ("kind", "opens_on", "closes_on", "basis", "configurable")


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ("kind", "object_type", "object_id", "due_date", "status", "provisional")
    list_filter = ("kind", "status", "provisional")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "title", "created_at", "read_at")
