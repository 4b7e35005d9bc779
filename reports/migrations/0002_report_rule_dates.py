"""The yearly dates of the report deadlines (03-01, 04-01, 01-31) on a fresh database.

notifications 0003 loads every row of deadline_rules.json with the fields the rule model had then, so on a fresh
database the report rules exist before 0014 adds them, without `fixed_date`; 0014's get_or_create then leaves
them so and opening a report deadline fails ("a yearly date is MM-DD, not ''"). This fills the rule's fields
from deadline_rules.json for the report rules whose `fixed_date` is still empty (a date an administrator set is
kept)."""

import json
from pathlib import Path

from django.db import migrations

import notifications

RULES_FILE = Path(notifications.__file__).resolve().parent / "deadline_rules.json"
KINDS = ("report.rule_of_law_submit", "report.rule_of_law_publish", "report.statistics_publish")


def fill(apps, schema_editor):
    DeadlineRule = apps.get_model("notifications", "DeadlineRule")
    fields = {f.name for f in DeadlineRule._meta.get_fields()}
    for row in json.loads(RULES_FILE.read_text(encoding="utf-8")):
        if row["kind"] in KINDS:
            DeadlineRule.objects.filter(kind=row["kind"], fixed_date="").update(
                **{k: v for k, v in row.items() if k in fields and k != "kind"})


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        ("notifications", "0014_report_and_publicity_rules"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
