"""Issue 17 item 4: on PostgreSQL the database itself refuses UPDATE and DELETE of audit entries.

AuditEntry.save() and .delete() refuse already, but QuerySet.update(), QuerySet.delete() and raw SQL pass the model
by. A row trigger on workflows_auditentry raises on UPDATE and DELETE, whoever runs them: `ENABLE ALWAYS` makes it
fire under `SET session_replication_role = replica` as well (a superuser's usual way to silence triggers), so only
someone with the right to alter the table (`ALTER TABLE … DISABLE TRIGGER …`, DDL) gets past it — and the hash
chain (`manage.py verify_audit`) still shows what they changed.

Not covered, on purpose:
- TRUNCATE stays allowed: Django's TransactionTestCase flush and a backup restore (pg_restore --clean, a fresh
  load) empty the table with TRUNCATE; a statement-level TRUNCATE trigger would break both. An emptied table is
  plain to verify_audit (the chain head, AuditChain, still counts the entries: "entries … were removed").
- The chain head (workflows_auditchain) is updated on every append, so it cannot be frozen like the entries.
- INSERT: appending is what the trail is for (workflows.audit.record).

SQLite has no such trigger (the migration does nothing there); the model and the hash chain guard it.
"""

from django.db import migrations

TABLE = "workflows_auditentry"
TRIGGER = "workflows_auditentry_append_only"

# One statement per item (the function body's semicolons are not statement ends).
FORWARD = [
    f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % of audit entry % refused', TG_OP, OLD.sequence
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The audit trail (workflows_auditentry) takes INSERT only; verify it with manage.py verify_audit.';
END;
$$""",
    f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
    # ALWAYS: fires under session_replication_role = replica too (a plain ENABLE'd trigger would not).
    f"ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER {TRIGGER}",
]

BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TRIGGER}()",
]


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL executed only when the database is PostgreSQL (forwards and backwards); elsewhere nothing."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0007_petition_and_mediation_roles")]
    operations = [PostgresOnlySQL(FORWARD, BACKWARD)]
