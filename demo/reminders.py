"""The reminders of the demo town 石桥镇 (DESIGN §5, §7), the last step of loading: open deadlines that have no
reminder rows at all get them planned."""

from django.db import transaction

from notifications.models import Deadline
from notifications.reminders import plan_reminders


def plan_missing_reminders(stdout):
    """Open deadlines that have no reminder rows at all get them planned (a demo database loaded before
    reminders were planned in the database). Every deadline the demo opens has its reminders planned
    already, so on a fresh database, and on any second run, this plans nothing."""
    planned = 0
    with transaction.atomic():
        for deadline in (Deadline.objects.filter(status=Deadline.Status.OPEN, reminders__isnull=True)
                         .select_related("rule")):
            planned += len(plan_reminders(deadline))
    if planned:
        stdout.write(f"reminders: planned {planned} for deadlines that had none")
