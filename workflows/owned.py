"""Fields a flow owns are written only by the flow.

A model with a flow (decision, meeting, case) lists in FLOW_OWNED_FIELDS what its transitions set: the state,
numbers, fingerprints, the dates and actors of transitions. Two guards keep everybody else off them:

- `FlowOwnedFields.save()`: a plain `save()` of an existing row writes every field *except* the flow-owned
  ones. An instance read before a transition committed and saved afterwards (the admin's change form racing
  an API transition, issue 10 fault 6) can no longer write its stale state back. Only the flow's own save
  (`save(flow=True)`, under the row lock taken by workflows.services.fire_transition) writes them; a service
  that sets one outside a transition names it in `update_fields` while holding the row lock.
- `FlowOwnedAdmin` (workflows.owned_admin): the admin shows those fields read only, and saves a change form with `update_fields` =
  the fields the user changed, after locking the row and re-checking the state rule guarding them
  (`locked_edit_refusal`), e.g. DESIGN D3 for a decision's content. A refusal is shown as an admin error
  message; nothing is written.
"""

class FlowOwnedFields:
    """Model mixin; the model sets FLOW_OWNED_FIELDS (field names)."""

    FLOW_OWNED_FIELDS: tuple[str, ...] = ()

    def save(self, *args, flow: bool = False, **kwargs):
        if not flow and not self._state.adding and kwargs.get("update_fields") is None and not args:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.FLOW_OWNED_FIELDS
            ]
        return super().save(*args, **kwargs)
