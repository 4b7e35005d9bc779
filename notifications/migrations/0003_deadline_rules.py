"""Load the deadline table (DESIGN §4) from notifications/deadline_rules.json; an admin may change it later."""

import json
from pathlib import Path

from django.db import migrations

RULES_FILE = Path(__file__).resolve().parent.parent / "deadline_rules.json"


def forwards(apps, schema_editor):
    DeadlineRule = apps.get_model("notifications", "DeadlineRule")
    for row in json.loads(RULES_FILE.read_text(encoding="utf-8")):
        kind = row.pop("kind")
        DeadlineRule.objects.get_or_create(kind=kind, defaults=row)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
