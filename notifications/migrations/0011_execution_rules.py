"""Issue 13: the deadline rules of execution by demand and court, from deadline_rules.json — case.demand_period
(行政强制法 Art 54, 69: 10 working days after the demand is served) and case.court_application (行政强制法 Art 53:
3 months after the remedy periods end). A rule row that exists already is left as it is; running it twice
changes nothing."""

import json
from pathlib import Path

from django.db import migrations

RULES_FILE = Path(__file__).resolve().parent.parent / "deadline_rules.json"
KINDS = ("case.demand_period", "case.court_application")


def create_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("notifications", "DeadlineRule")
    for row in json.loads(RULES_FILE.read_text(encoding="utf-8")):
        if row["kind"] in KINDS and not DeadlineRule.objects.filter(kind=row["kind"]).exists():
            DeadlineRule.objects.create(**{k: v for k, v in row.items() if k != "configurable"})


def remove_rules(apps, schema_editor):
    apps.get_model("notifications", "DeadlineRule").objects.filter(kind__in=KINDS).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0010_correction_deadline")]

    operations = [migrations.RunPython(create_rules, remove_rules)]
