"""Issue 13 (简易程序): the deadline rule `case.spot_handover` — a fine collected on the spot is handed over to the
agency within 2 working days of its collection (行政处罚法 Art 71 ¶1, statutory; Art 85: working days).

A fresh database gets the rule from 0003 (which loads the whole current deadline_rules.json); a database migrated
before this rule existed gets it here, from the same JSON row. An existing row is left as it is. Running it twice
changes nothing.
"""

import json
from pathlib import Path

from django.db import migrations

RULES_FILE = Path(__file__).resolve().parent.parent / "deadline_rules.json"
KINDS = ("case.spot_handover",)


def forwards(apps, schema_editor):
    DeadlineRule = apps.get_model("notifications", "DeadlineRule")
    fields = {f.name for f in DeadlineRule._meta.get_fields()}
    for row in json.loads(RULES_FILE.read_text(encoding="utf-8")):
        if row["kind"] not in KINDS:
            continue
        kind = row.pop("kind")
        DeadlineRule.objects.get_or_create(kind=kind, defaults={k: v for k, v in row.items() if k in fields})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0007_rule_sources_and_recompute")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
