"""The append-only, hash-chained audit trail (DESIGN §6, 处罚法 Art 47 full-process record)."""

import hashlib
import json
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


@transaction.atomic(savepoint=False)
def record(obj, *, transition: str, source: str = "", target: str = "", user=None,
           fields: dict | None = None, comment: str = "", client_ip: str | None = None) -> AuditEntry:
    """Append one entry. The chain head is row-locked, so concurrent appends queue up instead of forking.

    Inside the caller's transaction it takes no savepoint of its own (two statements fewer per entry): an error here
    rolls back the caller's whole step, which is what a step without its audit entry must do anyway."""
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
    head.save(update_fields=["last_hash", "length"])
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
