"""Celery tasks (app `config`). The database is the truth; these carry ids only and are safe to run twice."""

from collections import Counter

from celery import shared_task
from django.db import DatabaseError

from . import reminders


@shared_task(name="notifications.tasks.sweep_reminders", ignore_result=True)
def sweep_reminders() -> int:
    """Beat runs this every minute (config.settings.CELERY_BEAT_SCHEDULE)."""
    return reminders.sweep()


# acks_late: a worker that dies mid-send leaves the message unacknowledged; and whatever the broker does with it,
# the row's lease runs out and the next sweep claims it again. A task run twice is harmless: the row is "sending"
# (skipped) or its in-flight attempt makes the sender ask the provider instead of sending (reminders.deliver).
# A database hiccup is retried with back-off.
# Kept for tasks queued before the upgrade and for one-off sends.
@shared_task(name="notifications.tasks.send_reminder", bind=True, acks_late=True, ignore_result=True,
             autoretry_for=(DatabaseError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_reminder(self, delivery_id: int) -> str:
    return reminders.deliver(delivery_id)


@shared_task(name="notifications.tasks.recompute_stale_deadlines", ignore_result=True)
def recompute_stale_deadlines() -> int:
    """Beat runs this (config.settings.CELERY_BEAT_SCHEDULE): running deadlines computed on an older calendar —
    a chinesecalendar / holidays upgrade, overrides changed outside the admin and the API — are recomputed."""
    from .calendar_changes import recompute_stale_deadlines as recompute

    return len(recompute())


# The sweep queues deliveries in batches (reminders.SEND_BATCH ids a task): in-app rows are written together,
# outside channels one by one. Like send_reminder, safe to run twice: what is sent is skipped the second time.
@shared_task(name="notifications.tasks.send_reminders", bind=True, acks_late=True, ignore_result=True,
             autoretry_for=(DatabaseError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_reminders(self, delivery_ids: list[int]) -> dict:
    results = reminders.deliver_batch(delivery_ids)
    return dict(Counter(results.values()))
