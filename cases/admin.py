"""Admin: certificates, villages and the violation catalogue are managed here; cases are read only (they move
through the flow, in the UI or the API)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.deadlines import close_deadlines
from notifications.models import Deadline
from workflows.owned_admin import FlowOwnedAdmin

from .models import (
    Case,
    CorrectionOrder,
    FirstOffenceExemption,
    InquiryRecord,
    LegalReview,
    OfficerCertificate,
    Remedy,
    Village,
    ViolationType,
)
from .services import CERTIFICATE_KIND, sync_certificate_deadlines


@admin.register(OfficerCertificate)
class OfficerCertificateAdmin(admin.ModelAdmin):
    list_display = ("number", "officer", "issued_on", "expires_on", "revoked_on")
    list_filter = ("revoked_on",)
    search_fields = ("number", "officer__username", "officer__last_name")

    # Edits here bypass cases.services.set_certificate: keep the expiry deadlines (Art 42) in step all the same.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_certificate_deadlines(obj.officer)

    def delete_model(self, request, obj):
        close_deadlines(obj, CERTIFICATE_KIND, status=Deadline.Status.CANCELLED)
        super().delete_model(request, obj)
        sync_certificate_deadlines(obj.officer)


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(ViolationType)
class ViolationTypeAdmin(admin.ModelAdmin):
    # Art 63 ¶1(1): the province sets 较大数额 for a person and for an organisation (local practice)
    list_display = ("code", "name", "fine_min", "fine_max", "hearing_threshold", "hearing_threshold_org", "mediable",
                    "limitation_years", "active")
    list_filter = ("mediable", "active")
    search_fields = ("code", "name")


@admin.register(FirstOffenceExemption)
class FirstOffenceExemptionAdmin(admin.ModelAdmin):
    """The 首违不罚 list (处罚法 Art 33 ¶1), kept by the admin and published at /public/first-offence-list/."""

    list_display = ("violation_type", "conditions", "correction_days", "published_on", "active")
    list_filter = ("active",)
    search_fields = ("violation_type__code", "violation_type__name", "conditions")


class CorrectionOrderInline(admin.TabularInline):
    model = CorrectionOrder
    extra = 0
    fields = ("measure", "issued_on", "due_on", "status", "checked_on", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class InquiryInline(admin.TabularInline):
    model = InquiryRecord
    extra = 0
    fields = ("subject_name", "held_at", "recorded_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class LegalReviewInline(admin.TabularInline):
    model = LegalReview
    extra = 0
    readonly_fields = ("reviewer", "outcome", "opinion", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class RemedyInline(admin.TabularInline):
    """Reconsiderations and lawsuits: recorded through the flow's record_remedy, read only here."""
    model = Remedy
    extra = 0
    fields = ("kind", "body", "filed_on", "late", "outcome", "decided_on", "new_fine", "previous_fine")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(FlowOwnedAdmin):
    list_display = ("number", "state", "violation_type", "village", "party", "filed_on")
    list_filter = ("state", "violation_type", "village")
    search_fields = ("number", "party__name")
    inlines = [InquiryInline, LegalReviewInline, CorrectionOrderInline, RemedyInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("lawflow administration")
