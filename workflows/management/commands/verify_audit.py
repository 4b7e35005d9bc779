"""`manage.py verify_audit` (CONTRACT §2): recompute the tamper-evident audit chain.

Exit 0 printing `audit chain intact: N entries` when whole; otherwise exit 1 naming the first broken entry
(its sequence number) and why on stderr.
"""

from django.core.management.base import BaseCommand, CommandError

from workflows.audit import verify_chain


class Command(BaseCommand):
    help = "Check the tamper-evident audit chain; exit 1 naming the first broken entry."

    def handle(self, *args, **options):
        check = verify_chain()
        if not check.intact:
            raise CommandError(
                f"audit chain broken at entry {check.broken_sequence}: {check.reason} "
                f"({check.count} entries before it are intact)",
                returncode=1,
            )
        self.stdout.write(f"audit chain intact: {check.count} entries")
