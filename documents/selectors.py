"""Reading issued documents (HackSoft selectors: queries only, no changes)."""

from . import registry
from .models import IssuedDocument


def issued(kind_name: str, obj, record=None) -> IssuedDocument | None:
    """The IssuedDocument of kind `kind_name` for `obj` (and `record`, for a per-record kind), or None while the
    document has not been issued."""
    return IssuedDocument.objects.filter(
        kind=kind_name, owner_type=registry.owner_of(obj).name, owner_id=obj.pk,
        record_id=record.pk if record is not None else 0,
    ).first()


def issued_for(obj) -> dict[tuple[str, int], IssuedDocument]:
    """Every issued document of `obj`, keyed by (kind, record id; 0 for a per-object document): one query for
    a list of documents."""
    rows = IssuedDocument.objects.filter(owner_type=registry.owner_of(obj).name, owner_id=obj.pk)
    return {(row.kind, row.record_id): row for row in rows}
