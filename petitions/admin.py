"""Admin of petitions (信访). What PetitionFlow sets (number, state, the dates and answers of its steps) is read only
here and never written by a change form (workflows.owned_admin): petitions move through the flow in the pages or
the API. The admin corrects what was typed at registration — the subject, the content, the channel, the
petitioners' names and contacts — each change audited on the petition. Reviews (复查, 复核) are recorded through
the flow and shown read only. Petitions are registered through petitions.services.create_petition (numbered, the
15-day acceptance deadline opened), never added here; they are kept, never deleted (the petition's file and its
audit trail)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workflows import audit
from workflows.errors import StateConflict
from workflows.masked_admin import MaskedPersonalDataInline
from workflows.owned_admin import FlowOwnedAdmin

from .models import MAX_GROUP_REPRESENTATIVES, Petition, Petitioner, PetitionReview

VILLAGE_FIXED = _("The petition went to the village already: its village is changed only by the flow.")


class PetitionerInline(MaskedPersonalDataInline):
    """The petitioners, or a group visit's representatives: at least one, at most five (条例 Art 19, statute). Phones
    and ID numbers are shown masked (workflows.masked_admin)."""

    model = Petitioner
    extra = 0
    min_num = 1
    max_num = MAX_GROUP_REPRESENTATIVES
    fields = ("name", "phone", "id_number", "address")

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, validate_max=True, **kwargs)


class ReviewInline(admin.TabularInline):
    """Review (复查) and re-review (复核) requests and the next-higher organ's answers (Art 35–36): recorded through
    PetitionFlow (request_review, record_review), read only here."""

    model = PetitionReview
    extra = 0
    fields = ("round", "requested_on", "organ", "request", "answered_on", "answer", "result", "recorded_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Petition)
class PetitionAdmin(FlowOwnedAdmin):
    list_display = ("number", "received_on", "channel", "subject", "village", "state", "final")
    list_filter = ("state", "channel", "group_visit", "final", "village")
    search_fields = ("number", "subject", "petitioners__name")
    date_hierarchy = "received_on"
    inlines = [PetitionerInline, ReviewInline]

    def get_readonly_fields(self, request, obj=None):
        # received_on anchors the acceptance deadline and the number's year; repeat_of the Art 36 ¶3 check.
        return super().get_readonly_fields(request, obj) + ("received_on", "repeat_of", "created_by", "created_at")

    def locked_edit_refusal(self, locked, changed):
        if "village" in changed and locked.sent_to_village_on is not None:
            return StateConflict(VILLAGE_FIXED, rule="state")
        return None

    def save_formset(self, request, form, formset, change):
        """Petitioners corrected here are audited on the petition (`admin_edit`, the fields named)."""
        changed = formset.model is Petitioner and formset.has_changed()
        super().save_formset(request, form, formset, change)
        if changed and change:
            petition = form.instance
            audit.record(petition, transition="admin_edit", source=petition.state, target=petition.state,
                         user=request.user, client_ip=audit.client_ip(request),
                         fields={"changed": ["petitioners"], "petitioners": petition.petitioners.count()})

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
