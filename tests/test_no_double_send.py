"""Issue 18: two beats and three workers at once never send a reminder twice.

Beat must run once, but a county that starts a second one by mistake (two hosts with the same compose file, a
restarted host whose old beat still runs) must not double-send: the sweep locks what it expands and claims
(SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, the write lock of BEGIN IMMEDIATE on SQLite) and the unique key of
Delivery backs it up. Here two real `celery -A config beat` processes (each with its own schedule file, a sweep
every second: REMINDER_SWEEP_SECONDS=1) and three real `celery -A config worker` processes share the test
database and the test Redis (tests/test_celery_reminders.py's Worker and broker), the workers on this test's clock
(config/celery.py). 240 decision reviews are due; two judicial officers each take every reminder in-app and by SMS
(the SMS file backend: one JSON line per message sent, with the delivery's key).
"""

import datetime
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db.models import Count
from django.utils import timezone

from notifications.models import Deadline, DeadlineRule, Delivery, DeliveryAttempt, Notification, Reminder
from review.models import Decision

from . import test_celery_reminders as celery_tests
from .conftest import make_user
from .reminder_fixtures import sms_lines

pytestmark = [pytest.mark.clock, pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

broker, redis_server, start_worker = celery_tests.broker, celery_tests.redis_server, celery_tests.start_worker
wait_until = celery_tests.wait_until

ROOT = Path(__file__).resolve().parent.parent
REMINDERS = 240
SWEEP_LINE = "Sending due task reminder-sweep"


class Beat:
    """A `celery -A config beat` process with its own schedule file, sweeping every REMINDER_SWEEP_SECONDS."""

    def __init__(self, tmp_path: Path, name: str, every: int = 1):
        self.name, self.schedule = name, tmp_path / f"beat-{name}-schedule"
        self.log = tmp_path / f"beat-{name}.log"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": celery_tests.database_url(),
               "REDIS_URL": celery_tests.REDIS_URL, "REMINDER_SWEEP_SECONDS": str(every)}
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=info", "-s", str(self.schedule),
                 "--pidfile", str(tmp_path / f"beat-{name}.pid")],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def sweeps_sent(self) -> int:
        return self.output().count(SWEEP_LINE)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def start_beat(broker, tmp_path):
    started = []

    def start(name):
        beat = Beat(tmp_path, name)
        started.append(beat)
        return beat

    yield start
    for beat in started:
        beat.stop()


def due_reviews(count: int, now) -> list[Reminder]:
    """`count` decisions under legality review whose "3 working days before" reminder is due (a minute ago)."""
    drafter = make_user("drafter")
    rule = DeadlineRule.objects.get(kind="decision.review")
    decisions = [Decision.objects.create(title=f"石桥镇决策事项{i:03d}", body="正文", category="major_decision",
                                         department="党政办", created_by=drafter) for i in range(count)]
    due = timezone.localdate(now) + datetime.timedelta(days=5)
    deadlines = Deadline.objects.bulk_create([
        Deadline(object_type="review.decision", object_id=decision.pk, rule=rule, kind=rule.kind, anchor_date=due,
                 due_date=due, due_at=now + datetime.timedelta(days=5), basis=rule.basis) for decision in decisions])
    return Reminder.objects.bulk_create([
        Reminder(deadline=deadline, stage="before", offset=3, due_date=due, send_at=now - datetime.timedelta(minutes=1))
        for deadline in deadlines])


def test_two_beats_and_three_workers_send_each_reminder_to_each_recipient_once(
        clock, start_worker, start_beat, tmp_path):
    officers = [make_user("judicial_office", phone=f"1390000000{i}", notification_channels=["sms"])
                for i in range(2)]
    reminders = due_reviews(REMINDERS, timezone.now())
    expected = REMINDERS * len(officers) * 2  # in-app and SMS for each officer
    sms = tmp_path / "sms.jsonl"
    workers = [start_worker(sms) for _ in range(3)]
    beats = [start_beat("a"), start_beat("b")]

    def progress() -> str:
        return (f"{Counter(Delivery.objects.values_list('status', flat=True))}\n"
                + "\n".join(f"--- beat {b.name}\n{b.output()[-2000:]}" for b in beats)
                + "\n".join(f"--- worker\n{w.output()[-3000:]}" for w in workers))

    wait_until(lambda: Delivery.objects.filter(status="sent").count() >= expected, timeout=90,
               what=f"{expected} deliveries sent\n{progress()}")
    # Both beats go on sweeping a few more times (every second) after everything went out: nothing goes out again.
    swept = [beat.sweeps_sent() for beat in beats]
    wait_until(lambda: all(beat.sweeps_sent() >= count + 2 for beat, count in zip(beats, swept, strict=True)),
               timeout=30, what=f"more sweeps from both beats\n{progress()}")
    for beat in beats:
        beat.stop()
    queue = celery_tests.redis_client()
    wait_until(lambda: not queue.llen("lawflow") and not queue.hlen("unacked"), timeout=30,
               what=f"the workers to finish what was queued\n{progress()}")
    time.sleep(1)  # a duplicate would have had time to land

    # Both beats really ran: each wrote its own schedule file and sent sweeps, and workers ran them.
    for beat in beats:
        assert list(tmp_path.glob(f"{beat.schedule.name}*")), f"beat {beat.name} wrote no schedule"
        assert beat.sweeps_sent() >= 3, beat.output()
    received = sum(worker.output().count("Task notifications.tasks.sweep_reminders[") for worker in workers)
    assert received > 1, progress()

    # Every stage expanded once; one delivery per reminder, officer and channel, each sent once.
    assert set(Reminder.objects.values_list("status", flat=True)) == {"expanded"}
    rows = Delivery.objects.filter(reminder__in=reminders)
    assert rows.count() == expected
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert Counter(rows.values_list("channel", flat=True)) == {"in_app": expected // 2, "sms": expected // 2}
    attempts = Counter(DeliveryAttempt.objects.values_list("delivery_id", "state"))
    assert set(attempts.values()) == {1} and {state for _pk, state in attempts} == {"sent"}
    assert len(attempts) == expected
    # What the officers see: one in-app message per reminder each …
    notes = (Notification.objects.filter(delivery__isnull=False)
             .values("delivery__reminder_id", "recipient_id").annotate(n=Count("id")))
    assert len(notes) == REMINDERS * len(officers) and {note["n"] for note in notes} == {1}
    for officer in officers:
        titles = list(Notification.objects.filter(recipient=officer).values_list("title", flat=True))
        assert len(titles) == REMINDERS and len(set(titles)) == REMINDERS  # each decision's reminder, once
    # … and one SMS per reminder each: no key twice in the provider's log.
    lines = sms_lines(sms)
    assert len(lines) == expected // 2 and len({line["key"] for line in lines}) == len(lines)
    assert Counter(line["phone"] for line in lines) == {officer.phone: REMINDERS for officer in officers}
