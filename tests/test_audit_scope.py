"""The audit chain inside one transition scope (workflows.audit.chain_scope, issue 18): the head is locked once and
written once, and the chain stays whole whatever happens inside the scope."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from workflows import audit
from workflows.models import AuditChain, AuditEntry

from .conftest import make_user


def head_writes(queries) -> int:
    return sum(1 for q in queries.captured_queries
               if q["sql"].startswith("UPDATE") and "workflows_auditchain" in q["sql"])


def head_locks(queries) -> int:
    """The reads of the head (each with FOR UPDATE on PostgreSQL; SQLite locks the whole database instead)."""
    return sum(1 for q in queries.captured_queries
               if q["sql"].startswith("SELECT") and 'FROM "workflows_auditchain"' in q["sql"])


@pytest.mark.django_db
def test_three_entries_in_one_scope_lock_and_write_the_head_once_and_the_chain_verifies():
    user = make_user("drafter")
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), audit.chain_scope():
        for n in range(3):
            audit.record(user, transition=f"step{n}", user=user)
    assert head_locks(queries) == 1 and head_writes(queries) == 1
    assert audit.verify_chain().intact
    assert AuditChain.objects.get(pk=1).length == AuditEntry.objects.count()


@pytest.mark.django_db
def test_outside_a_scope_each_entry_writes_the_head():
    user = make_user("drafter")
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for n in range(2):
            audit.record(user, transition=f"step{n}", user=user)
    assert head_locks(queries) == 2 and head_writes(queries) == 2
    assert audit.verify_chain().intact


@pytest.mark.django_db
def test_an_error_in_the_scope_writes_no_head_and_rolls_the_entries_back():
    user = make_user("drafter")
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), audit.chain_scope():
        audit.record(user, transition="step", user=user)
        raise RuntimeError("the step failed")
    assert AuditEntry.objects.count() == before
    assert audit.verify_chain().intact


@pytest.mark.django_db
@pytest.mark.parametrize("rolled_back", [True, False])
def test_an_entry_in_a_savepoint_of_its_own_keeps_the_chain_whole_whether_or_not_it_is_rolled_back(rolled_back):
    user = make_user("drafter")
    start = AuditChain.objects.get(pk=1).length
    with transaction.atomic(), audit.chain_scope():
        audit.record(user, transition="before", user=user)
        try:
            with transaction.atomic():  # a savepoint of its own, rolled back alone
                audit.record(user, transition="inside", user=user)
                if rolled_back:
                    raise IntegrityError("the inner part failed")
        except IntegrityError:
            pass
        audit.record(user, transition="after", user=user)
    names = list(AuditEntry.objects.filter(sequence__gt=start).order_by("sequence").values_list("transition",
                                                                                               flat=True))
    assert names == (["before", "after"] if rolled_back else ["before", "inside", "after"])
    assert audit.verify_chain().intact
