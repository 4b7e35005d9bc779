"""Helpers for reminder tests: a decision under legality review carries the `decision.review` deadline
(responsible: the judicial office; escalation: the principal; reminders 3 and 1 working days ahead)."""

import datetime
import json
from pathlib import Path

from django.utils import timezone

from notifications import calendar
from notifications.deadlines import end_of_day
from notifications.models import Deadline, Delivery, Notification, Reminder
from notifications.reminders import plan_reminders, send_time


def submit_decision(api, title="石桥镇农村人居环境整治三年行动方案"):
    decision = api["drafter"].post("/api/v1/decisions/", {
        "title": title, "body": "一、总体要求……", "category": "major_decision", "department": "农业农村办",
        "public_participation_required": False, "participation_exemption_ground": "涉及国家秘密，依法不予公开（保守国家秘密法第2条）。",
    }, format="json").json()
    response = api["drafter"].post(f"/api/v1/decisions/{decision['id']}/transitions/submit_for_review/", {},
                                   format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def review_deadline(decision) -> Deadline:
    return Deadline.objects.get(object_type="review.decision", object_id=decision["id"], kind="decision.review")


def stage_time(deadline, stage, offset=0) -> datetime.datetime:
    return Reminder.objects.get(deadline=deadline, stage=stage, offset=offset, due_date=deadline.due_date).send_at


def move_due_date(deadline, due: datetime.date, now=None) -> Deadline:
    """Test set-up: put the deadline's due date where a scenario needs it, and replan as a correction would."""
    deadline.due_date, deadline.due_at = due, end_of_day(due)
    deadline.save(update_fields=["due_date", "due_at"])
    plan_reminders(deadline, now=now)
    return deadline


def working_day_on_or_after(day: datetime.date) -> datetime.date:
    while not calendar.is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def working_days_before(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day before `day` (the holiday calendar's, provisional in a year it does not know)."""
    return calendar.add_working_days(day, -n).date


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def titles_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user, delivery__isnull=False).values_list("title", flat=True))


def sms_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def deliveries(deadline, **filters):
    return Delivery.objects.filter(reminder__deadline=deadline, **filters)


__all__ = ["submit_decision", "review_deadline", "stage_time", "move_due_date", "working_day_on_or_after",
           "working_days_before", "at",
           "titles_for", "sms_lines", "deliveries", "send_time"]
