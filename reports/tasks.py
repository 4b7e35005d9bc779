"""Celery tasks of the reports app (run by beat, config/settings.py CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

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
