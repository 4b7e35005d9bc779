"""Issue 16 (DESIGN §12, CONTRACT §9): the rules case.publicity_withdrawal (处罚法 Art 48 ¶2: 3 working days),
report.rule_of_law_submit (03-01) and report.rule_of_law_publish (04-01, 厅字〔2019〕28号) and
report.statistics_publish (01-31, 国办发〔2018〕118号) from deadline_rules.json. A rule an administrator already
edited keeps its values; only the new rules are added."""

import json
from pathlib import Path

from django.db import migrations

RULES_FILE = Path(__file__).resolve().parent.parent / "deadline_rules.json"
NEW_KINDS = ("case.publicity_withdrawal", "report.rule_of_law_submit", "report.rule_of_law_publish",
             "report.statistics_publish")


def add_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("notifications", "DeadlineRule")
    fields = {f.name for f in DeadlineRule._meta.get_fields()}
    for row in json.loads(RULES_FILE.read_text(encoding="utf-8")):
        if row["kind"] in NEW_KINDS:
            rule, _created = DeadlineRule.objects.get_or_create(
                kind=row["kind"], defaults={k: v for k, v in row.items() if k in fields and k != "kind"})
            # On a fresh database 0003 already created these rows from the whole JSON file, before 0006 gave the
            # model `fixed_date` (and 0007 copies other fields only): a yearly rule would lack its date.
            if row.get("fixed_date") and not rule.fixed_date:
                rule.fixed_date = row["fixed_date"]
                rule.save(update_fields=["fixed_date"])


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0013_petition_and_mediation_rules"),
    ]

    operations = [
        migrations.RunPython(add_rules, migrations.RunPython.noop),
    ]
