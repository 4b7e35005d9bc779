"""Tampering with the audit trail the way an attacker with database access would (issue 17 item 4).

On PostgreSQL the table refuses UPDATE and DELETE of entries (trigger `workflows_auditentry_append_only`, migration
workflows 0008, ENABLE ALWAYS): only someone with the right to alter the table gets past it, by disabling the trigger
(DDL). `tampering()` does exactly that for the duration of the block, inside the test's transaction (rolled back with
it). On SQLite there is no trigger and the block runs as it is.
"""

from contextlib import contextmanager

from django.db import connection

TABLE = "workflows_auditentry"
TRIGGER = "workflows_auditentry_append_only"


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def sql(statement: str, params=()) -> list:
    """Run raw SQL on the test database; the rows it returns, if any."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


@contextmanager
def tampering():
    """Inside: UPDATE and DELETE of audit entries pass (PostgreSQL: the trigger disabled as DDL rights allow)."""
    if not on_postgres():
        yield
        return
    # ALTER TABLE refuses while the transaction has pending trigger events (Django's deferred foreign-key checks of
    # the entries just written): check them now, and keep checking at once until the trigger is back.
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    sql(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
    try:
        yield
    finally:
        sql(f"ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER {TRIGGER}")
        sql("SET CONSTRAINTS ALL DEFERRED")
