"""`manage.py verify_audit` (CONTRACT §2): recompute the tamper-evident audit chain, then what it points at.

Exit 0 printing `audit chain intact: N entries` when whole (and, when there are any, one line per registered
verifier, e.g. `attachment files intact: M files`); otherwise exit 1 naming the first broken entry (its sequence
number) and why, or each attachment whose stored file is missing or no longer has the SHA-256 the chain recorded,
on stderr.
"""

from django.core.management.base import BaseCommand, CommandError

from workflows.audit import run_verifiers, verify_chain


class Command(BaseCommand):
    help = "Check the tamper-evident audit chain and the files it records; exit 1 naming what is broken."

    def handle(self, *args, **options):
        check = verify_chain()
        if not check.intact:
            raise CommandError(
                f"audit chain broken at entry {check.broken_sequence}: {check.reason} "
                f"({check.count} entries before it are intact)",
                returncode=1,
            )
        self.stdout.write(f"audit chain intact: {check.count} entries")
        problems = []
        for found in run_verifiers():
            if found.problems:
                problems.extend(found.problems)
                self.stdout.write(f"{found.what} checked: {found.checked}, broken: {len(found.problems)}")
            elif found.checked:  # nothing to say when there is nothing of the kind: the first line stays alone
                self.stdout.write(f"{found.what} intact: {found.checked} files")
        if problems:
            raise CommandError("\n".join(problems), returncode=1)
