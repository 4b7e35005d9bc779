"""Faults (issue 17 item 6): Redis down or hung, and a channel provider down — against a private Redis this module
starts, kills and freezes itself (tests/redis_server.py), never the shared server, with a real Celery worker process
on it (tests/test_celery_reminders.py Worker) and this test's database.

The web process here is this test process (Django's test client), configured as production configures itself for
that Redis: CACHES and the Celery broker settings are what config/settings.py computes with REDIS_URL set.

(a) Redis down: log in, pages, transitions that open deadlines and plan reminders all answer at once (every page
    reads the cache, which answers a miss: config/cache.py); a sweep meanwhile cannot queue, logs it and returns;
    the worker running through the outage reconnects when Redis is back (empty: nothing persisted) and every due
    reminder goes out exactly once, within the lease. Redis hung (SIGSTOP): the same, each Redis call bounded by
    its socket timeout (REDIS_CACHE_TIMEOUT_SECONDS, REDIS_TIMEOUT_SECONDS).
(b) A provider down (a WeCom robot webhook on a port nothing listens on, a DingTalk robot webhook answering 503):
    retried on the back-off schedule, given up after REMINDER_MAX_FAILURES, the recipient's in-app message arrives
    regardless, and the admins get an in-app message for each delivery given up.
"""

import datetime
import runpy
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from notifications.models import Deadline, Delivery, DeliveryAttempt, GroupRobot, Notification, Reminder
from notifications.reminders import retry_delay, sweep
from review.models import Decision

from .redis_server import PrivateRedis, free_port
from .reminder_fixtures import deliveries, review_deadline, sms_lines, stage_time, submit_decision, titles_for
from .test_celery_reminders import Worker, mails, wait_until
from .test_channels import FakeProvider

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults_redis")]
# The worker process sees only committed rows.
worker_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pw-for-tests-123"  # tests/conftest.py make_user
TITLES = ("石桥镇农村人居环境整治三年行动方案", "石桥镇集镇停车管理办法", "石桥镇河道保洁长效管理办法")
QUICK = 5.0  # seconds: a page that answers within this did not wait on Redis (a loaded CI machine included)
# The cache's window without Redis after a failure (config/cache.py), shortened from its 5 s so tests wait less.
RETRY_AFTER = 1.0
# This process's broker socket timeout (REDIS_TIMEOUT_SECONDS, 2 s by default; the worker keeps the default): a
# publish to a hung Redis fails after a few of these (Celery retries a publish three times).
BROKER_TIMEOUT = 0.5


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The users log in with their passwords: a fast hasher, so that the time of a request is the time it waits."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def private_redis():
    server = PrivateRedis().start()
    yield server
    server.close()


def production_settings(monkeypatch, redis_url: str) -> dict:
    """What config/settings.py computes when REDIS_URL names this Redis (as in production)."""
    with monkeypatch.context() as env:
        env.setenv("REDIS_URL", redis_url)
        env.setenv("REDIS_TIMEOUT_SECONDS", str(BROKER_TIMEOUT))
        return runpy.run_path(str(ROOT / "config" / "settings.py"))


@pytest.fixture
def on_private_redis(private_redis, settings, monkeypatch):
    """This process's cache and Celery broker on the private Redis (started and emptied), configured as
    production configures them; put back afterwards."""
    import redis

    from config.celery import app

    private_redis.resume()
    private_redis.start()
    redis.Redis.from_url(private_redis.url).flushall()
    computed = production_settings(monkeypatch, private_redis.url)
    assert computed["CACHES"]["default"]["BACKEND"] == "config.cache.FailSoftRedisCache"
    computed["CACHES"]["default"]["OPTIONS"]["retry_after"] = RETRY_AFTER
    settings.CACHES = computed["CACHES"]  # pytest-django puts it back; Django's signal resets the cache handler
    saved = {name: app.conf[name] for name in
             ("broker_url", "broker_transport_options", "broker_connection_timeout")}

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(broker_url=computed["CELERY_BROKER_URL"],
                    broker_transport_options=computed["CELERY_BROKER_TRANSPORT_OPTIONS"],
                    broker_connection_timeout=computed["CELERY_BROKER_CONNECTION_TIMEOUT"])
    reset_pools()
    yield private_redis
    private_redis.resume()  # a test that failed mid-outage leaves it frozen or stopped
    private_redis.start()
    app.conf.update(saved)
    reset_pools()


@pytest.fixture
def start_worker(on_private_redis, tmp_path):
    started = []

    def start(**extra_env):
        worker = Worker(tmp_path, tmp_path / "sms.jsonl", REDIS_URL=on_private_redis.url, **extra_env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@contextmanager
def quickly(what: str, seconds: float = QUICK):
    started = time.monotonic()
    yield
    took = time.monotonic() - started
    assert took < seconds, f"{what} took {took:.1f} s"


def logged_in(user) -> Client:
    client = Client()
    with quickly(f"logging in {user.username}"):
        response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/", response.status_code
    return client


def get_page(client: Client, url: str):
    with quickly(f"GET {url}"):
        response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode("utf-8")


def create_and_submit_on_the_pages(client: Client, title: str) -> Decision:
    """The drafter's two forms: a new decision (participation exempted with its legal ground), then submit it
    for legality review, which opens the `decision.review` deadline and plans its reminders."""
    with quickly("creating a decision"):
        response = client.post("/review/decisions/add/", {
            "title": title, "body": "一、总体要求……", "category": "major_decision", "department": "农业农村办",
            "participation_exemption_ground": "涉及国家秘密，依法不予公开（保守国家秘密法第2条）。"})
    assert response.status_code == 302, response.content.decode()[:2000]
    decision = Decision.objects.get(title=title)
    with quickly("submitting it for review"):
        response = client.post(f"/review/decisions/{decision.pk}/transitions/submit_for_review/",
                               {"comment": "请审查。"})
    assert response.status_code == 302, response.content.decode()[:2000]
    decision.refresh_from_db()
    assert decision.state == "in_review"
    return decision


def the_web_works_without_redis(users, api, titles) -> list[Deadline]:
    """Log in, pages, transitions through the web (one decision on the pages, one by the API); returns the review
    deadlines they opened."""
    drafter = logged_in(users["drafter"])
    get_page(drafter, "/")
    decision = create_and_submit_on_the_pages(drafter, titles[0])
    with quickly("an API submit"):
        by_api = submit_decision(api, title=titles[1])
    judicial = logged_in(users["judicial"])
    inbox = get_page(judicial, "/inbox/")
    assert decision.title in inbox and by_api["title"] in inbox  # the judicial office sees what it must review
    get_page(judicial, f"/review/decisions/{decision.pk}/")
    get_page(judicial, "/inbox/messages/")
    opened = [review_deadline({"id": decision.pk}), review_deadline(by_api)]
    for deadline in opened:  # the database is the truth: deadlines open, reminders planned
        assert deadline.status == Deadline.Status.OPEN
        assert deadline.reminders.filter(status=Reminder.Status.PLANNED).exists()
    return opened


def test_the_cache_answers_misses_at_once_while_redis_is_down_or_hung(on_private_redis):
    """No database: the cache alone."""
    import redis

    redis_server = on_private_redis
    cache.set("lawflow:probe", "up")
    assert cache.get("lawflow:probe") == "up"
    assert redis.Redis.from_url(redis_server.url).keys("*lawflow:probe")  # the cache really is that Redis

    redis_server.stop()  # down: connections refused
    with quickly("cache calls with Redis down", 0.5):
        assert cache.get("lawflow:probe", "missing") == "missing"
        assert cache.add("lawflow:other", 1) is False
        cache.set("lawflow:probe", "down")  # nothing raised
        assert cache.get_many(["lawflow:probe"]) == {} and cache.has_key("lawflow:probe") is False
        with pytest.raises(ValueError):  # as for a missing key (Django's contract for incr)
            cache.incr("lawflow:probe")
    redis_server.start()  # back, empty (nothing persisted)
    time.sleep(RETRY_AFTER)
    assert cache.get("lawflow:probe") is None
    cache.set("lawflow:probe", "kept")
    assert cache.get("lawflow:probe") == "kept"

    redis_server.pause()  # hung: the kernel accepts, nothing answers
    with quickly("the first cache call to a hung Redis", settings.REDIS_CACHE_TIMEOUT_SECONDS + 0.5):
        assert cache.get("lawflow:probe", "missing") == "missing"
    with quickly("the next hundred calls, in the window without Redis", 0.5):
        assert [cache.get("lawflow:probe", "missing") for _ in range(100)] == ["missing"] * 100
    redis_server.resume()
    time.sleep(RETRY_AFTER)
    assert cache.get("lawflow:probe") == "kept"  # the frozen Redis kept it; the cache uses it again


def sent_once(judicial, deliveries_, titles, tmp_path):
    """Every delivery sent, each once: one in-app message per deadline, one SMS line, one e-mail, one attempt."""
    assert set(deliveries_.values_list("status", flat=True)) == {"sent"}
    in_app = titles_for(judicial)
    assert len(in_app) == len(titles) and all(sum(t in title for title in in_app) == 1 for t in titles)
    assert [line["phone"] for line in sms_lines(tmp_path / "sms.jsonl")] == ["13800000001"] * len(titles)
    assert len(mails(tmp_path)) == len(titles)
    assert DeliveryAttempt.objects.filter(delivery__in=deliveries_).count() == deliveries_.count()


@worker_db
def test_redis_down_then_hung_the_web_works_and_every_due_reminder_goes_out_once_when_it_is_back(
        on_private_redis, start_worker, users, judicial, api, tmp_path):
    import redis

    redis_server = on_private_redis
    queue = redis.Redis.from_url(redis_server.url)
    lease = datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    worker = start_worker()  # one worker, running before, through and after both outages
    get_page(logged_in(users["principal"]), "/inbox/")
    assert queue.keys("*django-viewflow-avatar*")  # every page's frame reads and writes the cache

    # 1. Redis down (killed): the web works, a sweep cannot queue.
    redis_server.stop()
    deadlines = the_web_works_without_redis(users, api, TITLES[:2])
    moment = max(stage_time(d, "before", 3) for d in deadlines)
    # A sweep while Redis is down (beat's task taken by a worker just before Redis went): it expands and claims in
    # the database, cannot queue, logs it, and returns at once; the claimed rows wait for their lease.
    with quickly("a sweep with the broker down"):
        assert sweep(now=moment) == 0
    first = Delivery.objects.filter(reminder__deadline__in=deadlines)
    assert first.count() == 6 and set(first.values_list("status", flat=True)) == {"claimed"}

    # Back, empty (nothing persisted): the worker reconnects; the rows come back after their lease, sent once.
    redis_server.start()
    assert sweep(now=moment + datetime.timedelta(minutes=1)) == 0  # leases still run: nothing queued twice
    assert sweep(now=moment + lease + datetime.timedelta(seconds=1)) == 6
    wait_until(lambda: set(first.values_list("status", flat=True)) == {"sent"}, timeout=45,
               what=f"the worker to reconnect and send\n{worker.output()}")
    assert worker.process.poll() is None and worker.output().count("Connected to redis://") >= 2  # the same worker
    for minutes in (2, 3):  # beat keeps sweeping: nothing goes out again
        assert sweep(now=moment + lease + datetime.timedelta(minutes=minutes)) == 0
    time.sleep(1)  # a duplicate would have had time to land
    sent_once(judicial, first, TITLES[:2], tmp_path)

    # 2. Redis hung (frozen): the kernel accepts connections, nothing answers.
    cache.set("lawflow:probe", "up")
    redis_server.pause()
    try:
        drafter = logged_in(users["drafter"])
        get_page(drafter, "/inbox/")  # the first cache call waits its socket timeout, the next ones not at all
        with quickly("an API submit"):
            third = review_deadline(submit_decision(api, title=TITLES[2]))
        # The broker's socket timeout bounds each try of the publish, and the sweep stops at the first failure
        # instead of waiting once per row.
        with quickly("a sweep with the broker hung", 4 * BROKER_TIMEOUT + 3):
            assert sweep(now=stage_time(third, "before", 3)) == 0
    finally:
        redis_server.resume()
    late = Delivery.objects.filter(reminder__deadline=third)
    assert late.count() == 3 and set(late.values_list("status", flat=True)) == {"claimed"}
    time.sleep(RETRY_AFTER)  # the cache's window without Redis
    assert cache.get("lawflow:probe") == "up"  # the frozen Redis lost nothing; the cache uses it again
    # The frozen server may have taken the publish that timed out (its bytes were in its socket, and Celery tried
    # it more than once): the worker then gets that task and sends its row, once. The sweep after the lease queues
    # the rows still waiting.
    for _twice in range(2):  # queued, or taken and not yet acknowledged (acks_late: kombu's "unacked" hash)
        wait_until(lambda: not queue.llen(settings.CELERY_TASK_DEFAULT_QUEUE) and not queue.hlen("unacked"),
                   what=f"the worker to finish what the frozen Redis held\n{worker.output()}")
        time.sleep(0.5)
    # The three rows went in one send task (reminders.SEND_BATCH): its publish failed (all three still claimed)
    # or the frozen server kept it and the worker sent them (none) — never some of a batch.
    waiting = late.filter(status="claimed").count()
    assert waiting in (0, 3)
    assert sweep(now=stage_time(third, "before", 3) + lease + datetime.timedelta(seconds=1)) == waiting
    wait_until(lambda: set(late.values_list("status", flat=True)) == {"sent"} and not queue.llen(
        settings.CELERY_TASK_DEFAULT_QUEUE), timeout=45, what=f"the sends after the freeze\n{worker.output()}")
    time.sleep(1)
    sent_once(judicial, Delivery.objects.filter(reminder__deadline__in=[*deadlines, third]), TITLES, tmp_path)


# --- (b) a channel provider down ---------------------------------------------------------------------------------


@pytest.fixture
def busy_provider():
    """A DingTalk-style webhook that answers 503 "system busy" to every post."""
    server = FakeProvider((503, {"errcode": -1, "errmsg": "system busy"}), "application/json")
    yield server
    server.close()


@worker_db
def test_a_provider_down_is_retried_on_schedule_then_given_up_and_the_admins_are_told(
        on_private_redis, start_worker, users, api, busy_provider, clock):
    judicial, admin = users["judicial"], users["admin"]  # the judicial office: in-app only
    nobody = GroupRobot.objects.create(
        name="司法所企业微信群", kind="wecom", roles=["judicial_office"],
        url=f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key=k-lawflow")  # nothing listens there
    busy = GroupRobot.objects.create(
        name="司法所钉钉群", kind="dingtalk", roles=["judicial_office"],
        url=f"http://{busy_provider.address}/robot/send?access_token=t-lawflow")
    decision = submit_decision(api)
    deadline = review_deadline(decision)
    moment = stage_time(deadline, "before", 3)
    clock.move_to(moment)  # the worker runs on this clock from its start (config/celery.py)
    worker = start_worker()

    assert sweep(now=moment) == 3  # in-app for the judicial office, and each group's robot

    def robots():
        return list(deliveries(deadline, channel="robot").order_by("id"))

    max_failures = settings.REMINDER_MAX_FAILURES
    for failures in range(1, max_failures + 1):
        wait_until(lambda n=failures: all(d.failures == n and d.status in ("pending", "failed") for d in robots()),
                   what=f"failure {failures} of both robots\n{worker.output()}")
        if failures == max_failures:
            break
        assert not Notification.objects.filter(title__contains="未能发出").exists()  # still trying: nobody told
        rows = robots()
        # The back-off: 1, 2, 4 … minutes after each failed try (at most an hour: the 7th waits 60, not 64). The
        # sweep's clock is advanced here; the worker's runs on from `moment` (config/celery.py reads the test clock
        # once, at its start), so each wait is measured from the failed try's own time.
        for row in rows:
            last = row.attempts.order_by("-at", "-id").first()
            assert row.status == "pending" and row.not_before == last.at + retry_delay(failures), (failures, row)
        due = max(row.not_before for row in rows)
        assert sweep(now=min(row.not_before for row in rows) - datetime.timedelta(seconds=1)) == 0  # not before
        assert sweep(now=due) == 2

    assert {row.status for row in robots()} == {"failed"}
    assert sweep(now=moment + datetime.timedelta(hours=3)) == 0  # given up: not tried again
    nobody_row, busy_row = (deliveries(deadline, robot=robot).get() for robot in (nobody, busy))
    assert "refused" in nobody_row.last_answer.lower()
    assert "HTTP 503" in busy_row.last_answer and "system busy" in busy_row.last_answer
    assert nobody_row.attempts.count() == busy_row.attempts.count() == max_failures
    assert len(busy_provider.requests) == max_failures  # each try reached the provider once, none more

    # The judicial office got its reminder in the app, once.
    [title] = titles_for(judicial)
    assert decision["title"] in title
    assert deliveries(deadline, channel="in_app").get().status == "sent"
    # Each admin is told, in the app, of each delivery given up, with a link to it in the admin site.
    notes = Notification.objects.filter(recipient=admin, title__contains="未能发出")
    assert sorted(note.title for note in notes) == sorted(
        f"提醒 #{row.pk}（群机器人，发给{row.robot.name}）未能发出" for row in (nobody_row, busy_row))
    for note in notes:
        row = nobody_row if f"#{nobody_row.pk}（" in note.title else busy_row
        assert f"已尝试{max_failures}次" in note.body and "不再重试" in note.body
        assert row.last_answer[:40] in note.body  # the provider's last answer
        assert note.link.endswith(f"/admin/notifications/delivery/{row.pk}/change/")
    assert not Notification.objects.filter(title__contains="未能发出").exclude(recipient=admin).exists()  # admins only
