"""Create the role groups of CONTRACT §3 and the single audit chain head."""

from django.db import migrations

ROLES = ["drafter", "judicial_office", "office_secretary", "meeting_chair", "principal", "brigade_chief",
         "enforcement_officer", "admin"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    AuditChain = apps.get_model("workflows", "AuditChain")
    AuditChain.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
