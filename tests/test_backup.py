"""Backups (issue 17 item 7; workflows/backup.py, `manage.py backup` and `manage.py restore`).

The round trip: the demo town with attachments of every kind of owner, backed up; then a case deleted, rows
edited, a row and audit entries added, a stored file removed, another overwritten, a stray one added, a table a
later migration would make; restored: every table of every model (auto-created many-to-many tables too) has
exactly the rows it had, every stored file exactly its bytes, the audit chain is intact at its old head and the
attachments' verifier finds nothing. On SQLite in the default pass and on PostgreSQL in the PostgreSQL pass.

Refusals change nothing: a damaged, cut-short or tampered archive, another vendor's, newer code's, and a
non-empty database without --yes.
"""

import dataclasses
import hashlib
import io
import json
import os
import re
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from PIL import Image
from pypdf import PdfWriter

from cases.models import Case, Village
from documents import registry
from documents.attachments import store_attachment
from documents.models import Attachment, DocumentTemplate
from mediation.models import Mediation
from network.models import Activity
from petitions.models import Petition
from review.models import Decision, Meeting
from workflows import audit
from workflows.backup import BackupError, create_backup
from workflows.models import User

from .conftest import database_is_postgres, make_user

MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- what is compared ----------------------------------------------------------------------------------------

def every_model():
    """Every model with a table of its own: concrete, managed, including the auto-created through tables."""
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def rows_of_every_model() -> dict:
    """{model label: [row values in column order] ordered by pk} for every model."""
    snapshot = {}
    for model in every_model():
        columns = [f.attname for f in model._meta.concrete_fields]
        snapshot[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*columns))
    return snapshot


def table_counts() -> dict:
    """{table: rows} of every table in the database, those without a model (django_migrations) too."""
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def stored_files(media: Path) -> dict:
    """{path under MEDIA_ROOT: bytes}, leaving out the restore's own dot-folders at the top."""
    return {p.relative_to(media).as_posix(): p.read_bytes() for p in sorted(media.rglob("*"))
            if p.is_file() and not p.relative_to(media).parts[0].startswith(".")}


# --- real files ----------------------------------------------------------------------------------------------

def jpeg(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def attach_to_every_owner(monkeypatch) -> list[Attachment]:
    """A photo (with its thumbnail) and a PDF scan on a case, a decision, a meeting, a petition, a mediation and
    an activity of the demo town, through store_attachment (files written, SHA-256 in the audit chain)."""
    for name in ("cases", "decisions", "meetings", "petitions", "mediations", "activities"):
        monkeypatch.setitem(registry._owners, name,
                            dataclasses.replace(registry.owner(name), may_attach=lambda user, obj: True))
    uploader = User.objects.order_by("pk").first()
    stored = []
    owners = [("cases", Case), ("decisions", Decision), ("meetings", Meeting), ("petitions", Petition),
              ("mediations", Mediation), ("activities", Activity)]
    for n, (name, model) in enumerate(owners):
        obj = model.objects.order_by("pk").first()
        assert obj is not None, f"the demo town has no {name}"
        stored.append(store_attachment(name, obj, file=ContentFile(jpeg((40 * n, 100, 200)), name="现场.jpg"),
                                       category="photo", title=f"现场照片 {n}", user=uploader))
        stored.append(store_attachment(name, obj, file=ContentFile(pdf(), name="scan.pdf"),
                                       category="signed_document", title=f"签收回执 {n}", user=uploader))
    return stored


def archive_path(printed: str) -> Path:
    match = re.search(r"backup written: (\S+) \((\d+(?:\.\d)? (?:B|KB|MB|GB))\)", printed)
    assert match, printed
    return Path(match.group(1))


# --- the round trip --------------------------------------------------------------------------------------------

def round_trip(tmp_path, settings, monkeypatch):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    settings.PASSWORD_HASHERS = MD5
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    attachments = attach_to_every_owner(monkeypatch)
    template = DocumentTemplate(kind="penalty_decision", note="本镇格式")
    template.file.save("penalty.docx", ContentFile(b"PK\x03\x04 a replaced Word template"), save=True)

    rows_before = rows_of_every_model()
    tables_before = table_counts()
    files_before = stored_files(media)
    chain_before = audit.verify_chain()
    # The data is real: each kind of record the issue names, and an auto-created many-to-many table with rows.
    for label in ("cases.Case", "review.Decision", "petitions.Petition", "mediation.Mediation",
                  "documents.Attachment", "workflows.AuditEntry", "workflows.User_groups"):
        assert rows_before[label], label
    assert chain_before.intact and chain_before.count > 100
    assert len(files_before) == 2 * 6 + 6 + 1  # photos, PDFs, the photos' thumbnails, the Word template

    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    archive = archive_path(out.getvalue())
    assert archive.parent == tmp_path / "backups" and re.fullmatch(r"lawflow-backup-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert [p.name for p in archive.parent.iterdir()] == [archive.name]  # no temporary file left beside it
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # personal data: its owner's only
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"] == tables_before
    assert manifest["files"] == {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                                 for name, data in files_before.items()}
    assert manifest["audit_chain"]["length"] == chain_before.count
    applied = MigrationRecorder(connection).applied_migrations()
    assert manifest["migrations"] == {app: max(name for a, name in applied if a == app) for app, _ in applied}

    # --- what happens after the backup --------------------------------------------------------------------
    deleted = Case.objects.filter(payments__isnull=True, payment_plans__isnull=True, publications__isnull=True) \
        .order_by("pk").first()
    deleted_pk, deleted_number = deleted.pk, deleted.number
    deleted.delete()
    Petition.objects.filter(pk=Petition.objects.order_by("pk").first().pk).update(content="被改过的信访内容")
    Decision.objects.update(title="都改了")
    User.objects.filter(pk=attachments[0].uploaded_by_id).update(email="changed@example.com")
    added = Village.objects.create(name="后来村", code="HL99")
    audit.record(added, transition="create", comment="备份之后")
    photo, scan = attachments[0], attachments[1]
    os.remove(media / scan.file.name)
    (media / photo.thumbnail.name).write_bytes(b"not the thumbnail any more")
    (media / "cases" / "stray.bin").write_bytes(b"a file the backup never had")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE backup_later_table (id integer PRIMARY KEY)")
    assert audit.run_verifiers()[0].problems  # the removed scan is noticed before the restore

    # Without --yes a database that holds data is not replaced.
    with pytest.raises(CommandError, match=r"not empty \(\d+ users, \d+ audit entries, \d+ stored files") as refused:
        call_command("restore", str(archive), stdout=io.StringIO())
    assert "--yes" in str(refused.value)
    assert Village.objects.filter(pk=added.pk).exists() and not Case.objects.filter(pk=deleted_pk).exists()

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    printed = out.getvalue()
    assert f"database: {connection.vendor}, {len(tables_before)} tables, {sum(tables_before.values())} rows" in printed
    assert f"audit chain intact: {chain_before.count} entries" in printed
    assert f"attachment files intact: {len(attachments)} files" in printed

    # --- everything as it was -----------------------------------------------------------------------------
    assert Case.objects.get(pk=deleted_pk).number == deleted_number
    assert not Village.objects.filter(name="后来村").exists()
    rows_after = rows_of_every_model()
    assert rows_after.keys() == rows_before.keys()
    for label, rows in rows_before.items():
        assert rows_after[label] == rows, label
    assert table_counts() == tables_before  # the later table is gone, django_migrations as it was
    assert stored_files(media) == files_before
    chain = audit.verify_chain()
    assert chain.intact and chain.count == chain_before.count
    assert [found.problems for found in audit.run_verifiers()] == [[]]
    call_command("verify_audit", stdout=io.StringIO())
    # What MEDIA_ROOT held before the restore is kept aside, not lost.
    aside = printed.split("are kept in ")[1].split(";")[0]
    kept = stored_files(Path(aside))
    assert kept["cases/stray.bin"] == b"a file the backup never had"
    assert kept[photo.thumbnail.name] == b"not the thumbnail any more"
    assert scan.file.name not in kept


@pytest.mark.skipif(database_is_postgres(), reason="the PostgreSQL pass runs test_round_trip_postgres")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_round_trip_sqlite(tmp_path, settings, monkeypatch):
    assert connection.vendor == "sqlite"
    round_trip(tmp_path, settings, monkeypatch)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_round_trip_postgres(tmp_path, settings, monkeypatch):
    round_trip(tmp_path, settings, monkeypatch)


# --- refusals ------------------------------------------------------------------------------------------------

PHOTO = "cases/7/0a1b2c.jpg"


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory, django_db_setup, django_db_blocker):
    """A backup of the test database as it stands (migrated) and of one stored file, made once for the module
    outside any transaction."""
    media = tmp_path_factory.mktemp("small-media")
    (media / "cases" / "7").mkdir(parents=True)
    (media / PHOTO).write_bytes(jpeg((10, 20, 30)))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        return create_backup(tmp_path_factory.mktemp("small-backups")).path


def rewritten(archive: Path, target: Path, *, change=None, drop=()) -> Path:
    """A copy of `archive` with members' bytes changed (change: {name: bytes -> bytes}) or left out."""
    change = change or {}
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            if member.name in drop:
                continue
            data = source.extractfile(member).read()
            if member.name in change:
                data = change[member.name](data)
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def edit_manifest(edit):
    def change(data):
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()
    return change


@pytest.fixture
def media(tmp_path, settings):
    """MEDIA_ROOT of the test, holding one file of its own that no refused restore may touch."""
    root = tmp_path / "media"
    (root / "cases" / "1").mkdir(parents=True)
    (root / "cases" / "1" / "mine.jpg").write_bytes(b"the town's own photo")
    settings.MEDIA_ROOT = str(root)
    return root


def assert_untouched(media):
    assert stored_files(media) == {"cases/1/mine.jpg": b"the town's own photo"}
    assert os.listdir(media) == ["cases"]  # no staging folder left behind


def flip_one_byte(data: bytes) -> bytes:
    return data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]


@pytest.mark.django_db
@pytest.mark.parametrize("member", [f"media/{PHOTO}", "database"])
def test_a_damaged_member_is_refused(small_archive, tmp_path, media, member):
    name = member if member != "database" else ("database.sqlite3" if connection.vendor == "sqlite"
                                                 else "database.pgdump")
    damaged = rewritten(small_archive, tmp_path / "damaged.tar.gz", change={name: flip_one_byte})
    user = make_user("admin")
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(damaged), "--yes", stdout=io.StringIO())
    message = str(refused.value)
    assert "is damaged" in message and "SHA-256" in message and "nothing was restored" in message
    assert (name if member != "database" else "the database dump") in message
    assert_untouched(media)
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_a_cut_short_or_changed_archive_is_refused(small_archive, tmp_path, media):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(small_archive.read_bytes()[: small_archive.stat().st_size // 2])
    with pytest.raises(CommandError, match="is damaged or incomplete"):
        call_command("restore", str(cut), "--yes", stdout=io.StringIO())
    no_manifest = rewritten(small_archive, tmp_path / "no-manifest.tar.gz", drop={"manifest.json"})
    with pytest.raises(CommandError, match="has no manifest.json: it is not a whole lawflow backup"):
        call_command("restore", str(no_manifest), "--yes", stdout=io.StringIO())
    unlisted = rewritten(small_archive, tmp_path / "unlisted.tar.gz",
                         change={"manifest.json": edit_manifest(lambda m: m["files"].pop(PHOTO))})
    with pytest.raises(CommandError, match=f"holds media/{PHOTO}, which its manifest does not list"):
        call_command("restore", str(unlisted), "--yes", stdout=io.StringIO())
    missing = rewritten(small_archive, tmp_path / "missing.tar.gz", drop={f"media/{PHOTO}"})
    with pytest.raises(CommandError, match=f"lacks 1 file\\(s\\) its manifest lists, e.g. media/{PHOTO}"):
        call_command("restore", str(missing), "--yes", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", str(tmp_path / "nothing.tar.gz"), "--yes", stdout=io.StringIO())
    assert_untouched(media)


@pytest.mark.django_db
def test_another_vendors_backup_is_refused(small_archive, tmp_path, media):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = rewritten(small_archive, tmp_path / "other.tar.gz", change={
        "manifest.json": edit_manifest(lambda m: m["database"].update(vendor=other))})
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), "--yes", stdout=io.StringIO())
    mine, theirs = ("SQLite", "PostgreSQL") if other == "postgresql" else ("PostgreSQL", "SQLite")
    assert f"is a backup of a {theirs} database; this lawflow uses {mine}" in str(refused.value)
    assert_untouched(media)


@pytest.mark.django_db
def test_newer_codes_backup_is_refused(small_archive, tmp_path, media):
    def newer(manifest):
        manifest["migrations"]["cases"] = "0999_made_by_a_later_version"
        manifest["lawflow_version"] = "9.0.0"
    archive = rewritten(small_archive, tmp_path / "newer.tar.gz", change={"manifest.json": edit_manifest(newer)})
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), "--yes", stdout=io.StringIO())
    message = str(refused.value)
    assert "was made by newer lawflow code (version 9.0.0)" in message
    assert "cases.0999_made_by_a_later_version" in message and "nothing was restored" in message
    assert_untouched(media)


@pytest.mark.django_db
def test_a_database_or_media_root_with_data_is_not_replaced_without_yes(small_archive, tmp_path, media):
    # A stored file alone is data: the restore would replace it.
    with pytest.raises(CommandError, match=r"not empty \((\d+ users, )?(\d+ audit entries, )?1 stored files in .*--yes"):
        call_command("restore", str(small_archive), stdout=io.StringIO())
    make_user("drafter")
    with pytest.raises(CommandError, match=r"not empty \(\d+ users, (\d+ audit entries, )?1 stored files"):
        call_command("restore", str(small_archive), stdout=io.StringIO())
    assert_untouched(media)


@pytest.mark.django_db
def test_backup_refuses_to_run_inside_a_transaction(tmp_path, media):
    # Inside the test's transaction: pg_dump would not see its rows, and no outside call runs in a transaction.
    with pytest.raises(BackupError, match="must not run inside a database transaction"):
        create_backup(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_backup_refuses_an_output_folder_inside_media_root(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with pytest.raises(CommandError, match="write backups outside MEDIA_ROOT"):
        call_command("backup", output=str(tmp_path / "media" / "backups"), stdout=io.StringIO())
    assert not (tmp_path / "media").exists()


def test_nothing_is_left_behind_when_a_backup_fails(tmp_path, settings, monkeypatch, django_db_setup,
                                                   django_db_blocker):
    """A stored file that cannot be read stops the backup with its name; no archive, no temporary file."""
    media = tmp_path / "media"
    (media / "cases").mkdir(parents=True)
    unreadable = media / "cases" / "locked.jpg"
    unreadable.write_bytes(b"x")
    settings.MEDIA_ROOT = str(media)
    real_open = open

    def failing_open(path, *args, **kwargs):
        if str(path) == str(unreadable):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    with django_db_blocker.unblock(), pytest.raises(CommandError, match="cannot read the stored file .*locked.jpg"):
        call_command("backup", output=str(tmp_path / "out"), stdout=io.StringIO())
    assert os.listdir(tmp_path / "out") == []
