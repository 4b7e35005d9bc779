"""`manage.py backup [--output DIR]`: one archive of the database and the stored files (workflows/backup.py).

Prints the archive's path and size, and what it holds; exit 1 with the reason when it cannot be made (nothing is
left behind: the archive is written under a temporary name and renamed when whole). Run it nightly and before
every upgrade (README "Backups").
"""

from django.core.management.base import BaseCommand, CommandError

from workflows.backup import BackupError, create_backup, human_size


class Command(BaseCommand):
    help = ("Back up the database and the stored files (MEDIA_ROOT) into one archive "
            "lawflow-backup-YYYYmmdd-HHMMSS.tar.gz with a manifest; print its path and size.")

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="DIR",
                            help="folder to write the archive into (default: BACKUP_DIR, var/backups)")

    def handle(self, *args, output=None, **options):
        try:
            result = create_backup(output)
        except BackupError as error:
            raise CommandError(f"backup failed: {error}", returncode=1) from error
        manifest = result.manifest
        tables = manifest["tables"]
        files = manifest["files"]
        self.stdout.write(
            f"database: {manifest['database']['vendor']}, {len(tables)} tables, {sum(tables.values())} rows; "
            f"audit chain: {manifest['audit_chain']['length']} entries")
        self.stdout.write(f"stored files: {len(files)} ({human_size(sum(f['size'] for f in files.values()))}); "
                          f"attachments: {manifest['attachments_storage']}")
        self.stdout.write(f"backup written: {result.path} ({human_size(result.size)})")
