"""Unique, gap-free yearly numbers (DESIGN D8 文号, C2 案号, §10), format configurable per town: the default
pattern comes from the settings or the document kind; an admin may replace it per series (NumberPattern)."""

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
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
    taken = _take(scope, year)
    if taken is None:  # the first number of the year: the row is made (once, whoever races for it), then taken
        NumberSequence.objects.get_or_create(scope=scope, year=year)
        taken = _take(scope, year)
    last, pattern = taken
    return (pattern or fmt).format(town=settings.TOWN_SHORT_NAME, town_name=settings.TOWN_NAME, year=year, seq=last)


def _take(scope: str, year: int) -> tuple[int, str | None] | None:
    """Increment the sequence of `scope` in `year` and return (its new last number, the admin's pattern of the
    scope or None), in one statement: the UPDATE row-locks the sequence until the transaction ends (a concurrent
    caller waits, then increments what this one wrote), and RETURNING reads the pattern with it (PostgreSQL;
    SQLite ≥ 3.35). None when the sequence row does not exist yet."""
    quote = connection.ops.quote_name
    sequences, patterns = quote(NumberSequence._meta.db_table), quote(NumberPattern._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {sequences} SET {quote('last')} = {quote('last')} + 1 "
            f"WHERE {quote('scope')} = %s AND {quote('year')} = %s "
            f"RETURNING {quote('last')}, (SELECT p.{quote('pattern')} FROM {patterns} p "
            f"WHERE p.{quote('scope')} = %s ORDER BY p.{quote('id')} LIMIT 1)",
            [scope, year, scope])
        row = cursor.fetchone()
    return (row[0], row[1] or None) if row else None
