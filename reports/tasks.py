"""Celery tasks of the reports app (app `config`). The database is the truth; the tasks are safe to run twice."""

from celery import shared_task
from django.utils import timezone

from . import services
from .models import AnnualReport


@shared_task(name="reports.tasks.open_last_year", ignore_result=True)
def open_last_year() -> int:
    """Beat runs this daily (config.settings.CELERY_BEAT_SCHEDULE): last year's report of each kind is opened
    with its deadlines (services.open_year; idempotent), so report.rule_of_law_submit (03-01),
    report.rule_of_law_publish (04-01) and report.statistics_publish (01-31) exist and remind from 1 January
    on. Returns the number of reports looked at."""
    year = timezone.localdate().year - 1
    for kind in AnnualReport.Kind.values:
        services.open_year(kind, year)
    return len(AnnualReport.Kind.values)


# --- supervision (issue 16 item 3) ---------------------------------------------------------------------------


@shared_task(name="reports.tasks.issue_weekly_circular", bind=True, autoretry_for=(Exception,), max_retries=3,
             retry_backoff=True)
def issue_weekly_circular(self) -> dict:
    """Every Monday: issue last week's enforcement supervision circular (执法监督通报) and tell the judicial office.

    Safe to retry and to run twice: reports.circulars.issue_circular returns the week's circular when it exists
    (week_start is unique), and the notification goes out only with the circular that was created. Returns
    {"circular": id, "week_start": ISO date, "created": bool}."""
    from .circulars import issue_circular

    circular, created = issue_circular()
    return {"circular": circular.pk, "week_start": circular.week_start.isoformat(), "created": created}

# --- end supervision ---------------------------------------------------------------------------------------------
