"""Issue 15 (DESIGN §11, CONTRACT §8): the rules petition.acceptance (信访工作条例 Art 23), petition.handling
(Art 34), petition.review_request (Art 35-36), petition.village (local, Art 15) and mediation.performance
(人民调解法 Art 31) from deadline_rules.json; mediation.confirmation (人民调解法 Art 33) now belongs to the
mediation flow (its mediator answers for it, the judicial office is told when it is missed). A rule an
administrator already edited keeps its length; only the new rules are added and the owner fields moved."""

import json
from pathlib import Path

from django.db import migrations

RULES_FILE = Path(__file__).resolve().parent.parent / "deadline_rules.json"
NEW_KINDS = ("petition.acceptance", "petition.handling", "petition.review_request", "petition.village",
             "mediation.performance")
MOVED = {"mediation.confirmation": ("opens_on", "closes_on", "responsible_role", "escalate_to")}


def add_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("notifications", "DeadlineRule")
    fields = {f.name for f in DeadlineRule._meta.get_fields()}
    for row in json.loads(RULES_FILE.read_text(encoding="utf-8")):
        if row["kind"] in NEW_KINDS:
            DeadlineRule.objects.get_or_create(kind=row["kind"],
                                               defaults={k: v for k, v in row.items() if k in fields and k != "kind"})
        elif row["kind"] in MOVED:
            DeadlineRule.objects.filter(kind=row["kind"]).update(**{k: row[k] for k in MOVED[row["kind"]]})


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0012_deadline_closed_on"),
    ]

    operations = [
        migrations.RunPython(add_rules, migrations.RunPython.noop),
    ]
