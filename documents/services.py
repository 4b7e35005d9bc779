"""Issuing documents (DESIGN §10, CONTRACT §6): the one place a document gets its number (文号).

A document is issued once, when the step that produces it happens (the review opinion is recorded, the decision
is signed, the meeting is held…); reading, printing or downloading a document never issues it.
"""

from datetime import date

from django.db import transaction

from workflows import audit
from workflows.numbering import next_number

from . import registry
from .models import IssuedDocument


def series_of(kind_name: str) -> str:
    """The number series (NumberSequence / NumberPattern scope) of a numbered document kind."""
    return f"doc:{kind_name}"


def issue(kind_name: str, obj, *, record=None, user=None, on: date, client_ip=None) -> IssuedDocument:
    """Issue the document `kind_name` of `obj` (and `record` for a per-record kind) on the day `on`.

    Idempotent: when the document was issued already, the existing IssuedDocument is returned unchanged (a
    number is assigned once and never reissued, GB/T 9704 §7.2.5; DESIGN §10). For a numbered kind the next
    number of the series `doc:<kind>` of `on.year` is taken, in the admin's pattern (workflows.NumberPattern)
    or else the kind's `number_pattern`; the series is gap-free because the number is taken inside the caller's
    transaction (a rollback gives it back). Writes the audit entry `issue_document` on `obj` with the fields
    kind, number and record_id.

    Refuses (RuntimeError) outside a transaction, and LookupError for an unknown kind or an object whose kind of
    object has no registered owner. It does not check `kind.unavailable`: the caller issues the document in the
    very step that makes it available, before that step's state is saved.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue() must run inside the transaction of the step that issues the document")
    kind = registry.kind(kind_name)
    owner = registry.owner_of(obj)
    record_id = record.pk if record is not None else 0
    # Lock the object's row so two requests issuing the same document queue up instead of both numbering it.
    type(obj)._default_manager.select_for_update().filter(pk=obj.pk).exists()
    existing = IssuedDocument.objects.filter(kind=kind.name, owner_type=owner.name, owner_id=obj.pk,
                                             record_id=record_id).first()
    if existing is not None:
        return existing
    number = next_number(series_of(kind.name), on.year, kind.number_pattern) if kind.numbered else None
    document = IssuedDocument.objects.create(
        kind=kind.name, owner_type=owner.name, owner_id=obj.pk, record_id=record_id, number=number,
        issued_on=on, issued_by=user if getattr(user, "pk", None) else None,
    )
    audit.record(obj, transition="issue_document", user=user, client_ip=client_ip,
                 fields={"kind": kind.name, "number": number or "", "record_id": record_id},
                 comment=f"{kind.title} {number}" if number else str(kind.title))
    return document
