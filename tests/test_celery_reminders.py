"""Reminders through the real Redis on 127.0.0.1:6379 and a real Celery worker process (issue 4, DESIGN §5).

The worker runs `celery -A config worker` against this test's database (the SQLite file in the default pass,
PostgreSQL in the CI pass) and a Redis database of its own (REDIS_URL_TEST, default redis://127.0.0.1:6379/15,
flushed by these tests). Without Redis these tests skip, except under CI=true, where they fail.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import Delivery, DeliveryAttempt, Notification
from notifications.reminders import sweep

from .clock import worker_clock_env
from .reminder_fixtures import (
    deliveries,
    move_due_date,
    review_deadline,
    sms_lines,
    stage_time,
    submit_decision,
    titles_for,
    working_days_before,
)

pytestmark = [pytest.mark.clock, pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REDIS_URL = os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parent.parent


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)


@pytest.fixture(scope="module")
def redis_server():
    try:
        redis_client().ping()
    except Exception as error:  # noqa: BLE001 - any failure means: no Redis here
        reason = f"Redis is not reachable at {REDIS_URL} ({error})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; under CI=true the Celery tests must run")
        pytest.skip(reason)
    return REDIS_URL


@pytest.fixture
def broker(redis_server):
    """Point this process's Celery app at the test Redis (and empty it); restore the app afterwards."""
    from config.celery import app

    redis_client().flushdb()
    saved = (app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.broker_url, app.conf.broker_transport_options = redis_server, {}
    app._pool = None
    app.amqp._producer_pool = None
    yield app
    app.conf.broker_url, app.conf.broker_transport_options = saved
    app._pool = None
    app.amqp._producer_pool = None
    redis_client().flushdb()


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A `celery -A config worker` process on the test database and the test Redis."""

    def __init__(self, tmp_path: Path, sms_path: Path, **extra_env):
        self.log = tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": REDIS_URL,
            "SMS_BACKEND": f"file:{sms_path}",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
            "SITE_URL": settings.SITE_URL,
            **worker_clock_env(),  # the worker's clock is this test's clock, not the wall (config/celery.py)
            **extra_env,
        }
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=info",
                 "--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"test-{uuid.uuid4().hex[:8]}@%h"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        wait_until(lambda: "ready." in self.output() or self.process.poll() is not None, timeout=60,
                   what="the Celery worker to start")
        assert self.process.poll() is None, f"the worker exited at start-up:\n{self.output()}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self):
        """SIGKILL: no warm shutdown, no acknowledgement, no rollback handler — as when a host dies."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(broker, tmp_path):
    started = []

    def start(sms_path, **extra_env):
        worker = Worker(tmp_path, sms_path, **extra_env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_until(predicate, timeout=30.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def statuses(deadline) -> dict:
    return dict(deliveries(deadline).values_list("channel", "status"))


def mails(tmp_path: Path) -> list[str]:
    folder = tmp_path / "mail"
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*"))] if folder.exists() else []


def test_a_due_reminder_reaches_every_chosen_channel_exactly_once(api, judicial, start_worker, tmp_path):
    sms = tmp_path / "sms.jsonl"
    worker = start_worker(sms)
    decision = submit_decision(api)
    deadline = review_deadline(decision)
    moment = stage_time(deadline, "before", 3)

    assert sweep(now=moment) == 3
    wait_until(lambda: set(statuses(deadline).values()) == {"sent"}, what=f"three sends\n{worker.output()}")
    # Sweeps keep running (beat, every minute): nothing more goes out.
    assert sweep(now=moment + datetime.timedelta(minutes=1)) == 0
    assert sweep(now=moment + datetime.timedelta(minutes=2)) == 0
    time.sleep(1)
    [title] = titles_for(judicial)
    assert decision["title"] in title
    assert [line["phone"] for line in sms_lines(sms)] == ["13800000001"]
    [email] = mails(tmp_path)
    assert "sifa@shiqiao.example" in email and "lawflow-" in email  # Message-ID carries the idempotency key
    assert DeliveryAttempt.objects.filter(delivery__reminder__deadline=deadline).count() == 3


def test_a_redis_flush_after_queuing_still_delivers_after_the_lease(api, judicial, start_worker, tmp_path):
    sms = tmp_path / "sms.jsonl"
    deadline = review_deadline(submit_decision(api))
    moment = stage_time(deadline, "before", 3)
    assert sweep(now=moment) == 3
    assert redis_client().llen("lawflow") == 1  # one send task carries the three (reminders.SEND_BATCH)
    redis_client().flushdb()  # Redis loses everything it held (a FLUSHALL, a restart without persistence)

    worker = start_worker(sms)
    time.sleep(2)
    assert set(statuses(deadline).values()) == {"claimed"}  # nothing sent: the tasks are gone
    assert sweep(now=moment + datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS - 1)) == 0
    assert sweep(now=moment + datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)) == 3
    wait_until(lambda: set(statuses(deadline).values()) == {"sent"}, what=f"the re-claimed sends\n{worker.output()}")
    assert len(titles_for(judicial)) == 1 and len(sms_lines(sms)) == 1 and len(mails(tmp_path)) == 1


def _blocked_in_fifo_open(pid: int) -> bool:
    """Linux: the process sleeps in the kernel waiting for the pipe's other end (wait_for_partner / fifo_open)."""
    try:
        return Path(f"/proc/{pid}/wchan").read_text() in ("wait_for_partner", "fifo_open")
    except OSError:
        return False


def test_a_worker_killed_mid_send_neither_loses_nor_duplicates(api, judicial, start_worker, tmp_path):
    judicial.notification_channels = ["sms"]
    judicial.save()
    # The SMS "provider" is a named pipe no one reads: the worker's send blocks inside open() — mid-send.
    sms = tmp_path / "sms.jsonl"
    os.mkfifo(sms)
    first = start_worker(sms)
    deadline = review_deadline(submit_decision(api))
    moment = stage_time(deadline, "before", 3)
    assert sweep(now=moment) == 2  # in-app and SMS

    wait_until(lambda: statuses(deadline).get("in_app") == "sent", what=f"the in-app send\n{first.output()}")
    wait_until(lambda: _blocked_in_fifo_open(first.process.pid) or not Path("/proc").exists(), timeout=15,
               what="the worker to block in the SMS send")
    first.kill()
    assert statuses(deadline)["sms"] == "sending"  # the killed send left its in-flight attempt, committed before
    assert list(DeliveryAttempt.objects.filter(delivery__channel="sms").values_list("state", flat=True)) == [
        "in_flight"]

    sms.unlink()  # the provider is back
    second = start_worker(sms)
    assert sweep(now=moment + datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)) == 1
    wait_until(lambda: statuses(deadline)["sms"] == "sent", what=f"the re-claimed SMS\n{second.output()}")
    lines = sms_lines(sms)
    assert len(lines) == 1 and lines[0]["phone"] == "13800000001"
    assert len(titles_for(judicial)) == 1
    assert Delivery.objects.get(reminder__deadline=deadline, channel="sms").claims == 2
    # The second worker asked the SMS file first (no line for the key: it never left), then sent.
    assert list(DeliveryAttempt.objects.filter(delivery__channel="sms").values_list("state", flat=True)) == [
        "failed", "lookup", "sent"]


def test_a_closed_deadline_sends_nothing(api, judicial, start_worker, tmp_path):
    sms = tmp_path / "sms.jsonl"
    decision = submit_decision(api)
    deadline = review_deadline(decision)
    assert sweep(now=stage_time(deadline, "before", 3)) == 3  # queued …
    response = api["judicial"].post(f"/api/v1/decisions/{decision['id']}/transitions/pass_review/", {
        "opinion": "经审查，合法。", "authority_ok": True, "procedure_ok": True, "content_ok": True}, format="json")
    assert response.status_code == 200  # … and then the review is done before a worker picks them up
    worker = start_worker(sms)
    wait_until(lambda: set(statuses(deadline).values()) == {"cancelled"}, what=f"cancellations\n{worker.output()}")
    assert titles_for(judicial) == [] and sms_lines(sms) == [] and mails(tmp_path) == []


def test_an_escalation_reaches_the_escalation_role(api, users, judicial, start_worker, tmp_path, today):
    worker = start_worker(tmp_path / "sms.jsonl")
    decision = submit_decision(api)
    deadline = review_deadline(decision)
    # Missed two working days ago: the first escalation (09:00 on the next working day) is past at any hour today
    # — "three days ago" was not, at 06:45 on a Monday (issue 10, fault 1).
    due = working_days_before(today, 2)
    move_due_date(deadline, due)
    assert sweep() == 4  # the judicial office on its three channels, the principal in-app
    principal = users["principal"]
    wait_until(lambda: titles_for(principal), what=f"the escalation\n{worker.output()}")
    [title] = titles_for(principal)
    assert title.startswith("【逾期督办】") and decision["title"] in title and f"已逾期{(today - due).days}日" in title
    assert "升级至：镇长" in Notification.objects.get(recipient=principal, delivery__isnull=False).body


def test_quiet_hours_hold_sms_back(api, judicial, start_worker, tmp_path, today):
    # Quiet hours around the present moment, whatever time the tests run at.
    from django.utils import timezone

    now = timezone.localtime()
    judicial.quiet_hours_start = (now - datetime.timedelta(hours=1)).time().replace(microsecond=0)
    judicial.quiet_hours_end = (now + datetime.timedelta(hours=1)).time().replace(microsecond=0)
    judicial.save()
    sms = tmp_path / "sms.jsonl"
    worker = start_worker(sms)
    deadline = review_deadline(submit_decision(api))
    # Due today, and the due-day reminder's time has come: it goes out now (not an escalation).
    from django.test import override_settings

    with override_settings(REMINDER_SEND_TIME="00:00"):
        move_due_date(deadline, today)
    assert sweep() == 2  # in-app and e-mail; the SMS waits
    wait_until(lambda: statuses(deadline).get("in_app") == "sent" and statuses(deadline).get("email") == "sent",
               what=f"in-app and e-mail\n{worker.output()}")
    held = deliveries(deadline, channel="sms").get()
    assert held.status == "pending" and held.not_before > timezone.now()
    assert sms_lines(sms) == []
    assert sweep() == 0


def test_the_beat_task_sweeps_and_the_worker_sends(api, users, judicial, start_worker, tmp_path, today):
    from config.celery import app
    from notifications import tasks  # registers the tasks with the app, as the worker's autodiscovery does

    assert settings.CELERY_BEAT_SCHEDULE["reminder-sweep"]["schedule"] == 60.0
    task = app.tasks[settings.CELERY_BEAT_SCHEDULE["reminder-sweep"]["task"]]
    assert task.name == tasks.sweep_reminders.name
    worker = start_worker(tmp_path / "sms.jsonl")
    deadline = review_deadline(submit_decision(api))
    move_due_date(deadline, today - datetime.timedelta(days=10))  # missed: the escalation is due now
    task.delay()  # what beat sends every minute
    wait_until(lambda: titles_for(users["principal"]), what=f"the swept escalation\n{worker.output()}")
    # The message is there before the worker records the send's outcome (no transaction spans the two).
    wait_until(lambda: deliveries(deadline, recipient=users["principal"]).get().status == "sent",
               what=f"the recorded send\n{worker.output()}")


@pytest.mark.clock
def test_a_worker_runs_on_the_test_clock_not_the_wall(api, judicial, clock, start_worker, tmp_path):
    # A leap day the wall clock has long left behind: what the worker's task writes shows whose clock it ran on.
    leap_day = datetime.datetime(2024, 2, 29, 12, 34, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    clock.move_to(leap_day)
    worker = start_worker(tmp_path / "sms.jsonl")
    deadline = review_deadline(submit_decision(api))
    assert sweep(now=stage_time(deadline, "before", 3)) == 3
    wait_until(lambda: set(statuses(deadline).values()) == {"sent"}, what=f"three sends\n{worker.output()}")
    # The sweep ran here, at the reminder's own time; the worker sent on the test's clock (a few seconds after
    # 12:34 on the leap day), not on today's wall clock.
    for attempt in DeliveryAttempt.objects.filter(delivery__reminder__deadline=deadline):
        assert leap_day <= attempt.at < leap_day + datetime.timedelta(minutes=5), (attempt.at, worker.output())
