"""Issue 15 (CONTRACT §8): the role groups `petition_office` (信访办) and `mediator` (人民调解员)."""

from django.db import migrations

ROLES = ["petition_office", "mediator"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0006_number_sequence_names")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
