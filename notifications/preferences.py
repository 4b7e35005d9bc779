"""A user's own notification preferences (issue 5): channels, contact details, quiet hours.

One service, `update_preferences`, holds every rule; both `PATCH /api/v1/me/` (web.site_api.MeView) and the web
page /inbox/preferences/ (notifications.pages.messages.PreferencesView) call it. Callers parse their input into Python
values (text, a list of channel names, `datetime.time` or None); the rules are checked here:

- phone: empty or an 11-digit mainland mobile number (1[3-9] and nine digits);
- email: empty or a valid e-mail address;
- wecom_userid: empty or a WeCom member UserID (1–64 letters, digits, "_-@.", starting with a letter or digit);
- notification_channels: only notifications.channels.PERSONAL_CHANNELS (in-app is always on and not listed);
  SMS needs a phone, e-mail needs an address, WeCom needs a WeCom user ID — a channel without them can never
  deliver;
- quiet hours: both ends or neither, and not the same time (that would be no quiet hours at all); an overnight
  span such as 22:00–07:00 is allowed (notifications.reminders.quiet_until reads it).

A cross-field rule is checked when the change touches one of its fields, against the values the user would have
after the change, so a change of one's name never fails over an older choice. Nothing is written unless every
rule holds; the user row is locked while it is read and written.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workflows.errors import InvalidInput, Message, bilingual
from workflows.models import User

from .channels import EMAIL, PERSONAL_CHANNELS, SMS, WECOM

EDITABLE = ("first_name", "last_name", "phone", "email", "notification_channels", "wecom_userid",
            "quiet_hours_start", "quiet_hours_end")
TEXT_LIMITS = {"first_name": 150, "last_name": 150, "phone": 20, "email": 254, "wecom_userid": 64}

PHONE_PATTERN = re.compile(r"1[3-9][0-9]{9}")
WECOM_USERID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_@.\-]{0,63}")

INPUT_INVALID = _("Some fields are missing or invalid.")
PHONE_FORMAT = _("Enter an 11-digit mainland mobile number.")
EMAIL_FORMAT = _("Enter a valid email address.")
WECOM_USERID_FORMAT = _("A WeCom user ID has 1–64 letters, digits, “_”, “-”, “@” or “.” and starts with a letter "
                        "or digit, as in the town's WeCom directory.")
UNKNOWN_CHANNEL = _("Unknown channel “{channel}”: choose from {choices} (in-app messages are always on).")
SMS_NEEDS_PHONE = _("SMS reminders need a mobile number: enter one, or do not choose SMS.")
EMAIL_NEEDS_ADDRESS = _("E-mail reminders need an e-mail address: enter one, or do not choose e-mail.")
WECOM_NEEDS_USERID = _("WeCom reminders need your WeCom user ID: enter it, or do not choose WeCom.")
QUIET_HOURS_BOTH = _("Give both the start and the end of the quiet hours, or neither.")
QUIET_HOURS_SAME = _("The quiet hours cannot start and end at the same time.")
TOO_LONG = _("At most {limit} characters.")
NOT_TEXT = _("Enter text.")
BAD_CHARACTERS = _("The text contains characters that cannot be stored.")
NOT_A_LIST = _("Give a list of channels.")
NOT_A_TIME = _("Enter a time such as 22:00.")
NOT_EDITABLE = _("This cannot be changed here.")

# channel → (the field it needs, the refusal when that field is empty)
CHANNEL_NEEDS = {
    SMS: ("phone", SMS_NEEDS_PHONE),
    EMAIL: ("email", EMAIL_NEEDS_ADDRESS),
    WECOM: ("wecom_userid", WECOM_NEEDS_USERID),
}


def update_preferences(user: User, changes: dict) -> User:
    """Apply `changes` (any of EDITABLE) to `user`'s own preferences and return the user, updated in place.

    Raises InvalidInput (400) with bilingual messages per field, and writes nothing, if any rule is broken.
    """
    errors: dict[str, list[str]] = {}
    cleaned = _clean(changes, errors)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        after = {name: cleaned.get(name, getattr(locked, name)) for name in EDITABLE}
        _check_channels_reachable(after, cleaned, errors)
        _check_quiet_hours(after, cleaned, errors)
        if errors:
            raise InvalidInput(INPUT_INVALID, fields=errors)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        if cleaned:
            locked.save(update_fields=list(cleaned))
    for name in EDITABLE:
        setattr(user, name, getattr(locked, name))
    return user


# --- each field on its own --------------------------------------------------------------------------------------


def _refuse(errors: dict, field: str, message) -> None:
    errors.setdefault(field, []).append(bilingual(message))


def _clean(changes: dict, errors: dict) -> dict:
    cleaned = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            _refuse(errors, str(name), NOT_EDITABLE)
        elif name == "notification_channels":
            cleaned[name] = _clean_channels(value, errors)
        elif name in ("quiet_hours_start", "quiet_hours_end"):
            cleaned[name] = _clean_time(name, value, errors)
        else:
            cleaned[name] = _clean_text(name, value, errors)
    return cleaned


def _clean_text(name: str, value, errors: dict) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        _refuse(errors, name, NOT_TEXT)
        return ""
    value = value.strip()
    if "\x00" in value or not _encodable(value):
        _refuse(errors, name, BAD_CHARACTERS)
        return ""
    limit = TEXT_LIMITS[name]
    if len(value) > limit and name not in ("phone", "wecom_userid"):  # those two say their own format
        _refuse(errors, name, Message(TOO_LONG, limit=limit))
    elif value and name == "phone" and not PHONE_PATTERN.fullmatch(value):
        _refuse(errors, name, PHONE_FORMAT)
    elif value and name == "wecom_userid" and not WECOM_USERID_PATTERN.fullmatch(value):
        _refuse(errors, name, WECOM_USERID_FORMAT)
    elif value and name == "email":
        try:
            validate_email(value)
        except ValidationError:
            _refuse(errors, name, EMAIL_FORMAT)
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _clean_channels(value, errors: dict) -> list[str]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        _refuse(errors, "notification_channels", NOT_A_LIST)
        return []
    chosen = {item.strip() for item in value}
    for unknown in sorted(chosen - set(PERSONAL_CHANNELS)):
        _refuse(errors, "notification_channels",
                Message(UNKNOWN_CHANNEL, channel=unknown[:40], choices=", ".join(PERSONAL_CHANNELS)))
    return [channel for channel in PERSONAL_CHANNELS if channel in chosen]


def _clean_time(name: str, value, errors: dict) -> datetime.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.time.fromisoformat(value.strip())
        except ValueError:
            pass
    if not isinstance(value, datetime.time) or value.tzinfo is not None:
        _refuse(errors, name, NOT_A_TIME)
        return None
    return value


# --- the fields together ----------------------------------------------------------------------------------------


def _check_channels_reachable(after: dict, cleaned: dict, errors: dict) -> None:
    """A chosen channel needs its contact; said beside the contact if it was changed, else beside the channels."""
    for channel, (needed, message) in CHANNEL_NEEDS.items():
        touched = "notification_channels" in cleaned or needed in cleaned
        if needed in errors or "notification_channels" in errors:
            continue  # its own format is wrong: that is the message
        if touched and channel in (after["notification_channels"] or []) and not after[needed]:
            _refuse(errors, needed if needed in cleaned else "notification_channels", message)


def _check_quiet_hours(after: dict, cleaned: dict, errors: dict) -> None:
    if "quiet_hours_start" not in cleaned and "quiet_hours_end" not in cleaned:
        return
    if "quiet_hours_start" in errors or "quiet_hours_end" in errors:
        return
    start, end = after["quiet_hours_start"], after["quiet_hours_end"]
    if (start is None) != (end is None):
        _refuse(errors, "quiet_hours_end" if end is None else "quiet_hours_start", QUIET_HOURS_BOTH)
    elif start is not None and start == end:
        _refuse(errors, "quiet_hours_end", QUIET_HOURS_SAME)
