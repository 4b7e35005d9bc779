"""Issue 12: bring the deadline rules' new fields from deadline_rules.json and recompute the open deadlines
whose computation changes.

(a) For each rule: `statutory`, `local_rule`, `rolls_over_rest_day`, the extension ceiling and source, `name`,
    `basis`, `opens_on`, `closes_on` come from the JSON. `length` and `unit` come from it for a statutory rule
    (the statute fixes them: a length an admin changed is put back) and for a local rule only when the row still
    holds the old default (decision.review's 7 working days become the local default of 15); a length an admin
    chose for a local rule stays.
(b) Open deadlines of a rule whose computation changed (a roll-over past a rest day, 民法典 Art 203, or a new
    length) are recomputed from their anchor date with the days granted kept (deadlines.recompute_due), and their
    reminders replanned (reminders.plan_reminders).

Running it twice changes nothing. `upgrade` is called directly by tests/test_deadline_rule_migration.py.
"""

import json
from pathlib import Path

from django.db import migrations

RULES_FILE = Path(__file__).resolve().parent.parent / "deadline_rules.json"

# The defaults the table held before this migration for the rules whose default changes now.
OLD_DEFAULTS = {"decision.review": (7, "working_days")}
COPIED = ["name", "opens_on", "closes_on", "basis", "statutory", "local_rule", "rolls_over_rest_day",
          "max_extension_days", "max_extensions", "extension_rule", "extension_approver"]


def upgrade(apps, schema_editor=None) -> list[int]:
    """Both steps; returns the ids of the deadlines whose due date moved."""
    DeadlineRule = apps.get_model("notifications", "DeadlineRule")
    changed_kinds = set()
    for row in json.loads(RULES_FILE.read_text(encoding="utf-8")):
        kind = row["kind"]
        rule = DeadlineRule.objects.filter(kind=kind).first()
        if rule is None:
            DeadlineRule.objects.create(**{k: v for k, v in row.items() if k != "configurable"})
            continue
        before = (rule.length, rule.unit, rule.rolls_over_rest_day)
        for field in COPIED:
            setattr(rule, field, row.get(field, getattr(rule, field)))
        if row.get("statutory") or (rule.length, rule.unit) == OLD_DEFAULTS.get(kind):
            rule.length, rule.unit = row["length"], row["unit"]
        rule.save()
        if (rule.length, rule.unit, rule.rolls_over_rest_day) != before or rule.rolls_over_rest_day:
            changed_kinds.add(kind)
    return recompute_open(apps, changed_kinds)


def recompute_open(apps, kinds) -> list[int]:
    """Recompute the open deadlines of these rules with today's code (the live models and services: this is the
    latest migration of the deadline tables when it runs; a fresh database has no deadline and skips it)."""
    HistoricalDeadline = apps.get_model("notifications", "Deadline")
    ids = list(HistoricalDeadline.objects.filter(kind__in=kinds, status="open").values_list("pk", flat=True))
    if not ids:
        return []
    from notifications import calendar
    from notifications.deadlines import alert_admins_of_provisional_year, end_of_day, recompute_due
    from notifications.models import Deadline
    from notifications.reminders import plan_reminders

    moved = []
    version = calendar.calendar_version()
    for deadline in Deadline.objects.select_related("rule").filter(pk__in=ids).order_by("pk"):
        due = recompute_due(deadline)
        if due.date == deadline.due_date:
            continue
        if due.provisional:
            alert_admins_of_provisional_year(due.date.year)
        deadline.due_date, deadline.due_at = due.date, end_of_day(due.date)
        deadline.provisional, deadline.calendar_version = due.provisional, version
        deadline.basis = deadline.rule.basis
        deadline.save(update_fields=["due_date", "due_at", "provisional", "calendar_version", "basis"])
        plan_reminders(deadline)
        moved.append(deadline.pk)
    return moved


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_rule_sources_rollover_extension_ceiling")]
    operations = [migrations.RunPython(upgrade, migrations.RunPython.noop)]
