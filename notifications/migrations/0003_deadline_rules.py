"""Load the deadline table (DESIGN §4) from notifications/deadline_rules.json; an admin may change it later."""

import json
from pathlib import Path

from django.db import migrations

RULES_FILE = Path(__file__).resolve().parent.parent / "deadline_rules.json"


def forwards(apps, schema_editor):
    DeadlineRule = apps.get_model("notifications", "DeadlineRule")
    # The JSON file is the current table; at this point of the history the model has only some of its columns
    # (0007 brings the later ones: statutory, local_rule, rolls_over_rest_day, the extension ceiling).
    fields = {f.name for f in DeadlineRule._meta.get_fields()}
    for row in json.loads(RULES_FILE.read_text(encoding="utf-8")):
        kind = row.pop("kind")
        if "configurable" in fields and "configurable" not in row:
            row["configurable"] = not row.get("statutory", False)
        DeadlineRule.objects.get_or_create(kind=kind, defaults={k: v for k, v in row.items() if k in fields})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
