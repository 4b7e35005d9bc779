"""Admin for the registers of people's mediation (committees, mediators) and the mediations (flow fields read
only: they change through the flow, workflows.owned_admin)."""

from django.contrib import admin

from workflows.masked_admin import MaskedPersonalDataInline
from workflows.owned_admin import FlowOwnedAdmin

from .models import Mediation, MediationCommittee, MediationParty, Mediator, PerformanceFollowUp, WorkRecord


@admin.register(MediationCommittee)
class MediationCommitteeAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "village")
    list_filter = ("level",)
    search_fields = ("name",)


@admin.register(Mediator)
class MediatorAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "committee", "user", "active")
    list_filter = ("active", "committee__level")
    search_fields = ("name", "phone")
    autocomplete_fields = ("committee",)
    raw_id_fields = ("user",)


class PartyInline(MaskedPersonalDataInline):
    """The parties; ID numbers and phones shown masked (workflows.masked_admin)."""

    model = MediationParty
    extra = 0


class WorkRecordInline(admin.TabularInline):
    model = WorkRecord
    extra = 0
    readonly_fields = ("recorded_by", "recorded_at")


class FollowUpInline(admin.TabularInline):
    """Written by MediationFlow.record_performance only (it closes deadlines): read-only here."""

    model = PerformanceFollowUp
    extra = 0
    can_delete = False
    readonly_fields = ("followed_up_on", "findings", "fully_performed", "refused", "routes_told", "recorded_by",
                       "recorded_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Mediation)
class MediationAdmin(FlowOwnedAdmin):
    list_display = ("number", "registered_on", "committee", "dispute_type", "state")
    list_filter = ("state", "dispute_type", "source")
    search_fields = ("number", "summary", "parties__name")
    raw_id_fields = ("petition", "case", "reported_case", "registered_by")
    inlines = [PartyInline, WorkRecordInline, FollowUpInline]
