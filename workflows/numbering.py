"""Unique, gap-free yearly numbers (DESIGN D8 文号, C2 案号, §10), format configurable per town: the default
pattern comes from the settings or the document kind; an admin may replace it per series (NumberPattern)."""

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import NumberPattern, NumberSequence

PLACEHOLDERS = ("town", "town_name", "year", "seq")
PATTERN_NEEDS_YEAR_AND_SEQ = _(
    "The pattern must contain {year} and {seq}: the number of the year restarts each year, so without both "
    "two documents could carry the same number."
)
PATTERN_UNKNOWN_PLACEHOLDER = _("Unknown placeholder {{{name}}}: use only {{town}}, {{town_name}}, {{year}} and {{seq}}.")
PATTERN_MALFORMED = _("The pattern is not well formed: check that its braces { } come in pairs.")


def check_pattern(pattern: str) -> None:
    """Refuse (django ValidationError, translated) a pattern without {year} and {seq} (numbers would repeat
    across years or within one), with an unknown placeholder, or with unbalanced braces."""
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(pattern or "") if name is not None]
    except ValueError:
        raise ValidationError(PATTERN_MALFORMED) from None
    for name in names:
        if name not in PLACEHOLDERS:
            raise ValidationError(str(PATTERN_UNKNOWN_PLACEHOLDER).format(name=name))
    if "year" not in names or "seq" not in names:
        raise ValidationError(PATTERN_NEEDS_YEAR_AND_SEQ)


def pattern_for(scope: str, default: str) -> str:
    """The admin's pattern of `scope` (NumberPattern) if one is set, else `default`."""
    override = NumberPattern.objects.filter(scope=scope).values_list("pattern", flat=True).first()
    return override or default


def next_number(scope: str, year: int, fmt: str) -> str:
    """Issue the next number of `scope` in `year`, formatted with the admin's pattern of the scope when one is
    set (NumberPattern), else with `fmt`.

    Must run inside the caller's transaction: the sequence row stays locked until it commits, and a
    rollback gives the number back, so the yearly series has no gaps.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    fmt = pattern_for(scope, fmt)
    sequence = NumberSequence.objects.select_for_update().filter(scope=scope, year=year).first()
    if sequence is None:  # the first number of the year: the row is made (once, whoever races for it), then locked
        NumberSequence.objects.get_or_create(scope=scope, year=year)
        sequence = NumberSequence.objects.select_for_update().get(scope=scope, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return fmt.format(town=settings.TOWN_SHORT_NAME, town_name=settings.TOWN_NAME, year=year, seq=sequence.last)
