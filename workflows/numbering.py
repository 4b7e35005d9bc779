"""Unique, gap-free yearly numbers (DESIGN D8 文号, C2 案号), format configurable per town."""

from django.conf import settings
from django.db import transaction

from .models import NumberSequence


def next_number(scope: str, year: int, fmt: str) -> str:
    """Issue the next number of `scope` in `year`.

    Must run inside the caller's transaction: the sequence row stays locked until it commits, and a
    rollback gives the number back, so the yearly series has no gaps.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    NumberSequence.objects.get_or_create(scope=scope, year=year)
    sequence = NumberSequence.objects.select_for_update().get(scope=scope, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return fmt.format(town=settings.TOWN_SHORT_NAME, town_name=settings.TOWN_NAME, year=year, seq=sequence.last)
