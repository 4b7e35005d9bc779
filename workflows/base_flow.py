"""What every flow shares: the state slot bound to the model's `state` field, and the audit on success."""

from django.db import models
from viewflow import fsm
from viewflow.fsm.base import TransitionDescriptor
from viewflow.utils import DEFAULT

from . import audit


def refuse(ok: bool, violation) -> fsm.State.CONDITION:
    """A viewflow condition result that carries its typed refusal (a RuleViolation) as the unmet message."""
    return fsm.State.CONDITION(bool(ok), unmet=violation)


def serializable(fields: dict) -> dict:
    out = {}
    for key, value in (fields or {}).items():
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, (models.QuerySet, list, tuple, set)):
            value = sorted(v.pk if isinstance(v, models.Model) else v for v in value)
        out[key] = value
    return out


COMMENT_FIELDS = ("comment", "opinion", "reason", "minutes", "summary", "agreement", "note")


def model_state(states, default) -> fsm.State:
    """A viewflow State read from and written to `flow.obj.state`; each success saves and audits."""
    state = fsm.State(states, default=default)

    @state.getter()
    def _get_state(flow):
        return states(flow.obj.state) if flow.obj.state else None

    @state.setter()
    def _set_state(flow, value):
        flow.obj.state = getattr(value, "value", value)

    @state.on_success()
    def _on_success(flow, descriptor, source, target, **fields):
        flow.obj.save(flow=True)  # the flow writes the fields it owns (workflows.owned), under the row lock
        name = descriptor._func.__name__
        if target is DEFAULT:  # a transition without a target records something and leaves the state as it is
            target = flow.obj.state
        comment = next((str(fields[f]) for f in COMMENT_FIELDS if fields.get(f)), "")
        flow.audit_entry = audit.record(
            flow.obj, transition=name, source=getattr(source, "value", source),
            target=getattr(target, "value", target), user=flow.user, fields=serializable(fields),
            comment=comment, client_ip=flow.client_ip,
        )
        flow.after_transition(name)  # e.g. the documents the step issues, audited after the step itself

    return state


class BaseFlow:
    """A flow wraps one object for one user (viewflow cookbook style). Subclasses declare `state`."""

    process: str = ""
    state: fsm.State

    def __init__(self, obj, user=None, client_ip: str | None = None):
        self.obj = obj
        self.user = user
        self.client_ip = client_ip
        self.audit_entry = None

    @classmethod
    def transition_names(cls) -> list[str]:
        """Transition names in declaration order (the order buttons appear in)."""
        names = []
        for klass in reversed(cls.__mro__):
            for name, attr in vars(klass).items():
                if isinstance(attr, TransitionDescriptor) and name not in names:
                    names.append(name)
        return names

    def after_transition(self, name: str) -> None:
        """Called inside the transition's transaction once it is saved and audited; a flow overrides it to do what
        follows from the step (the case issues its numbered documents). Nothing by default."""

    def object_permission(self, transition: str, user) -> bool:
        """Beyond the role table: may this user act on this very object? (e.g. only a case's officers)"""
        return True

    def object_refusal(self, transition: str):
        """The refusal (a NotPermitted) to raise when object_permission says no; None for the default."""
        return None

    def available_transitions(self, user=None):
        """Transitions `user` may fire now: allowed from this state, by role, and object-level rules met."""
        user = user or self.user
        state_descriptor = type(self).state
        found = state_descriptor.get_available_transitions(self, state_descriptor.get(self), user)
        order = {name: i for i, name in enumerate(self.transition_names())}
        return sorted(found, key=lambda t: order.get(t.slug, 0))
