"""Reading issued documents (HackSoft selectors: queries only, no changes)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from . import registry
from .models import IssuedDocument

# The document being issued right now (documents.services.issue), not yet written: its content is taken before its
# row is inserted, and what that content reads of the document itself (its issued_at, e.g. the evidence list's
# cut-off) comes from here.
_issuing: ContextVar[IssuedDocument | None] = ContextVar("documents_issuing", default=None)


@contextmanager
def issuing(document: IssuedDocument) -> Iterator[None]:
    """Inside: issued() answers `document` (unsaved) for its own kind, object and record."""
    token = _issuing.set(document)
    try:
        yield
    finally:
        _issuing.reset(token)


def issued(kind_name: str, obj, record=None) -> IssuedDocument | None:
    """The IssuedDocument of kind `kind_name` for `obj` (and `record`, for a per-record kind), or None while the
    document has not been issued (the one being issued, inside issuing(), without a query)."""
    record_id = record.pk if record is not None else 0
    current = _issuing.get()
    if current is not None and (current.kind, current.owner_type, current.owner_id, current.record_id) == (
            kind_name, registry.owner_of(obj).name, obj.pk, record_id):
        return current
    return IssuedDocument.objects.filter(
        kind=kind_name, owner_type=registry.owner_of(obj).name, owner_id=obj.pk, record_id=record_id,
    ).first()


def issued_for(obj) -> dict[tuple[str, int], IssuedDocument]:
    """Every issued document of `obj`, keyed by (kind, record id; 0 for a per-object document): one query for
    a list of documents."""
    rows = IssuedDocument.objects.filter(owner_type=registry.owner_of(obj).name, owner_id=obj.pk)
    return {(row.kind, row.record_id): row for row in rows}
