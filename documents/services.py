"""Issuing documents (DESIGN §10, CONTRACT §6): the one place a document gets its number (文号).

A document is issued once, when the step that produces it happens (the review opinion is recorded, the decision
is signed, the meeting is held…); reading, printing or downloading a document never issues it.
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from workflows import audit
from workflows.numbering import next_number

from . import registry, selectors
from .models import IssuedDocument


def series_of(kind_name: str) -> str:
    """The number series (NumberSequence / NumberPattern scope) of a numbered document kind."""
    return f"doc:{kind_name}"


def issue(kind_name: str, obj, *, record=None, user=None, on: date, client_ip=None,
          locked: bool = False, unissued: bool = False) -> IssuedDocument:
    """Issue the document `kind_name` of `obj` (and `record` for a per-record kind) on the day `on`.

    Idempotent: when the document was issued already, the existing IssuedDocument is returned unchanged (a
    number is assigned once and never reissued, GB/T 9704 §7.2.5; DESIGN §10). For a numbered kind the next
    number of the series `doc:<kind>` of `on.year` is taken, in the admin's pattern (workflows.NumberPattern)
    or else the kind's `number_pattern`; the series is gap-free because the number is taken inside the caller's
    transaction (a rollback gives it back). Writes the audit entry `issue_document` on `obj` with the fields
    kind, number and record_id.

    The document's content is frozen at issue (`IssuedDocument.snapshot`: the kind's context rendered in
    settings.LANGUAGE_CODE), so a reprint reads as what was served even when the case's data changes later; a kind
    whose content legitimately grows after issue opts out with `extra={"frozen": False}`. The caller therefore
    issues once the data the document shows is in place (after the step's fields are set).

    `locked`: the caller has locked the object's row in this transaction already (fire_transition does).
    `unissued`: the caller has just found, under that lock, that the document is not issued yet (no query again).

    Refuses (RuntimeError) outside a transaction, and LookupError for an unknown kind or an object whose kind of
    object has no registered owner. It does not check `kind.unavailable`: the caller issues the document in the
    very step that makes it available, before that step's state is saved.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue() must run inside the transaction of the step that issues the document")
    kind = registry.kind(kind_name)
    owner = registry.owner_of(obj)
    record_id = record.pk if record is not None else 0
    # Lock the object's row so two requests issuing the same document queue up instead of both numbering it
    # (`locked`: the caller holds that lock already, e.g. the step of fire_transition that issues it).
    if not locked:
        type(obj)._default_manager.select_for_update().filter(pk=obj.pk).exists()
    if not unissued:
        existing = IssuedDocument.objects.filter(kind=kind.name, owner_type=owner.name, owner_id=obj.pk,
                                                 record_id=record_id).first()
        if existing is not None:
            return existing
    number = next_number(series_of(kind.name), on.year, kind.number_pattern) if kind.numbered else None
    document = IssuedDocument(
        kind=kind.name, owner_type=owner.name, owner_id=obj.pk, record_id=record_id, number=number,
        issued_on=on, issued_at=timezone.now(), issued_by=user if getattr(user, "pk", None) else None,
    )
    if kind.extra.get("frozen", True):
        # Taken before the row is written, the document already known as issued at `issued_at` (selectors.issuing),
        # so the evidence list's cut-off applies; the row is then inserted with its content (one INSERT).
        with selectors.issuing(document):
            document.snapshot = snapshot_of(kind, obj, record)
    # raw: the issued_at the content was taken with is stored as it is (auto_now_add would take a later instant).
    document.save_base(raw=True, force_insert=True)
    audit.record(obj, transition="issue_document", user=user, client_ip=client_ip,
                 fields={"kind": kind.name, "number": number or "", "record_id": record_id},
                 comment=f"{kind.title} {number}" if number else str(kind.title))
    return document


def jsonable(value):
    """`value` as plain JSON: lazy translations and other objects become str (in the active language), tuples
    become lists, dict keys str. Used for the snapshot of an issued document."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def snapshot_of(kind, obj, record=None) -> dict:
    """The kind's own context of `obj` (and `record`) as plain JSON in settings.LANGUAGE_CODE: what the document
    says when it is issued. Callables (a replacement template's helpers) are dropped."""
    with translation.override(settings.LANGUAGE_CODE):
        own = kind.context(obj, record) or {}
        return jsonable({key: value for key, value in own.items() if not callable(value)})
