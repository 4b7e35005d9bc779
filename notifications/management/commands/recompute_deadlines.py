"""Recompute running deadlines computed on an older calendar (after upgrading chinesecalendar, say)."""

from django.core.management.base import BaseCommand

from notifications import calendar
from notifications.calendar_changes import recompute_stale_deadlines


class Command(BaseCommand):
    help = ("Recompute the open and suspended deadlines computed on a calendar version other than the current one "
            "(a chinesecalendar or holidays upgrade, overrides changed outside the admin); replan their reminders, "
            "audit and announce moved due dates. Prints how many moved.")

    def handle(self, *args, **options):
        results = recompute_stale_deadlines()
        moved = [r for r in results if r.moved]
        for r in moved:
            self.stdout.write(f"deadline {r.deadline_id}: {r.old_due} -> {r.new_due}"
                              + (" (provisional)" if r.provisional else ""))
        self.stdout.write(f"calendar {calendar.calendar_version()}: {len(results)} deadlines recomputed, "
                          f"{len(moved)} moved")
