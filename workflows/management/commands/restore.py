"""`manage.py restore ARCHIVE [--yes]`: put back the database and the stored files of a backup
(workflows/backup.py), then verify them against its manifest.

Stop the web server, the Celery worker and beat first. Refuses, changing nothing and exiting 1: a damaged or
cut-short archive, one of another database vendor or made by newer lawflow code, and a database or MEDIA_ROOT
that holds data unless `--yes`. After the restore, prints what it restored and the checks (row counts and file
hashes against the manifest, the audit chain, the attachments' files); exit 1 naming each difference.
"""

from django.core.management.base import BaseCommand, CommandError

from workflows.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore the database and the stored files from a backup archive, then verify them."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a lawflow-backup-….tar.gz made by `manage.py backup`")
        parser.add_argument("--yes", action="store_true",
                            help="replace a database and files that already hold data")

    def handle(self, *args, archive, yes=False, **options):
        try:
            result = restore_backup(archive, replace=yes)
        except BackupError as error:
            raise CommandError(f"restore refused: {error}", returncode=1) from error
        manifest = result.manifest
        self.stdout.write(f"restored {archive} (made {manifest['created_at']} by lawflow "
                          f"{manifest['lawflow_version']})")
        self.stdout.write(f"database: {manifest['database']['vendor']}, {result.tables} tables, {result.rows} rows")
        self.stdout.write(f"stored files: {result.files}")
        if result.kept_aside:
            self.stdout.write(f"the files that were there before are kept in {result.kept_aside}; delete that folder "
                              "when they are no longer needed")
        if result.problems:
            raise CommandError("the restored data does not match the backup:\n" + "\n".join(result.problems),
                               returncode=1)
        self.stdout.write(f"verified: every table's row count and every file's SHA-256 match the backup; "
                          f"audit chain intact: {result.chain_length} entries")
        for line in result.verifier_lines:
            self.stdout.write(line)
        if result.unapplied_migrations:
            self.stdout.write(f"this code has {result.unapplied_migrations} migration(s) the backup's database has "
                              "not had: run `manage.py migrate` before starting lawflow")
