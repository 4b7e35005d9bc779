"""The audit trail shows tampering (issue 17 item 4, DESIGN §6): each way of changing it behind the application's
back — an entry edited in any hashed field, an entry deleted (in the middle, at the end), an entry forged in the
middle with a hash of its own, two entries swapped, an attachment's stored file changed or removed — makes
`verify_chain` report the chain broken at the right entry and `manage.py verify_audit` exit 1 saying where and why.

On PostgreSQL the table refuses UPDATE and DELETE (the trigger of workflows migration 0008, tests at the end): these
tests first disable it, as only someone with DDL rights on the table can (tests/audit_helpers.tampering), so they
run in both the SQLite and the PostgreSQL pass. The Django admin offers no way to add, change or delete an entry.
"""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils import timezone
from pypdf import PdfWriter

from documents.attachments import store_attachment
from documents.models import Attachment
from review import services as review_services
from workflows import audit
from workflows.audit import entry_hash, verify_chain
from workflows.models import AuditChain, AuditEntry, User
from workflows.services import fire_transition

from .audit_helpers import TABLE, on_postgres, sql, tampering

pytestmark = [pytest.mark.clock, pytest.mark.django_db]


# --- a chain of real entries ---------------------------------------------------------------------------------

def user_with_role(username, role) -> User:
    user = User.objects.create(username=username)
    user.groups.add(Group.objects.get(name=role))
    return user


class Chain:
    """Seven entries: a decision created, submitted (with the client's IP), returned with an opinion, resubmitted;
    then two recorded actions with Chinese text and nested JSON in `fields`, and an attachment's `attach` entry
    when asked for."""

    def __init__(self):
        # No passwords: hashing is slow and not needed here.
        self.drafter = user_with_role("tamper-drafter", "drafter")
        self.judicial = user_with_role("tamper-judicial", "judicial_office")
        self.other = User.objects.create(username="tamper-other")
        self.decision = review_services.create_decision(
            user=self.drafter, title="石桥镇宅基地审批管理办法", body="第一条 一户一宅。",
            category="normative_document", department="农业农村办", public_participation_required=False,
            participation_exemption_ground="涉及国家秘密，依法不予公开（保守国家秘密法第2条）。",
        )
        fire_transition("decision", self.decision.pk, "submit_for_review", self.drafter, {"comment": "请审查"},
                        client_ip="10.1.2.3")
        fire_transition("decision", self.decision.pk, "return_for_revision", self.judicial,
                        {"opinion": "请补充依据", "procedure_ok": False})
        fire_transition("decision", self.decision.pk, "submit_for_review", self.drafter, {"comment": "已修改"})
        audit.record(self.decision, transition="note", user=self.judicial, comment="第一次备注",
                     fields={"金额": "200.00", "依据": ["处罚法第51条", {"款": 1}]}, client_ip="192.168.0.7")
        audit.record(self.decision, transition="note", user=self.drafter, comment="第二次备注", fields={"n": 2})
        # The judicial office's return, with its opinion as the comment (its document's `issue_document` follows).
        self.returned = AuditEntry.objects.get(transition="return_for_revision").sequence

    @property
    def length(self) -> int:
        return AuditEntry.objects.count()

    def entry(self, sequence) -> AuditEntry:
        return AuditEntry.objects.get(sequence=sequence)


@pytest.fixture
def chain(db):
    built = Chain()
    assert verify_chain().intact and built.length >= 6
    return built


def assert_broken_at(sequence: int, reason: str):
    """verify_chain names `sequence` and a reason containing `reason`; verify_audit exits 1 with both on stderr."""
    check = verify_chain()
    assert not check.intact, check
    assert (check.broken_sequence, reason in check.reason) == (sequence, True), check
    out = io.StringIO()
    with pytest.raises(CommandError) as broken:
        call_command("verify_audit", stdout=out, stderr=io.StringIO())
    assert broken.value.returncode == 1
    message = str(broken.value)
    assert message.startswith(f"audit chain broken at entry {sequence}: "), message
    assert reason in message
    assert "intact:" not in out.getvalue()  # nothing claims the chain is whole


def test_the_untouched_chain_is_intact(chain):
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().strip() == f"audit chain intact: {chain.length} entries"


# --- an edited entry -----------------------------------------------------------------------------------------

# Every field the hash covers (workflows.audit.entry_hash), each changed to a value of its own type.
EDITS = {
    "comment": lambda c, e: "改过的意见",
    "username": lambda c, e: "tamper-other",
    "user_id": lambda c, e: c.other.pk,
    "fields": lambda c, e: {**e.fields, "opinion": "依据充分"},
    "at": lambda c, e: e.at + datetime.timedelta(microseconds=1),
    "transition": lambda c, e: "pass_review",
    "source": lambda c, e: "draft",
    "target": lambda c, e: "review_passed",
    "object_type": lambda c, e: "cases.case",
    "object_id": lambda c, e: str(c.decision.pk + 1),
    "client_ip": lambda c, e: "10.9.9.9",
}


@pytest.mark.parametrize("field", list(EDITS))
def test_an_entry_edited_in_any_hashed_field_breaks_the_chain_there(chain, field):
    sequence = chain.returned  # in the middle, with a comment, a user, fields
    target = chain.entry(sequence)
    value = EDITS[field](chain, target)
    assert getattr(target, field) != value
    with tampering():  # QuerySet.update bypasses AuditEntry.save()
        assert AuditEntry.objects.filter(sequence=sequence).update(**{field: value}) == 1
    assert getattr(chain.entry(sequence), field) == value
    assert_broken_at(sequence, "content does not match its hash")


def test_a_raw_sql_edit_of_the_first_or_last_entry_is_found(chain):
    last = chain.length
    with tampering():
        sql(f"UPDATE {TABLE} SET comment = %s WHERE sequence = %s", ["已改", last])
    assert_broken_at(last, "content does not match its hash")
    with tampering():
        sql(f"UPDATE {TABLE} SET username = %s WHERE sequence = 1", ["someone"])
    assert_broken_at(1, "content does not match its hash")


def test_a_stored_hash_or_link_replaced_is_found(chain):
    with tampering():
        AuditEntry.objects.filter(sequence=4).update(hash="f" * 64)
    assert_broken_at(4, "content does not match its hash")
    with tampering():
        AuditEntry.objects.filter(sequence=4).update(hash=entry_hash(chain.entry(4)))  # put back
    assert verify_chain().intact
    with tampering():
        AuditEntry.objects.filter(sequence=2).update(prev_hash="0" * 64)
    assert_broken_at(2, "link to the previous entry does not match")


def test_an_edit_that_recomputes_the_entrys_own_hash_breaks_the_next_link(chain):
    """The attacker rewrites a comment and the entry's hash to match: the entry after it still links to the old."""
    entry = chain.entry(3)
    entry.comment = "同意"
    with tampering():
        AuditEntry.objects.filter(sequence=3).update(comment="同意", hash=entry_hash(entry))
    assert_broken_at(4, "link to the previous entry does not match")


# --- a deleted entry -----------------------------------------------------------------------------------------

def test_a_deleted_middle_entry_is_named(chain):
    with tampering():
        sql(f"DELETE FROM {TABLE} WHERE sequence = 3")
    assert_broken_at(3, "entry 3 is missing")


def test_a_deleted_first_entry_is_named(chain):
    with tampering():
        AuditEntry.objects.filter(sequence=1).delete()  # QuerySet.delete bypasses AuditEntry.delete()
    assert_broken_at(1, "entry 1 is missing")


def test_the_deleted_last_entry_or_entries_are_named(chain):
    last = chain.length
    with tampering():
        AuditEntry.objects.filter(sequence=last).delete()
    assert_broken_at(last, f"entry {last} removed from the end; the chain head records {last} entries")
    with tampering():
        AuditEntry.objects.filter(sequence=last - 1).delete()
    assert_broken_at(last - 1, f"entries {last - 1}–{last} removed from the end")


# --- an inserted entry ---------------------------------------------------------------------------------------

def forge(chain, sequence: int, prev_hash: str) -> AuditEntry:
    """An entry as record() would write it, with its own hash computed correctly."""
    forged = AuditEntry(sequence=sequence, object_type="review.decision", object_id=str(chain.decision.pk),
                        transition="pass_review", source="in_review", target="review_passed", user=chain.judicial,
                        username=chain.judicial.username, at=timezone.now(), fields={"opinion": "合法"},
                        comment="审查通过", client_ip=None, prev_hash=prev_hash)
    forged.hash = entry_hash(forged)
    return forged


def test_an_entry_forged_in_the_middle_with_its_own_hash_breaks_the_link_after_it(chain):
    """Entries 4… are moved up one and a well-formed entry 4 is put in, linking to entry 3; even the chain head is
    set to the new length and last hash. The old entry 4 (now 5) still links to entry 3: broken at 5."""
    n = chain.length
    with tampering():
        for sequence in range(n, 3, -1):  # from the top, so the unique sequence never collides
            AuditEntry.objects.filter(sequence=sequence).update(sequence=sequence + 1)
    forge(chain, 4, chain.entry(3).hash).save()
    AuditChain.objects.filter(pk=1).update(length=n + 1, last_hash=chain.entry(n + 1).hash)
    assert AuditEntry.objects.count() == n + 1
    assert_broken_at(5, "link to the previous entry does not match")


def test_an_entry_appended_behind_the_chain_heads_back_is_found(chain):
    """A forged entry after the last one, linked and hashed correctly, but not counted by the head (which record()
    locks and moves on every append)."""
    n = chain.length
    forge(chain, n + 1, chain.entry(n).hash).save()
    assert_broken_at(n + 1, f"entry {n + 1} was not appended through the chain head")


def test_a_last_entry_replaced_by_a_well_formed_forgery_is_found(chain):
    n = chain.length
    with tampering():
        AuditEntry.objects.filter(sequence=n).delete()
    forge(chain, n, chain.entry(n - 1).hash).save()
    assert_broken_at(n, "the last entry is not the one the chain head records")


# --- reordered entries ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("first, second", [(3, 4), (2, 5), (1, 6)])
def test_two_entries_with_their_sequences_swapped_break_the_chain_at_the_first(chain, first, second):
    with tampering():
        parked = 10**12  # sequences are unique: park one while the other moves
        AuditEntry.objects.filter(sequence=first).update(sequence=parked)
        AuditEntry.objects.filter(sequence=second).update(sequence=first)
        AuditEntry.objects.filter(sequence=parked).update(sequence=second)
    assert_broken_at(first, "link to the previous entry does not match")


# --- attachments' stored files -------------------------------------------------------------------------------

def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def attached(chain, settings, tmp_path):
    """Two PDFs attached to the decision through documents.attachments.store_attachment (each an `attach` entry
    with its SHA-256), stored on the file system under a fresh MEDIA_ROOT."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path / "media")
    rows = [store_attachment("decisions", chain.decision, user=chain.drafter, category="evidence",
                             title=f"扫描件{i}", file=SimpleUploadedFile(f"scan{i}.pdf", pdf_bytes(i)))
            for i in (1, 2)]
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "attachment files intact: 2 files" in out.getvalue()
    return [(row, tmp_path / "media" / row.file.name,
             AuditEntry.objects.get(transition="attach", fields__attachment_id=row.pk).sequence) for row in rows]


def assert_files_broken(*expected: str, untouched: Attachment):
    assert verify_chain().intact  # the chain itself is whole: the file is what changed
    out = io.StringIO()
    with pytest.raises(CommandError) as broken:
        call_command("verify_audit", stdout=out, stderr=io.StringIO())
    assert broken.value.returncode == 1
    assert "attachment files checked: 2, broken: 1" in out.getvalue()
    for text in expected:
        assert text in str(broken.value), str(broken.value)
    assert f"attachment {untouched.pk} " not in str(broken.value)


def test_an_attachment_whose_stored_bytes_changed_is_named_with_its_entry(attached):
    (row, path, sequence), (other, _, _) = attached
    data = path.read_bytes()
    path.write_bytes(data[:-2] + bytes([data[-2] ^ 1]) + data[-1:])  # one bit, same size
    assert_files_broken(f"attachment {row.pk} (audit entry {sequence}): the stored file {row.file.name} does not "
                        f"match its SHA-256 {row.sha256}", untouched=other)


def test_an_attachment_whose_stored_file_was_removed_is_named_with_its_entry(attached):
    (row, _, _), (other, path, sequence) = attached
    path.unlink()
    assert_files_broken(f"attachment {other.pk} (audit entry {sequence}): the stored file {other.file.name} is "
                        f"missing", untouched=row)


# --- the admin -----------------------------------------------------------------------------------------------

def test_the_admin_shows_entries_but_offers_no_add_change_or_delete(chain):
    root = User.objects.create_superuser("tamper-root", "root@example.org", "pw-for-tests-123")
    client = Client()
    client.force_login(root)
    entry = chain.entry(3)
    listing = client.get("/admin/workflows/auditentry/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "/admin/workflows/auditentry/add/" not in html and 'value="delete_selected"' not in html
    assert client.get("/admin/workflows/auditentry/add/").status_code == 403
    view = client.get(f"/admin/workflows/auditentry/{entry.pk}/change/")
    assert view.status_code == 200  # a read-only view: no input to edit, no save or delete button
    page = view.content.decode()
    assert entry.comment in page
    assert 'name="comment"' not in page and 'name="_save"' not in page and "/delete/" not in page
    posted = client.post(f"/admin/workflows/auditentry/{entry.pk}/change/", {"comment": "改", "_save": "1"})
    assert posted.status_code == 403
    assert client.get(f"/admin/workflows/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.post(f"/admin/workflows/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post("/admin/workflows/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk],
                                                        "post": "yes"}).status_code in (200, 302)
    assert AuditEntry.objects.get(pk=entry.pk).comment == entry.comment and AuditEntry.objects.count() == chain.length
    assert verify_chain().intact


# --- PostgreSQL: the table refuses UPDATE and DELETE ---------------------------------------------------------

def refused(statement: str, params=()) -> str:
    """Run `statement` in a savepoint; it must fail with the trigger's error. Returns the error's text."""
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        sql(statement, params)
    return str(error.value)


@pytest.fixture
def superuser_session(chain):
    assert on_postgres()
    # TRUNCATE and ALTER TABLE refuse while the entries just written have deferred foreign-key checks pending.
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    assert sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user") == [(True,)]  # postgres, superuser
    return chain


@pytest.mark.postgres
def test_update_and_delete_of_an_entry_are_refused_even_to_the_superuser(superuser_session):
    chain = superuser_session
    before = chain.entry(3).comment
    message = refused(f"UPDATE {TABLE} SET comment = 'x' WHERE sequence = 3")
    assert "audit entries are append-only: UPDATE of audit entry 3 refused" in message
    message = refused(f"DELETE FROM {TABLE} WHERE sequence = 3")
    assert "audit entries are append-only: DELETE of audit entry 3 refused" in message
    # Through the ORM alike (QuerySet.update and .delete pass the model's own refusal by).
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(sequence=2).update(comment="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == chain.length and chain.entry(3).comment == before
    assert verify_chain().intact


@pytest.mark.postgres
def test_the_trigger_fires_under_session_replication_role_replica(superuser_session):
    """`SET session_replication_role = replica` silences ordinary triggers (what a superuser would try);
    ENABLE ALWAYS keeps this one."""
    with transaction.atomic():
        sql("SET LOCAL session_replication_role = replica")
        assert sql("SHOW session_replication_role") == [("replica",)]
        assert "UPDATE of audit entry 2 refused" in refused(f"UPDATE {TABLE} SET username = 'x' WHERE sequence = 2")
        assert "DELETE of audit entry 5 refused" in refused(f"DELETE FROM {TABLE} WHERE sequence = 5")
    assert verify_chain().intact


@pytest.mark.postgres
def test_appending_still_works_and_truncate_stays_allowed(superuser_session):
    """INSERT is the trail's purpose; TRUNCATE is left to Django's test flush and a backup restore — and an emptied
    table is plain to verify_audit, since the chain head still counts the entries."""
    chain = superuser_session
    entry = audit.record(chain.decision, transition="note", user=chain.drafter, comment="追加")
    assert entry.sequence == chain.length and verify_chain().intact
    with transaction.atomic():
        sql(f"TRUNCATE {TABLE}")
        assert AuditEntry.objects.count() == 0
        check = verify_chain()
        assert (check.intact, check.broken_sequence) == (False, 1) and "removed from the end" in check.reason
        transaction.set_rollback(True)
    assert verify_chain().intact


@pytest.mark.postgres
def test_the_migration_is_reversible(superuser_session):
    """Backwards the trigger and its function are dropped (UPDATE passes again); forwards they are back."""
    from importlib import import_module

    from django.db import connection

    operation = import_module("workflows.migrations.0008_audit_entries_append_only").Migration.operations[0]
    with transaction.atomic():
        with connection.schema_editor(atomic=False) as editor:
            operation.database_backwards("workflows", editor, None, None)
        sql(f"UPDATE {TABLE} SET comment = comment WHERE sequence = 1")  # no trigger: passes
        assert sql("SELECT count(*) FROM pg_trigger WHERE tgname = 'workflows_auditentry_append_only'") == [(0,)]
        with connection.schema_editor(atomic=False) as editor:
            operation.database_forwards("workflows", editor, None, None)
        assert sql("SELECT tgenabled FROM pg_trigger WHERE tgname = 'workflows_auditentry_append_only'") == [("A",)]
        assert "append-only" in refused(f"UPDATE {TABLE} SET comment = comment WHERE sequence = 1")
        transaction.set_rollback(True)
