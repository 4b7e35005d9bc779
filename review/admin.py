"""Admin views of decisions and meetings. States and reviewed content are read only here: the admin cannot
go around the flow (transitions happen in the UI or the API, through the same service)."""

from django.contrib import admin

from .models import EDITABLE_DECISION_STATES, AgendaItem, Decision, Meeting, PreparationRecord, ReviewOpinion

ALWAYS_READ_ONLY = ("number", "state", "created_by", "submitted_at", "reviewed_fingerprint", "meeting",
                    "scheduling_urgency_reason", "signed_by", "signed_at", "published_on", "publication_channel",
                    "withdrawal_reason")
CONTENT = ("title", "body", "category", "department", "public_participation_required",
           "expert_argumentation_required", "risk_assessment_required", "participation_urgency_reason")


class PreparationInline(admin.TabularInline):
    model = PreparationRecord
    extra = 0
    readonly_fields = ("kind", "started_on", "ended_on", "summary", "recorded_by", "recorded_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OpinionInline(admin.TabularInline):
    model = ReviewOpinion
    extra = 0
    readonly_fields = ("outcome", "opinion", "authority_ok", "procedure_ok", "content_ok", "reviewer", "created_at")
    exclude = ("content_fingerprint",)
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("id", "number", "title", "state", "department", "created_at")
    list_filter = ("state", "category")
    search_fields = ("title", "number")
    inlines = [PreparationInline, OpinionInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state not in EDITABLE_DECISION_STATES:
            return ALWAYS_READ_ONLY + CONTENT  # D3: content frozen after submission
        return ALWAYS_READ_ONLY

    def has_add_permission(self, request):
        return False  # created by drafters in the UI or API, so the audit trail starts with them

    def has_delete_permission(self, request, obj=None):
        return False


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    readonly_fields = ("decision", "order", "outcome", "comment", "dissent")
    exclude = ("content_fingerprint",)
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("id", "number", "title", "date", "state", "chair")
    list_filter = ("state",)
    readonly_fields = ("number", "state", "minutes", "held_at", "created_by")
    inlines = [AgendaInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
