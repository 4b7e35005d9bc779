"""Backups of the whole of lawflow's data: the database and the stored files, in one archive (issue 17 item 7).

`create_backup(output_dir)` writes `lawflow-backup-YYYYmmdd-HHMMSS.tar.gz` holding

- the database: on PostgreSQL a `pg_dump --format=custom` file (`database.pgdump`, the client of the server's
  major version), on SQLite a consistent online copy through SQLite's backup API (`database.sqlite3`);
- every stored file under MEDIA_ROOT (`media/…`: attachments, their thumbnails, uploaded Word templates);
  attachments kept in an S3 bucket (ATTACHMENT_STORAGE=s3) are not copied: the bucket keeps its own versions;
- `manifest.json`, last: when and by which lawflow version it was made, the database vendor, the latest
  migration per app, the row count of every table, the SHA-256 and size of the database file and of every
  stored file, and the audit chain's head (`length`, `last_hash`).

What the manifest says of the database is read from the dump itself (the SQLite copy, or the COPY data of the
PostgreSQL dump), never from the live database afterwards: a reminder sweep writing rows in between cannot make
the archive disagree with its manifest, and no database transaction is held open across pg_dump. The database
is dumped before the files are copied, and a file is written before its row is committed
(documents.attachments.store_attachment), so every file a dumped row names is in the archive.

`restore_backup(archive, replace=…)` refuses an archive that is damaged (a member whose SHA-256 or size is not
the manifest's), not lawflow's, of another database vendor, or made by newer code (a migration this code does
not know); refuses to replace a database that holds data without `replace`; then replaces the database (SQLite:
the backup API, connections closed first; PostgreSQL: pg_restore's script run by psql in one transaction,
tables dropped and created again, never a DELETE: the audit entries' table refuses DELETE) and the files (what
was in MEDIA_ROOT before is kept aside in `MEDIA_ROOT/.before-restore-…`), and finally checks the result
against the manifest: every table's row count, every file's SHA-256, the audit chain intact with the recorded
head, and the registered verifiers of what the chain points at (workflows.audit.run_verifiers).

The core imports nothing of the apps above it (DESIGN §13): the verifiers are registered by those apps.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone

FORMAT = "lawflow-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024
AUDIT_CHAIN_TABLE = "workflows_auditchain"
MIGRATIONS_TABLE = "django_migrations"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


# --- small helpers -------------------------------------------------------------------------------------------

def human_size(size: int) -> str:
    """Bytes in words: 2097152 → "2.0 MB"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


def lawflow_version() -> str:
    try:
        return metadata.version("lawflow")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class _HashingReader:
    """A file object that hashes what is read through it (tarfile reads each member exactly once)."""

    def __init__(self, stream):
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, n=-1):
        data = self.stream.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in DB_FILES:
        raise BackupError(f"lawflow backs up SQLite and PostgreSQL databases, not {vendor}.")
    return vendor


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def _stored_files(root: Path) -> list[tuple[str, Path]]:
    """(name relative to MEDIA_ROOT with /, path) of every regular file under MEDIA_ROOT, sorted. Entries at the
    top whose name starts with a dot are the restore's own folders (`.restore-…`, `.before-restore-…`) and are
    left out; lawflow stores nothing under such a name. Symbolic links are left out too."""
    found = []
    if not root.is_dir():
        return found
    for top in sorted(root.iterdir()):
        if top.name.startswith("."):
            continue
        paths = [top] if not top.is_dir() or top.is_symlink() else sorted(p for p in top.rglob("*"))
        for path in paths:
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return found


def _owner_only(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- PostgreSQL client programs -------------------------------------------------------------------------------

def _program_major(path: str) -> int | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out) or re.search(r"(\d+)\.\d+", out)
    return int(match.group(1)) if match else None


def postgres_program(name: str, server_major: int) -> str:
    """The path of the PostgreSQL client program `name` (pg_dump, pg_restore, psql) fit for a server of major
    version `server_major`: on PATH or in /usr/lib/postgresql/<version>/bin (Debian) or /usr/pgsql-<version>/bin,
    the same major version first, else the newest newer one. Raises BackupError naming what to install."""
    candidates = []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    folders = glob.glob("/usr/lib/postgresql/*/bin") + glob.glob("/usr/pgsql-*/bin")
    for folder in folders:
        candidate = os.path.join(folder, name)
        if os.access(candidate, os.X_OK):
            candidates.append(candidate)
    versions = [(major, path) for path in candidates if (major := _program_major(path)) is not None]
    for major, path in versions:
        if major == server_major:
            return path
    newer = sorted((v for v in versions if v[0] > server_major), reverse=True)
    if newer:
        return newer[0][1]
    found = ", ".join(f"{path} ({major})" for major, path in versions) or "none"
    raise BackupError(f"{name} of PostgreSQL {server_major} or newer is needed for this PostgreSQL {server_major} "
                      f"server (found: {found}). Install the client programs "
                      f"(Debian: apt-get install postgresql-client-{server_major}) or put their folder first on PATH.")


def _server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _libpq_env() -> dict[str, str]:
    """The environment that points libpq's programs at Django's database (the password never on a command
    line)."""
    conf = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if conf.get(key):
            env[var] = str(conf[key])
    options = conf.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"),
                     ("sslkey", "PGSSLKEY"), ("passfile", "PGPASSFILE"), ("service", "PGSERVICE")):
        if options.get(key):
            env[var] = str(options[key])
    env["PGAPPNAME"] = "lawflow-backup"
    return env


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip() or result.stdout.strip()}")


_COPY = re.compile(r"^COPY (?P<table>\S+) \((?P<columns>.*)\) FROM stdin;$")


def _unquote(identifier: str) -> str:
    identifier = identifier.strip()
    if identifier.startswith('"') and identifier.endswith('"'):
        return identifier[1:-1].replace('""', '"')
    return identifier


def _copy_value(text: str) -> str | None:
    """One column of COPY's text format: \\N is NULL, backslash escapes otherwise."""
    if text == r"\N":
        return None
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(m.group(1), m.group(1)),
                  text)


def _postgres_contents(dump: Path, pg_restore: str) -> tuple[dict, list, dict]:
    """(row count per table, [(app, migration)], audit chain head) read from the data of a custom-format dump,
    through `pg_restore --data-only` to standard output (COPY text format: one line a row)."""
    counts: dict[str, int] = {}
    wanted = {MIGRATIONS_TABLE: [], AUDIT_CHAIN_TABLE: []}
    columns_of = {}
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([pg_restore, "--data-only", "--file=-", str(dump)], stdout=subprocess.PIPE,
                                   stderr=errors)
        table = None
        for raw in process.stdout:
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            if table is not None:
                if line == r"\.":
                    table = None
                    continue
                counts[table] += 1
                if table in wanted:
                    wanted[table].append(dict(zip(columns_of[table], map(_copy_value, line.split("\t")),
                                                  strict=True)))
            elif line.startswith("COPY "):
                match = _COPY.match(line)
                if not match:
                    process.kill()
                    raise BackupError(f"unexpected line in the dump's data: {line[:200]}")
                schema, _, name = match["table"].rpartition(".")
                name = _unquote(name)
                schema = _unquote(schema) if schema else "public"
                table = name if schema == "public" else f"{schema}.{name}"
                counts[table] = 0
                columns_of[table] = [_unquote(c) for c in match["columns"].split(",")]
        process.wait()
        if process.returncode != 0:
            errors.seek(0)
            raise BackupError(f"pg_restore could not read the dump back: {errors.read().decode(errors='replace')}")
    migrations = [(row["app"], row["name"]) for row in wanted[MIGRATIONS_TABLE]]
    head = next((row for row in wanted[AUDIT_CHAIN_TABLE] if row.get("id") == "1"), None)
    chain = {"length": int(head["length"]), "last_hash": head["last_hash"] or ""} if head else \
        {"length": 0, "last_hash": ""}
    return counts, migrations, chain


def _sqlite_contents(path: Path) -> tuple[dict, list, dict]:
    """(row count per table, [(app, migration)], audit chain head) of an SQLite database file."""
    db = sqlite3.connect(path)
    try:
        tables = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name")]
        counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        migrations = list(db.execute(f"SELECT app, name FROM {MIGRATIONS_TABLE}")) \
            if MIGRATIONS_TABLE in counts else []
        head = db.execute(f"SELECT length, last_hash FROM {AUDIT_CHAIN_TABLE} WHERE id = 1").fetchone() \
            if AUDIT_CHAIN_TABLE in counts else None
    finally:
        db.close()
    chain = {"length": int(head[0]), "last_hash": head[1] or ""} if head else {"length": 0, "last_hash": ""}
    return counts, migrations, chain


def _latest_migrations(applied: list) -> dict[str, str]:
    """The latest applied migration of each app (migrations are numbered: the greatest name)."""
    latest: dict[str, str] = {}
    for app, name in applied:
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


# --- backup --------------------------------------------------------------------------------------------------

@dataclass
class BackupResult:
    path: Path
    size: int
    manifest: dict


def _dump_database(vendor: str, target: Path) -> dict:
    """Dump the database to `target`; returns the manifest's database part and what the dump holds."""
    if vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise BackupError("an in-memory SQLite database cannot be backed up.")
        if not os.path.exists(name):
            raise BackupError(f"the SQLite database {name} does not exist.")
        source = sqlite3.connect(name, timeout=20)
        copy = sqlite3.connect(target)
        try:
            # One step (pages=-1): the whole file is copied under one read lock, a consistent snapshot, while
            # the web and the worker go on writing (WAL).
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
            source.close()
        if check != "ok":
            raise BackupError(f"the SQLite copy fails its integrity check: {check}")
        counts, migrations, chain = _sqlite_contents(target)
        server = sqlite3.sqlite_version
    else:
        major = _server_major()
        pg_dump = postgres_program("pg_dump", major)
        pg_restore = postgres_program("pg_restore", major)
        _run([pg_dump, "--format=custom", "--no-password", f"--file={target}"], _libpq_env(), "pg_dump")
        counts, migrations, chain = _postgres_contents(target, pg_restore)
        server = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
    sha256, size = sha256_of(target)
    return {
        "database": {"vendor": vendor, "file": DB_FILES[vendor], "sha256": sha256, "size": size,
                     "server_version": server},
        "migrations": _latest_migrations(migrations),
        "tables": dict(sorted(counts.items())),
        "audit_chain": chain,
    }


def _attachments_backend() -> str:
    return (settings.STORAGES.get("attachments") or {}).get("BACKEND", "")


def create_backup(output_dir: str | os.PathLike | None = None) -> BackupResult:
    """Write one archive of the database and the stored files into `output_dir` (default settings.BACKUP_DIR,
    created if missing). Returns its path, size and manifest. The archive is written under a temporary name and
    renamed when whole, readable by its owner only. Raises BackupError (nothing left behind) when called inside
    a database transaction, when the output folder is inside MEDIA_ROOT, when the database is not SQLite or
    PostgreSQL, or when the dump or a file cannot be read."""
    if connection.in_atomic_block:
        raise BackupError("a backup must not run inside a database transaction (it calls pg_dump).")
    vendor = _vendor()
    output = Path(output_dir or getattr(settings, "BACKUP_DIR", None) or Path(settings.BASE_DIR) / "var" / "backups")
    output = output.resolve()
    media_root = _media_root()
    if output == media_root or media_root in output.parents:
        raise BackupError(f"write backups outside MEDIA_ROOT ({media_root}): the archive would back itself up.")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot create the output folder {output}: {error}") from error

    now = timezone.localtime()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    work = Path(tempfile.mkdtemp(prefix=f".lawflow-backup-{stamp}-", dir=output))
    partial = work / "archive.tar.gz.partial"
    try:
        dump = work / DB_FILES[vendor]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": now.isoformat(),
            "lawflow_version": lawflow_version(),
            **_dump_database(vendor, dump),
        }
        backend = _attachments_backend()
        manifest["attachments_storage"] = ("file system (in this archive)" if backend.endswith("FileSystemStorage")
                                           else f"{backend} (not in this archive: the bucket keeps its own versions)")
        files = {}
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            tar.add(dump, arcname=DB_FILES[vendor], filter=_anonymous)
            for name, path in _stored_files(media_root):
                try:
                    info = tar.gettarinfo(path, arcname=f"{MEDIA}/{name}")
                    _anonymous(info)
                    with open(path, "rb") as stream:
                        reader = _HashingReader(stream)
                        tar.addfile(info, reader)
                except OSError as error:
                    raise BackupError(f"cannot read the stored file {path}: {error}") from error
                files[name] = {"sha256": reader.digest.hexdigest(), "size": reader.size}
            manifest["files"] = files
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        final = output / f"lawflow-backup-{stamp}.tar.gz"
        suffix = 1
        while final.exists():
            final = output / f"lawflow-backup-{stamp}-{suffix}.tar.gz"
            suffix += 1
        os.rename(partial, final)
        _fsync_dir(output)
    except BackupError:
        raise
    except DatabaseError as error:
        raise BackupError(f"cannot read the configured database: {error}") from error
    except (OSError, sqlite3.Error, tarfile.TarError) as error:
        raise BackupError(f"the backup failed: {error}") from error
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupResult(path=final, size=final.stat().st_size, manifest=manifest)


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


# --- restore -------------------------------------------------------------------------------------------------

@dataclass
class RestoreResult:
    manifest: dict
    tables: int = 0
    rows: int = 0
    files: int = 0
    chain_length: int = 0
    verifier_lines: list[str] = field(default_factory=list)
    kept_aside: Path | None = None
    unapplied_migrations: int = 0
    problems: list[str] = field(default_factory=list)


DAMAGED = "the archive {name} is damaged or incomplete ({error}); nothing was restored."


def read_manifest(archive: Path) -> dict:
    """The manifest of a backup archive. Raises BackupError when the file is missing, not a readable tar.gz,
    has no manifest (cut short) or a manifest of another kind."""
    if not archive.is_file():
        raise BackupError(f"no such backup file: {archive}")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST and member.isfile():
                    manifest = json.loads(tar.extractfile(member).read().decode("utf-8"))
                    break
            else:
                raise BackupError(f"{archive.name} has no manifest.json: it is not a whole lawflow backup (cut short "
                                  "while it was written or copied?); nothing was restored.")
    except (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(DAMAGED.format(name=archive.name, error=error)) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive.name} is not a lawflow backup (its manifest is of another kind).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{archive.name} is a lawflow backup of format {manifest.get('format_version')}, which this "
                          f"code does not read (it reads format {FORMAT_VERSION}).")
    return manifest


def _check_fits(manifest: dict, archive: Path) -> None:
    """Refuse a backup of another database vendor or of newer code."""
    from django.db.migrations.loader import MigrationLoader

    vendor = _vendor()
    theirs = (manifest.get("database") or {}).get("vendor")
    if theirs != vendor:
        raise BackupError(
            f"{archive.name} is a backup of a {VENDOR_NAMES.get(theirs, theirs)} database; this lawflow uses "
            f"{VENDOR_NAMES[vendor]}. A backup is restored into the same kind of database: configure "
            f"DATABASE_URL for {VENDOR_NAMES.get(theirs, theirs)}, or restore it there and move the data with "
            "dumpdata/loaddata.")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    installed = {app for app, _ in known}
    unknown = [f"{app}.{name}" for app, name in (manifest.get("migrations") or {}).items()
               if app in installed and (app, name) not in known]
    if unknown:
        raise BackupError(
            f"{archive.name} was made by newer lawflow code (version {manifest.get('lawflow_version')}): its "
            f"database has migration(s) {', '.join(unknown)}, which this code does not know. Install that version "
            "of lawflow, then restore; nothing was restored.")


def what_is_there() -> list[str]:
    """What the configured database and MEDIA_ROOT hold that a restore would replace (empty list: nothing: a
    new or freshly migrated database and no stored file)."""
    from django.contrib.auth import get_user_model

    from .models import AuditEntry

    held = []
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    for model, label in ((get_user_model(), "users"), (AuditEntry, "audit entries")):
        if model._meta.db_table in tables:
            count = model._base_manager.count()
            if count:
                held.append(f"{count} {label}")
    stored = len(_stored_files(_media_root()))
    if stored:
        held.append(f"{stored} stored files in {_media_root()}")
    return held


def _safe_member_name(name: str) -> str | None:
    """The path under media/ of an archive member, or None when the name is not a plain relative path there."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or len(path.parts) < 2 or path.parts[0] != MEDIA:
        return None
    if any(part in ("", ".") for part in path.parts) or "\\" in name:
        return None
    return "/".join(path.parts[1:])


def _extract_verified(archive: Path, manifest: dict, staging: Path) -> Path:
    """Extract the database file and the stored files into `staging`, each checked against the manifest's
    SHA-256 and size while it is written. Returns the database file's path. Raises BackupError naming the
    first member that is damaged, missing or not in the manifest."""
    database = manifest.get("database") or {}
    db_name = database.get("file")
    if db_name != DB_FILES.get(database.get("vendor")):
        raise BackupError(f"{archive.name} names its database file {db_name!r}, not a lawflow backup's; nothing "
                          "was restored.")
    expected = dict(manifest.get("files") or {})
    seen = set()
    db_path = None
    media = staging / MEDIA
    media.mkdir(parents=True)
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name == db_name and member.isfile():
                    target, want = staging / db_name, database
                    db_path = target
                    label = "the database dump"
                else:
                    relative = _safe_member_name(member.name)
                    if relative is None or not member.isfile():
                        raise BackupError(f"{archive.name} holds {member.name!r}, which is not part of a lawflow "
                                          "backup; nothing was restored.")
                    if relative not in expected:
                        raise BackupError(f"{archive.name} holds {member.name}, which its manifest does not list "
                                          "(the archive was changed); nothing was restored.")
                    target, want = media / relative, expected[relative]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    seen.add(relative)
                    label = member.name
                digest = hashlib.sha256()
                size = 0
                source = tar.extractfile(member)
                with open(target, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                if digest.hexdigest() != want.get("sha256") or size != want.get("size"):
                    raise BackupError(
                        f"{archive.name} is damaged: {label} does not match the SHA-256 and size its manifest "
                        f"records ({want.get('sha256')}, {want.get('size')} bytes); nothing was restored.")
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(DAMAGED.format(name=archive.name, error=error)) from error
    if db_path is None:
        raise BackupError(f"{archive.name} has no database dump ({db_name}); nothing was restored.")
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{archive.name} lacks {len(missing)} file(s) its manifest lists, e.g. {MEDIA}/{missing[0]}; "
                          "nothing was restored.")
    return db_path


def _live_tables() -> list[str]:
    with connection.cursor() as cursor:
        return [t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")]


def _restore_sqlite(dump: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("cannot restore into an in-memory SQLite database.")
    connections.close_all()
    source = sqlite3.connect(dump)
    target = sqlite3.connect(name, timeout=20)
    try:
        # The backup API replaces the target's pages as a whole, in one write transaction: readers see the old
        # database or the new one, never a mix; no row is deleted one by one.
        source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"restoring the SQLite database failed ({error}); is lawflow still running? Stop the "
                          "web server, the worker and beat, then restore again.") from error
    finally:
        target.close()
        source.close()


def _refuse_other_sessions() -> None:
    """On PostgreSQL, refuse while other sessions are connected to the database: the dump's script sets
    lock_timeout = 0, so with lawflow running the restore would wait for their locks for ever, or replace the
    data under a running web server."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(NULLIF(application_name, ''), 'unnamed') || ' from ' || "
                       "COALESCE(host(client_addr), 'local socket') FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                       "AND backend_type = 'client backend'")
        others = [row[0] for row in cursor.fetchall()]
    if others:
        raise BackupError(f"{len(others)} other session(s) are connected to the database ({', '.join(others[:5])}): "
                          "stop the web server, the Celery worker and beat, then restore again; nothing was restored.")


def _restore_postgres(dump: Path, tables_in_backup: set[str]) -> None:
    major = _server_major()
    pg_restore = postgres_program("pg_restore", major)
    psql = postgres_program("psql", major)
    # Tables the backup does not have (made by a later migration) go first, so `migrate` can make them again and
    # no foreign key of theirs keeps a table of the backup from being dropped.
    extra = sorted(set(_live_tables()) - tables_in_backup)
    _refuse_other_sessions()
    connections.close_all()
    env = _libpq_env()
    env["PGAPPNAME"] = "lawflow-restore"
    command = [psql, "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1", "--single-transaction"]
    if extra:
        drops = " ".join('DROP TABLE IF EXISTS "{}" CASCADE;'.format(t.replace('"', '""')) for t in extra)
        command.append(f"--command={drops}")
    command.append("--file=-")
    # pg_restore writes the script (drop what the dump holds, create it again, its data, then indexes,
    # constraints and triggers); psql runs it all in one transaction: the restore happens whole or not at all.
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        producer = subprocess.Popen(
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-", str(dump)],
            stdout=subprocess.PIPE, stderr=restore_errors, env=env)
        consumer = subprocess.Popen(command, stdin=producer.stdout, stdout=subprocess.DEVNULL, stderr=psql_errors,
                                    env=env)
        producer.stdout.close()
        consumer.wait()
        producer.wait()
        if consumer.returncode != 0 or producer.returncode != 0:
            psql_errors.seek(0)
            restore_errors.seek(0)
            detail = (psql_errors.read() + restore_errors.read()).decode(errors="replace").strip()
            raise BackupError(f"restoring the PostgreSQL database failed, nothing was changed in it: {detail}")


def _swap_media(staged: Path, root: Path, stamp: str) -> Path | None:
    """Put the staged files in MEDIA_ROOT's place (renames on one file system); what was there before goes to
    `.before-restore-STAMP` inside MEDIA_ROOT (MEDIA_ROOT itself may be a mount point). Returns that folder."""
    before = [p for p in root.iterdir() if not p.name.startswith(".")]
    aside = None
    if before:
        aside = Path(tempfile.mkdtemp(prefix=f".before-restore-{stamp}-", dir=root))
        for path in before:
            path.rename(aside / path.name)
    for path in staged.iterdir():
        path.rename(root / path.name)
    return aside


def _verify(manifest: dict, result: RestoreResult) -> None:
    """Check the restored database and files against the manifest; problems go to result.problems."""
    from .audit import run_verifiers, verify_chain

    expected = manifest.get("tables") or {}
    live = set(_live_tables())
    for table in sorted(live - set(expected)):
        result.problems.append(f"table {table} is in the database but not in the backup")
    with connection.cursor() as cursor:
        for table, count in expected.items():
            if table not in live:
                result.problems.append(f"table {table} of the backup is missing from the database")
                continue
            quoted = ".".join(connection.ops.quote_name(part) for part in table.split("."))
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")
            found = cursor.fetchone()[0]
            if found != count:
                result.problems.append(f"table {table} has {found} rows, the backup {count}")
            result.rows += found
    result.tables = len(expected)

    files = manifest.get("files") or {}
    present = dict(_stored_files(_media_root()))
    for name in sorted(set(present) - set(files)):
        result.problems.append(f"stored file {name} is not in the backup")
    for name, want in files.items():
        if name not in present:
            result.problems.append(f"stored file {name} of the backup is missing")
            continue
        sha256, size = sha256_of(present[name])
        if sha256 != want["sha256"] or size != want["size"]:
            result.problems.append(f"stored file {name} does not match its SHA-256 in the backup")
    result.files = len(files)

    check = verify_chain()
    head = manifest.get("audit_chain") or {}
    if not check.intact:
        result.problems.append(f"audit chain broken at entry {check.broken_sequence}: {check.reason}")
    elif check.count != head.get("length"):
        result.problems.append(f"audit chain has {check.count} entries, the backup {head.get('length')}")
    else:
        from .models import AuditChain

        stored = AuditChain.objects.filter(pk=1).first()
        if (stored.last_hash if stored else "") != head.get("last_hash"):
            result.problems.append("audit chain head does not match the backup's")
    result.chain_length = check.count
    for found in run_verifiers():
        if found.problems:
            result.problems.extend(found.problems)
        elif found.checked:
            result.verifier_lines.append(f"{found.what} intact: {found.checked} files")


def restore_backup(archive: str | os.PathLike, *, replace: bool = False) -> RestoreResult:
    """Restore the database and the stored files from `archive` (made by create_backup), then verify them.

    Refuses (BackupError, nothing changed): a missing, damaged or cut-short archive, one whose member does not
    match the manifest's SHA-256, one of another database vendor or made by newer code (a migration this code
    does not know); a database or MEDIA_ROOT that holds data unless `replace`; a call inside a database
    transaction. Returns what was restored; `problems` lists each way the result differs from the manifest
    (empty when the restore is verified)."""
    archive = Path(archive).resolve()
    manifest = read_manifest(archive)
    _check_fits(manifest, archive)
    try:
        held = [] if replace else what_is_there()
        if manifest["database"]["vendor"] == "postgresql":
            _refuse_other_sessions()
    except DatabaseError as error:
        raise BackupError(f"cannot read the configured database ({error}); create it first (PostgreSQL: "
                          "createdb), then restore; nothing was restored.") from error
    if held:
        raise BackupError("the database and files are not empty (" + ", ".join(held) + "): the restore would "
                          "replace them all with the backup's. Run again with --yes to do so; nothing was "
                          "restored.")
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    staging = Path(tempfile.mkdtemp(prefix=f".restore-{stamp}-", dir=root))
    result = RestoreResult(manifest=manifest)
    try:
        dump = _extract_verified(archive, manifest, staging)
        if connection.in_atomic_block:
            raise BackupError("a restore must not run inside a database transaction; nothing was restored.")
        if manifest["database"]["vendor"] == "sqlite":
            _restore_sqlite(dump)
        else:
            _restore_postgres(dump, set(manifest.get("tables") or {}))
        result.kept_aside = _swap_media(staging / MEDIA, root, stamp)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    _verify(manifest, result)
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    result.unapplied_migrations = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    return result
