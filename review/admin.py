"""Admin views of decisions and meetings. The fields the flows own (state, numbers, fingerprints, transition
dates and actors) are read only here and never written by a change form (workflows.owned_admin): the admin
cannot go around the flow (transitions happen in the UI or the API, through the same service)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workflows.errors import InvalidInput, Message, RuleViolation, StateConflict
from workflows.owned_admin import FlowOwnedAdmin
from workflows.services import state_label

from .models import (
    EDITABLE_DECISION_STATES,
    AgendaItem,
    Decision,
    Meeting,
    MeetingState,
    PartyCommitteeReport,
    PreparationRecord,
    ReviewOpinion,
)
from .services import A14_GROUND_REQUIRED, A31_UNMARK_ELSEWHERE, CONTENT_FIELDS as CONTENT, D3_NOT_EDITABLE

MEETING_NOT_PLANNED = _("A meeting can be changed only while it is planned; now it is “{state}”.")


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
    readonly_fields = ("outcome", "opinion", "authority_ok", "authority_note", "procedure_ok", "procedure_note",
                       "content_ok", "content_note", "reviewer", "created_at")
    exclude = ("content_fingerprint",)
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PartyCommitteeReportInline(admin.TabularInline):
    """条例 Art 31: recorded on the decision's page or over the API (review.services), shown here."""

    model = PartyCommitteeReport
    extra = 0
    readonly_fields = ("reported_on", "reference", "summary", "recorded_by", "recorded_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(FlowOwnedAdmin):
    list_display = ("id", "number", "title", "state", "department", "created_at")
    list_filter = ("state", "category")
    search_fields = ("title", "number")
    inlines = [PreparationInline, OpinionInline, PartyCommitteeReportInline]

    def save_model(self, request, obj, form, change):
        # 条例 Art 14: the admin cannot turn public participation off without the legal ground either.
        if not obj.public_participation_required and not obj.participation_exemption_ground.strip():
            raise InvalidInput(A14_GROUND_REQUIRED)
        return super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj) + ("created_by",)
        if obj is not None and obj.state not in EDITABLE_DECISION_STATES:
            return fields + CONTENT  # D3: content frozen after submission
        return fields

    def locked_edit_refusal(self, locked, changed):
        """D3, checked again under the row lock: a transition may have moved the decision since the form
        was loaded."""
        if locked.state not in EDITABLE_DECISION_STATES and set(changed) & set(CONTENT):
            return RuleViolation(Message(D3_NOT_EDITABLE, state=state_label(locked)), rule="D3")
        if "party_committee_report_required" in changed and locked.party_committee_report_required:
            # 条例 Art 31: the mark is lifted only with a recorded reason (review.services).
            return InvalidInput(A31_UNMARK_ELSEWHERE)
        return None

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
class MeetingAdmin(FlowOwnedAdmin):
    list_display = ("id", "number", "title", "date", "state", "chair")
    list_filter = ("state",)
    readonly_fields = ("created_by",)
    inlines = [AgendaInline]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.state != MeetingState.PLANNED:
            return fields + ("title", "date", "chair", "attendees")  # what was held stays as held
        return fields

    def locked_edit_refusal(self, locked, changed):
        if locked.state != MeetingState.PLANNED:
            return StateConflict(Message(MEETING_NOT_PLANNED, state=state_label(locked)), rule="state")
        return None

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
