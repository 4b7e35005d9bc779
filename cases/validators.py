"""Identity numbers and phones of parties: resident ID (GB 11643-1999), unified social credit code
(GB 32100-2015), mainland phone numbers."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workflows.masking import mask_id, mask_phone  # noqa: F401 - how lists and pages show them (issue 17)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def resident_id_ok(value: str) -> bool:
    value = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born > datetime.date.today() or born.year < 1900:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == value[17]


def birth_date_from_resident_id(value: str) -> datetime.date | None:
    """GB 11643-1999: characters 7–14 of an 18-character resident ID are the date of birth (YYYYMMDD). None when
    the number is not a valid resident ID."""
    value = (value or "").strip().upper()
    if not resident_id_ok(value):
        return None
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def credit_code_ok(value: str) -> bool:
    value = (value or "").strip().upper()
    if len(value) != 18 or any(ch not in USCC_CHARSET for ch in value):
        return False
    total = sum(USCC_CHARSET.index(ch) * weight for ch, weight in zip(value[:17], USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return USCC_CHARSET[check] == value[17]


def validate_resident_id(value: str) -> None:
    if not resident_id_ok(value):
        raise ValidationError(_("Not a valid resident ID number (GB 11643: 18 characters, date of birth, check digit)."))


def validate_credit_code(value: str) -> None:
    if not credit_code_ok(value):
        raise ValidationError(_("Not a valid unified social credit code (GB 32100: 18 characters, check character)."))


def validate_phone(value: str) -> None:
    if value and not PHONE.match(value.strip()):
        raise ValidationError(_("Enter an 11-digit mobile number or a landline such as 0375-1234567."))
