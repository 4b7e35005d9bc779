"""Issue 13 (execution): the rule `case.instalment` — one deadline per due date of a payment plan the agency
approved under 行政处罚法 Art 66 ¶2 — loaded from deadline_rules.json. Existing rows are left as they are (an
admin's changes to their reminders stay); running it twice changes nothing."""

import json
from pathlib import Path

from django.db import migrations

RULES_FILE = Path(__file__).resolve().parent.parent / "deadline_rules.json"
NEW_KINDS = {"case.instalment"}


def add_rules(apps, schema_editor=None):
    DeadlineRule = apps.get_model("notifications", "DeadlineRule")
    for row in json.loads(RULES_FILE.read_text(encoding="utf-8")):
        if row["kind"] in NEW_KINDS and not DeadlineRule.objects.filter(kind=row["kind"]).exists():
            DeadlineRule.objects.create(**{k: v for k, v in row.items() if k != "configurable"})


def remove_rules(apps, schema_editor=None):
    DeadlineRule = apps.get_model("notifications", "DeadlineRule")
    DeadlineRule.objects.filter(kind__in=NEW_KINDS, deadlines__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0008_spot_handover_rule")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
