"""The append-only, hash-chained audit trail (DESIGN §6, 处罚法 Art 47 full-process record)."""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timezone as dt_timezone

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import AuditChain, AuditEntry


def client_ip(request) -> str | None:
    """The address an audit entry records for a request from the web pages, the API or the admin (None if the
    server was not told one)."""
    return request.META.get("REMOTE_ADDR") or None


def json_safe(value) -> dict:
    """Round-trip through JSON so what is hashed is exactly what the database gives back."""
    return json.loads(json.dumps(value or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def entry_hash(entry: AuditEntry) -> str:
    payload = {
        "sequence": entry.sequence,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "transition": entry.transition,
        "source": entry.source,
        "target": entry.target,
        "user_id": entry.user_id,
        "username": entry.username,
        "at": entry.at.astimezone(dt_timezone.utc).isoformat(timespec="microseconds"),
        "fields": entry.fields,
        "comment": entry.comment,
        "client_ip": entry.client_ip,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def object_type_of(obj) -> str:
    return obj._meta.label_lower


class _ChainScope:
    """The chain head as one transition scope holds it (see chain_scope())."""

    def __init__(self) -> None:
        self.base = _savepoints()  # the savepoint level the scope was entered at (fire_transition's)
        self.head: AuditChain | None = None  # locked by the first entry appended at that level, then kept here
        self.dirty = False  # entries were appended that the stored head does not count yet
        self.uncertain = False  # an entry went through a savepoint of its own, which may have been rolled back

    def current_head(self) -> AuditChain:
        """The head as it stands: the one kept here, unless a savepoint of its own may have taken an entry back;
        then it is derived from the last entry stored (the entries, not the head, are the truth)."""
        if self.uncertain:
            last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
            self.head.length, self.head.last_hash = last if last else (0, "")
            self.uncertain, self.dirty = False, True
        return self.head

    def flush(self) -> None:
        """Write the head kept in memory (one UPDATE), if it moved."""
        if self.head is not None:
            self.current_head()
            if self.dirty:
                self.head.save(update_fields=["last_hash", "length"])
        self.dirty = False


_chain_scope: ContextVar[_ChainScope | None] = ContextVar("workflows_audit_chain_scope", default=None)


def _savepoints() -> list:
    return [sid for sid in transaction.get_connection().savepoint_ids if sid is not None]


@contextmanager
def chain_scope() -> Iterator[None]:
    """One transaction's appends to the chain (workflows.services.fire_transition enters it around each transition,
    inside its transaction): the first entry locks the chain head (SELECT … FOR UPDATE) and keeps it in memory, each
    further entry is one INSERT, and the head is written once, when the scope ends without an error — still inside
    the transaction, before its commit. The row lock on the head is held until that commit, so no one else can
    append in between: the head kept in memory is the head. On an error the head is not written; the transaction
    rolls back, the entries with it. Nested scopes share the outer one.

    An entry appended inside a savepoint opened within the scope (which may be rolled back on its own) writes the
    head at once, as outside a scope; the next entry then derives the head from the last entry stored. Entries
    recorded outside any scope keep the lock-insert-update of each. verify_chain() is not meant to run inside a
    scope (the stored head lags until the scope ends)."""
    if _chain_scope.get() is not None:
        yield
        return
    scope = _ChainScope()
    token = _chain_scope.set(scope)
    try:
        yield
        scope.flush()
    finally:
        _chain_scope.reset(token)


@transaction.atomic(savepoint=False)
def record(obj, *, transition: str, source: str = "", target: str = "", user=None,
           fields: dict | None = None, comment: str = "", client_ip: str | None = None) -> AuditEntry:
    """Append one entry and return it. The chain head is row-locked, so concurrent appends queue up instead of
    forking; inside a chain_scope() the head is locked once per scope and written once at its end.

    Inside the caller's transaction it takes no savepoint of its own (two statements fewer per entry): an error here
    rolls back the caller's whole step, which is what a step without its audit entry must do anyway."""
    scope = _chain_scope.get()
    at_base = scope is not None and _savepoints() == scope.base
    if at_base and scope.head is None:
        scope.head = AuditChain.objects.select_for_update().get(pk=1)  # held until the transaction commits
    if scope is not None and scope.head is not None:
        head = scope.current_head()
    else:
        head = AuditChain.objects.select_for_update().get(pk=1)
    entry = AuditEntry(
        sequence=head.length + 1,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        transition=transition,
        source=str(source or ""),
        target=str(target or ""),
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        at=timezone.now(),
        fields=json_safe(fields),
        comment=comment or "",
        client_ip=client_ip or None,
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(entry)
    entry.save()
    head.last_hash = entry.hash
    head.length = entry.sequence
    if at_base:
        scope.dirty = True  # written once, when the scope ends (chain_scope)
    else:
        head.save(update_fields=["last_hash", "length"])
        if scope is not None and scope.head is not None:
            scope.uncertain = True  # that savepoint may yet be rolled back, the entry and the head's move with it
    return entry


@dataclass
class ChainCheck:
    intact: bool
    count: int
    broken_sequence: int | None = None
    reason: str = ""


def verify_chain() -> ChainCheck:
    """Recompute every hash in order; the first entry whose hash or link does not match breaks the chain."""
    prev_hash = ""
    expected_sequence = 1
    count = 0
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            return ChainCheck(False, count, expected_sequence, f"entry {expected_sequence} is missing")
        if entry.prev_hash != prev_hash:
            return ChainCheck(False, count, entry.sequence, "link to the previous entry does not match")
        if entry_hash(entry) != entry.hash:
            return ChainCheck(False, count, entry.sequence, "content does not match its hash")
        prev_hash = entry.hash
        expected_sequence += 1
        count += 1
    # The head (AuditChain) counts what record() appended: entries cut off the end, or one added behind its back.
    head = AuditChain.objects.filter(pk=1).first()
    if head is not None and head.length > count:
        missing = f"entry {count + 1}" if head.length == count + 1 else f"entries {count + 1}–{head.length}"
        return ChainCheck(False, count, count + 1,
                          f"{missing} removed from the end; the chain head records {head.length} entries")
    if head is not None and head.length < count:
        return ChainCheck(False, head.length, head.length + 1,
                          f"entry {head.length + 1} was not appended through the chain head; "
                          f"the head records {head.length} entries, {count} are stored")
    if head is not None and head.last_hash != prev_hash:
        return ChainCheck(False, max(count - 1, 0), count, "the last entry is not the one the chain head records")
    return ChainCheck(True, count)


def history_of(obj):
    return AuditEntry.objects.filter(object_type=object_type_of(obj), object_id=obj.pk).select_related("user")


@dataclass
class FileCheck:
    """What one registered verifier found: `what` names the things checked (e.g. "attachment files"),
    `checked` how many, `problems` one line per broken one (empty when all are whole)."""

    what: str
    checked: int
    problems: list[str]


# Verifiers of what the chain points at outside itself (attachments' files and their SHA-256). The apps above
# register them in their AppConfig.ready(); the core cannot import them (DESIGN §13), and `verify_audit` runs
# them after the chain itself.
_verifiers: list = []


def register_verifier(verifier) -> None:
    """Register `verifier() -> FileCheck`, run by `manage.py verify_audit` after the chain (once per function,
    however often ready() runs)."""
    if verifier not in _verifiers:
        _verifiers.append(verifier)


def run_verifiers() -> list[FileCheck]:
    """The registered verifiers' findings, in registration order."""
    return [verifier() for verifier in _verifiers]
