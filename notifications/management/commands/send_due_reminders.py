"""CONTRACT §2: one reminder sweep (what beat runs every minute); prints how many reminders it queued."""

from django.core.management.base import BaseCommand

from notifications import reminders


class Command(BaseCommand):
    help = "Run one reminder sweep: plan due reminders into deliveries, claim them and queue their send tasks."

    def handle(self, *args, **options):
        queued = reminders.sweep()
        self.stdout.write(f"queued {queued} reminders")
