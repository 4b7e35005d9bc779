from django.db import migrations, models
from django.utils import timezone


def backfill_closed_on(apps, schema_editor):
    """Deadlines closed before the field existed: the local date of their closing entry (closed_at). The act's own
    business date is not known here; the entry's day is what the overdue rate read until now."""
    Deadline = apps.get_model("notifications", "Deadline")
    rows = Deadline.objects.filter(closed_on__isnull=True, closed_at__isnull=False).only("pk", "closed_at")
    for deadline in rows.iterator():
        Deadline.objects.filter(pk=deadline.pk).update(closed_on=timezone.localtime(deadline.closed_at).date())


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0011_execution_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="closed_on",
            field=models.DateField(blank=True, null=True, verbose_name="closed on"),
        ),
        migrations.RunPython(backfill_closed_on, migrations.RunPython.noop),
    ]
