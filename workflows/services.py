"""One service fires any transition: the UI, the API, the admin and Celery tasks all call `fire_transition`.

Inside one database transaction it locks the object's row, checks role, state, input and rules, runs the
viewflow transition, saves, and appends the audit entry. Two users racing on one object: the second waits
for the lock, then finds the state changed and gets a StateConflict (409).
"""

from contextlib import ExitStack
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import NoTransition, TransitionConditionsUnmet

from . import audit, roles
from .errors import InvalidInput, Message, NotFound, NotPermitted, Refusal, RuleViolation, StateConflict
from .forms import form_errors, json_type_errors

UNKNOWN_TRANSITION = _("There is no transition named “{name}”.")
ROLE_MAY_NOT = _("Your roles may not “{label}”; it needs one of: {roles}.")
ROLE_MAY_NOT_HERE = _("You may not “{label}” on this object.")
STATE_FORBIDS = _("“{label}” is not possible while the {object} is “{state}”.")
INPUT_INVALID = _("Some fields are missing or invalid.")
NOT_FOUND = _("No such {object}.")
ACTION_NOT_ALLOWED = _("Your roles may not do this.")


def require(action: str, user) -> None:
    """Refuse (403) an action the role table (roles.ACTION_ROLES) does not grant the user."""
    if not roles.may(action, user):
        raise NotPermitted(ACTION_NOT_ALLOWED, rule="roles")


class LazyList:
    """Translatable labels joined in whichever language renders them (a refusal is shown in two)."""

    def __init__(self, labels):
        self.labels = list(labels)

    def __str__(self):
        return "、".join(str(label) for label in self.labels)


def state_label(obj):
    """The state's label, still translatable (get_state_display() would fix the active language)."""
    return dict(obj._meta.get_field("state").flatchoices).get(obj.state, obj.state)


@dataclass(frozen=True)
class Process:
    name: str
    model: type
    flow: type
    forms: dict

    def label(self, name: str):
        method = getattr(self.flow, name)
        return next(iter(method.get_transitions())).label


# The processes, registered by their apps when Django starts (review.apps, cases.apps): the flows live in
# their apps and this module imports none of them.
_PROCESSES: dict[str, Process] = {}


def register_process(name: str, model: type, flow: type, forms: dict) -> None:
    """Make process `name` known to fire_transition: its model, its flow class and one form per transition
    (the forms validate the input of both the UI and the API). Called from an AppConfig.ready(); refuses a
    second, different process under a name already taken (ImproperlyConfigured)."""
    process = Process(name, model, flow, forms)
    if _PROCESSES.get(name, process) != process:
        raise ImproperlyConfigured(f"Two processes are registered as “{name}”: {_PROCESSES[name]} and {process}.")
    _PROCESSES[name] = process


# Context managers entered around every transition, inside its transaction: the audit chain's (its head locked once
# and written once per transition, workflows.audit.chain_scope; first, so it ends last), then those registered by
# the apps above (e.g. notifications.apps: the deadline bookkeeping that reads the calendar once per transition).
_TRANSITION_SCOPES: list = [audit.chain_scope]


def register_transition_scope(factory) -> None:
    """Have fire_transition enter `factory()` (a context manager) around each transition, inside its transaction
    and after the row lock, in registration order. Called from an AppConfig.ready(); a factory registered twice is
    kept once."""
    if factory not in _TRANSITION_SCOPES:
        _TRANSITION_SCOPES.append(factory)


def get_process(name: str) -> Process:
    return _PROCESSES[name]


def transition_form(process: Process, name: str, flow=None, data=None):
    return process.forms[name](data=data, flow=flow)


def fire_transition(process_name: str, pk, name: str, user, data=None, client_ip: str | None = None):
    """Fire transition `name` on object `pk` for `user` with input `data`; return the updated object."""
    process = get_process(process_name)
    if name not in process.flow.transition_names() or name not in process.forms:
        raise NotFound(Message(UNKNOWN_TRANSITION, name=name))
    label = process.label(name)
    if not roles.may_fire(process.name, name, user):
        allowed = LazyList(roles.ROLE_LABELS[r] for r in sorted(roles.TRANSITION_ROLES[(process.name, name)]))
        raise NotPermitted(Message(ROLE_MAY_NOT, label=label, roles=allowed), rule="roles")
    if data is not None and not isinstance(data, dict):
        raise InvalidInput(INPUT_INVALID)

    with transaction.atomic(), ExitStack() as scopes:
        # The flow's own foreign keys its guards read (the flow's `select_related`) come with the locked row; only
        # the object's own row is locked (`of`).
        rows = process.model.objects.select_for_update(of=("self",))
        related = getattr(process.flow, "select_related", ())
        if related:
            rows = rows.select_related(*related)
        obj = rows.filter(pk=pk).first()
        if obj is None:
            raise NotFound(Message(NOT_FOUND, object=process.model._meta.verbose_name))
        for factory in _TRANSITION_SCOPES:
            scopes.enter_context(factory())
        flow = process.flow(obj, user=user, client_ip=client_ip)
        method = getattr(flow, name)
        if not method.can_proceed(check_conditions=False):
            raise StateConflict(Message(
                STATE_FORBIDS, label=label, object=process.model._meta.verbose_name, state=state_label(obj)
            ), rule="state")
        if not method.has_perm(user):
            raise flow.object_refusal(name) or NotPermitted(Message(ROLE_MAY_NOT_HERE, label=label), rule="roles")
        form = transition_form(process, name, flow=flow, data=data or {})
        wrong_types = json_type_errors(form, data or {})
        if wrong_types:
            raise InvalidInput(INPUT_INVALID, fields=wrong_types)
        if not form.is_valid():
            raise InvalidInput(INPUT_INVALID, fields=form_errors(form))
        try:
            method(**form.cleaned_data)
        except TransitionConditionsUnmet as refused:
            if isinstance(refused.unmet_message, Refusal):
                raise refused.unmet_message from None
            raise RuleViolation(str(refused)) from None
        except NoTransition:  # pragma: no cover - can_proceed above already said yes
            raise StateConflict(Message(
                STATE_FORBIDS, label=label, object=process.model._meta.verbose_name, state=state_label(obj)
            ), rule="state") from None
    return obj


def unmet_refusal(process_name: str, obj, user, name: str) -> Refusal | None:
    """Why transition `name` is refused now although the object's state allows it and `user`'s roles may fire it:
    the refusal (a Refusal, in both languages) of its first unmet condition — e.g. the close guard's self-check
    vetoes — so a page can say why the step is not offered. None when the state or the role already rule it out
    (nothing to explain) or when nothing refuses it."""
    process = get_process(process_name)
    if name not in process.flow.transition_names() or not roles.may_fire(process.name, name, user):
        return None
    flow = process.flow(obj, user=user)
    method = getattr(flow, name)
    if not method.can_proceed(check_conditions=False) or not method.has_perm(user):
        return None
    transition = method._descriptor.get_transition(method._state.get(flow))
    unmet = transition.get_unmet_condition(flow) if transition else None
    if unmet is None:
        return None
    message = getattr(unmet[1], "message", "")
    return message if isinstance(message, Refusal) else None


def available_transitions(process_name: str, obj, user) -> list[dict]:
    """[{name, label}] the user may fire now (role, state and object-level rules)."""
    process = get_process(process_name)
    flow = process.flow(obj, user=user)
    return [{"name": t.slug, "label": str(t.label)} for t in flow.available_transitions(user)]
