"""The network's business actions (DESIGN §11, CONTRACT §8): create and update the village legal advisers, the
法律明白人 and the activities, each checked here — the API and the pages only parse input and call these.

Every function takes the acting `user` (its roles checked against workflows.roles ACTION_ROLES: 403) and the
request's `client_ip` for the audit entry, and returns the saved object. A missing or wrong field is refused with
InvalidInput (400, the field named); a rule of the register with RuleViolation (409, the rule named).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Village
from cases.validators import PHONE
from workflows import audit
from workflows.errors import InvalidInput, Message, RuleViolation, bilingual
from workflows.services import require

from .models import Activity, ActivityKind, LegalAdviser, LegalLiterate

REQUIRED = _("This field is required.")
BAD_PHONE = _("Enter a mobile number (11 digits) or a landline such as 0375-1234567.")
END_BEFORE_START = _("The contract must end on or after the day it starts.")
NEGATIVE_ATTENDANCE = _("The attendance is a number of people, 0 or more.")
FUTURE_ACTIVITY = _("An activity is logged once it has been held: the date may not be after today ({today}).")
UNKNOWN_KIND = _("Unknown kind of activity.")
OVERLAP = _("{village} already has the legal adviser {name} under a contract from {start} to {end}; one adviser per "
            "village at a time (一村（社区）一法律顾问): end that contract first or choose other dates.")
# 一村（社区）一法律顾问: one adviser per village at a time. The national guidance (司法部《关于推进一村（社区）一法律顾问
# 工作的意见》) asks every village to have an adviser; that a village has only one contract at a time is this town's
# local practice, so the rule is named as such.
OVERLAP_RULE = "一村一法律顾问（本镇做法）"

ADVISER_FIELDS = ("village", "name", "firm", "phone", "contract_start", "contract_end")
LITERATE_FIELDS = ("village", "name", "phone", "trained_on")
ACTIVITY_FIELDS = ("kind", "held_on", "title", "village", "attendance", "campaign", "description")


def _merged(obj, fields, data: dict) -> dict:
    """The values after the change: those given in `data`, else the object's (a partial update)."""
    merged = {name: getattr(obj, name) for name in fields} if obj is not None else {}
    merged.update({name: value for name, value in data.items() if name in fields})
    for name in fields:
        merged.setdefault(name, None)
    return merged


def _text(values: dict, errors: dict, name: str, required: bool = True):
    value = values.get(name)
    value = "" if value is None else str(value).strip()
    values[name] = value
    if required and not value:
        errors.setdefault(name, []).append(bilingual(REQUIRED))


def _phone(values: dict, errors: dict):
    _text(values, errors, "phone", required=False)
    if values["phone"] and not PHONE.match(values["phone"]):
        errors.setdefault("phone", []).append(bilingual(BAD_PHONE))


def _required(values: dict, errors: dict, *names):
    for name in names:
        if values.get(name) in (None, ""):
            errors.setdefault(name, []).append(bilingual(REQUIRED))


def _check_types(values: dict, errors: dict, dates=(), villages=("village",)):
    for name in dates:
        if values.get(name) is not None and not isinstance(values[name], datetime.date):
            errors.setdefault(name, []).append(bilingual(_("Enter a valid date.")))
            values[name] = None
    for name in villages:
        if values.get(name) is not None and not isinstance(values[name], Village):
            errors.setdefault(name, []).append(bilingual(_("Unknown village.")))
            values[name] = None


def _refuse_if(errors: dict):
    if errors:
        raise InvalidInput(_("Invalid input."), fields=errors)


def _save(obj, values: dict, *, transition: str, user, client_ip):
    changed = {}
    for name, value in values.items():
        if getattr(obj, name, None) != value:
            changed[name] = value.pk if hasattr(value, "pk") else value
        setattr(obj, name, value)
    with transaction.atomic():
        obj.save()
        audit.record(obj, transition=transition, user=user, fields=changed, client_ip=client_ip)
    return obj


# --- village legal advisers ---------------------------------------------------------------------------------

def overlapping_contract(village, start, end, exclude_pk=None):
    """Another adviser of `village` whose contract shares at least one day with `start`–`end`, or None."""
    others = LegalAdviser.objects.filter(village=village, contract_start__lte=end, contract_end__gte=start)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.order_by("contract_start").first()


def save_adviser(adviser: LegalAdviser | None, data: dict, *, user, client_ip=None) -> LegalAdviser:
    """Create (adviser None) or update a village legal adviser from `data` (`village` a Village, `name`, `firm`,
    `phone`, `contract_start`, `contract_end` dates; an update takes any subset). Refuses: 403 without
    "network.edit"; 400 for a missing name, firm, village or date, a phone that is not one, a contract ending
    before it starts; 409 when the contract overlaps another adviser's contract for the same village (one adviser
    per village at a time, local practice of 一村（社区）一法律顾问)."""
    require("network.edit", user)
    values = _merged(adviser, ADVISER_FIELDS, data)
    errors: dict = {}
    _check_types(values, errors, dates=("contract_start", "contract_end"))
    _text(values, errors, "name")
    _text(values, errors, "firm")
    _phone(values, errors)
    _required(values, errors, "village", "contract_start", "contract_end")
    start, end = values["contract_start"], values["contract_end"]
    if start and end and end < start:
        errors.setdefault("contract_end", []).append(bilingual(END_BEFORE_START))
    _refuse_if(errors)
    with transaction.atomic():
        # Lock the village's row: two clerks saving contracts for one village at once queue up here.
        Village.objects.select_for_update().filter(pk=values["village"].pk).first()
        other = overlapping_contract(values["village"], start, end, exclude_pk=adviser.pk if adviser else None)
        if other is not None:
            raise RuleViolation(Message(OVERLAP, village=other.village.name, name=other.name,
                                        start=other.contract_start.isoformat(), end=other.contract_end.isoformat()),
                                rule=OVERLAP_RULE, fields={"contract_start": [bilingual(Message(
                                    OVERLAP, village=other.village.name, name=other.name,
                                    start=other.contract_start.isoformat(), end=other.contract_end.isoformat()))]})
        return _save(adviser or LegalAdviser(created_by=user), values,
                     transition="adviser_saved" if adviser else "adviser_registered", user=user, client_ip=client_ip)


# --- 法律明白人 ----------------------------------------------------------------------------------------------

def save_literate(literate: LegalLiterate | None, data: dict, *, user, client_ip=None) -> LegalLiterate:
    """Create (literate None) or update a 法律明白人 from `data` (`village`, `name`, `phone`, `trained_on`).
    Refuses: 403 without "network.edit"; 400 for a missing village or name, a wrong phone, a training day after
    today (a training is recorded once held)."""
    require("network.edit", user)
    values = _merged(literate, LITERATE_FIELDS, data)
    errors: dict = {}
    _check_types(values, errors, dates=("trained_on",))
    _text(values, errors, "name")
    _phone(values, errors)
    _required(values, errors, "village")
    today = timezone.localdate()
    if values["trained_on"] and values["trained_on"] > today:
        errors.setdefault("trained_on", []).append(bilingual(Message(
            _("The training is recorded once held: the date may not be after today ({today})."),
            today=today.isoformat())))
    _refuse_if(errors)
    return _save(literate or LegalLiterate(created_by=user), values,
                 transition="literate_saved" if literate else "literate_registered", user=user, client_ip=client_ip)


# --- activities ---------------------------------------------------------------------------------------------

def save_activity(activity: Activity | None, data: dict, *, user, client_ip=None) -> Activity:
    """Create (activity None) or update an activity from `data` (`kind`, `held_on`, `title`, `village` a Village or
    None for the town, `attendance` ≥ 0, optional `campaign` and `description`). Refuses: 403 without
    "activity.create"; 400 for an unknown kind, a missing title or date, a negative attendance, or a date after
    today (the log records activities held, not planned)."""
    require("activity.create", user)
    values = _merged(activity, ACTIVITY_FIELDS, data)
    errors: dict = {}
    _check_types(values, errors, dates=("held_on",))
    _text(values, errors, "title")
    _text(values, errors, "campaign", required=False)
    _text(values, errors, "description", required=False)
    _required(values, errors, "kind", "held_on")
    if values["kind"] and values["kind"] not in ActivityKind.values:
        errors.setdefault("kind", []).append(bilingual(UNKNOWN_KIND))
    attendance = values.get("attendance")
    if attendance in (None, ""):
        values["attendance"] = 0
    elif not isinstance(attendance, int) or isinstance(attendance, bool) or attendance < 0:
        errors.setdefault("attendance", []).append(bilingual(NEGATIVE_ATTENDANCE))
    today = timezone.localdate()
    if values["held_on"] and values["held_on"] > today:
        errors.setdefault("held_on", []).append(bilingual(Message(FUTURE_ACTIVITY, today=today.isoformat())))
    _refuse_if(errors)
    return _save(activity or Activity(created_by=user), values,
                 transition="activity_saved" if activity else "activity_logged", user=user, client_ip=client_ip)
