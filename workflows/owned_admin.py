"""The admin half of workflows.owned: flow-owned fields read only, change forms saved field by field under the
row lock (issue 10 fault 6)."""

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect

from . import audit
from .errors import Refusal


class FlowOwnedAdmin(admin.ModelAdmin):
    """ModelAdmin for a model with a flow: flow-owned fields read only; saves write only the changed fields,
    under the row lock, after `locked_edit_refusal` (override it) said nothing against the change."""

    def get_readonly_fields(self, request, obj=None):
        owned = tuple(self.model.FLOW_OWNED_FIELDS)
        return owned + tuple(f for f in super().get_readonly_fields(request, obj) if f not in owned)

    def locked_edit_refusal(self, locked, changed: list[str]) -> Refusal | None:
        """The refusal (a Refusal) for changing `changed` on the row `locked` as it is now, or None."""
        return None

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        owned = set(self.model.FLOW_OWNED_FIELDS)
        concrete = {f.name for f in self.model._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in concrete and name not in owned]
        if not changed:
            return None
        with transaction.atomic():
            locked = self.model.objects.select_for_update().get(pk=obj.pk)
            refusal = self.locked_edit_refusal(locked, changed)
            if refusal is not None:
                raise refusal
            obj.save(update_fields=changed)
            audit.record(locked, transition="admin_edit", source=locked.state, target=locked.state,
                         user=request.user, fields={"changed": sorted(changed)},
                         client_ip=audit.client_ip(request))
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refusal as refusal:  # raised in save_model under the lock: the whole save was rolled back
            self.message_user(request, str(refusal.message), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
