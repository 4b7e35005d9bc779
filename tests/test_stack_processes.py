"""The production stack exercised as processes (issue 18): two gunicorn servers, each `-c config/gunicorn.conf.py`
with two workers, and two Celery workers, on one database and one Redis — as two web hosts and two worker hosts
of a county would run on one PostgreSQL.

The database is this test's (the SQLite file in the default pass, PostgreSQL in the CI postgres pass); Redis is
REDIS_URL_TEST (tests/test_celery_reminders.py, whose worker and broker fixtures these tests reuse). The servers
run with DEBUG off and persistent database connections (DB_CONN_MAX_AGE's default), on the test's clock
(tests/stack_wsgi.py). Clients speak HTTP to them with token authentication, as an app would.

That two beats and several workers never send twice is tests/test_sweep*.py's (issue 18, the sweep).
"""

import datetime
import http.client
import json
import os
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from notifications import calendar
from notifications.models import DeadlineRule, Delivery, Notification
from notifications.reminders import sweep
from workflows.models import AuditEntry

from . import test_celery_reminders as celery_tests
from .clock import WORKER_ENV, worker_clock_env
from .redis_server import free_port
from .reminder_fixtures import review_deadline, sms_lines, stage_time, titles_for

pytestmark = [pytest.mark.clock, pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Shared with the Celery tests: the test Redis, emptied around each test, and real `celery -A config worker`s.
broker, redis_server, start_worker = celery_tests.broker, celery_tests.redis_server, celery_tests.start_worker
database_url, mails, wait_until = celery_tests.database_url, celery_tests.mails, celery_tests.wait_until

ROOT = Path(__file__).resolve().parent.parent
TITLE = "石桥镇农村人居环境整治三年行动方案"
EXEMPT = {"public_participation_required": False, "participation_exemption_ground": "涉及国家秘密，依法不予公开（保守国家秘密法第2条）。"}
CHECKS_PASS = {"authority_ok": True, "procedure_ok": True, "content_ok": True}
OPINION = "经审查，该决策事项属于本镇法定职权，程序完备，内容符合规定，同意提交会议审议。"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The `users` fixture creates seven users with passwords; the production hasher takes ~0.4 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class WebServer:
    """`gunicorn -c config/gunicorn.conf.py` with GUNICORN_WORKERS=2 on a free port of 127.0.0.1, in production
    mode (DEBUG off), on the test database and Redis."""

    def __init__(self, tmp_path: Path, name: str, clock_file: Path):
        self.name, self.port = name, free_port()
        self.log = tmp_path / f"gunicorn-{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": celery_tests.REDIS_URL,
            "DEBUG": "false",
            "SECRET_KEY": f"stack-test-{uuid.uuid4().hex}{uuid.uuid4().hex}",
            "HTTPS": "false",  # plain HTTP on 127.0.0.1, as behind the TLS proxy
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": settings.SITE_URL,
            "GUNICORN_WORKERS": "2",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "LAWFLOW_TEST_CLOCK_FILE": str(clock_file),  # the running test's clock (tests/stack_wsgi.py)
        }
        env.pop("DB_CONN_MAX_AGE", None)  # the default: persistent connections
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "tests.stack_wsgi:application"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def ready(self) -> bool:
        assert self.process.poll() is None, f"gunicorn {self.name} exited at start-up:\n{self.output()}"
        try:
            return self.request("GET", "/api/v1/health/")[0] == 200
        except OSError:
            return False

    def request(self, method: str, path: str, token: str | None = None, body: dict | None = None):
        """(status, JSON body) of one request on a connection of its own."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Accept": "application/json", "Host": "127.0.0.1"}
        if token:
            headers["Authorization"] = f"Token {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        if response.status >= 500:  # the server's log says why
            raise AssertionError(f"{method} {path} on {self.name}: {response.status}\n{self.output()[-6000:]}")
        return response.status, (json.loads(content) if content else None)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn's graceful shutdown of its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def write_clock(path: Path) -> None:
    """This process's clock, as tests/stack_wsgi.py reads it at each request (replaced whole, never half-written)."""
    partial = path.with_suffix(".tmp")
    partial.write_text(worker_clock_env()[WORKER_ENV], encoding="utf-8")
    partial.replace(path)


@pytest.fixture(scope="module")
def stack(django_db_setup, redis_server, tmp_path_factory):
    """Two gunicorn servers for the whole module (they start in ~15 s on two cores), started together on the
    test database; stopped, their connections closed, before the test database is dropped."""
    folder = tmp_path_factory.mktemp("stack")
    clock_file = folder / "clock.json"
    write_clock(clock_file)
    started = []
    try:
        started += [WebServer(folder, "a", clock_file), WebServer(folder, "b", clock_file)]
        for server in started:
            wait_until(server.ready, timeout=90, what=f"gunicorn {server.name} to answer\n{server.output()}")
        yield started, clock_file
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def servers(stack, clock, users):
    """The two servers, on this test's clock from now on (each request reads it)."""
    started, clock_file = stack
    write_clock(clock_file)
    return started


class Client:
    """One role's token against one server: what an app on one of the county's web hosts sends."""

    def __init__(self, server: WebServer, user):
        self.server, self.token = server, Token.objects.get_or_create(user=user)[0].key

    def get(self, path):
        return self.server.request("GET", path, self.token)

    def post(self, path, body):
        return self.server.request("POST", path, self.token, body)

    def fire(self, decision_id, name, **fields):
        return self.post(f"/api/v1/decisions/{decision_id}/transitions/{name}/", fields)

    def decision(self, decision_id):
        status, body = self.get(f"/api/v1/decisions/{decision_id}/")
        assert status == 200, body
        return body


def clients(servers, users) -> dict:
    """clients[role][0 | 1]: that role's user through server a or b."""
    return {role: [Client(server, users[role]) for server in servers] for role in ("drafter", "judicial")}


def create(client, title=TITLE) -> dict:
    status, body = client.post("/api/v1/decisions/", {"title": title, "body": "一、总体要求……", "category": "major_decision",
                                                      "department": "农业农村办", **EXEMPT})
    assert status == 201, body
    return body


def ok(response):
    status, body = response
    assert status == 200, (status, body)
    return body


def history(decision) -> list[str]:
    """The flow's transitions in the decision's history (documents issued along the way left out)."""
    return [entry["transition"] for entry in decision["history"] if entry["transition"] != "issue_document"]


def test_one_decision_through_both_servers_alternately(servers, users, today):
    c = clients(servers, users)
    decision = create(c["drafter"][0])
    pk = decision["id"]
    # Server b sees what server a wrote, and the transitions alternate between them.
    assert c["drafter"][1].decision(pk)["state"] == "draft"
    assert ok(c["drafter"][1].fire(pk, "submit_for_review", comment="请审查。"))["state"] == "in_review"
    seen = c["judicial"][0].decision(pk)
    assert seen["state"] == "in_review"
    [review] = [d for d in seen["deadlines"] if d["kind"] == "decision.review"]
    assert review["status"] == "open"
    # Opened on the server's "today", which is the test's (tests/stack_wsgi.py), not the wall's.
    rule = DeadlineRule.objects.get(kind="decision.review")
    assert rule.unit == "working_days"
    assert review["due_date"] == calendar.add_working_days(today, rule.length).date.isoformat()
    assert ok(c["judicial"][0].fire(pk, "return_for_revision", opinion="请补充法律依据。",
                                    procedure_ok=False))["state"] == "returned"

    # The other server, asked for a transition the state no longer allows, refuses it: 409, nothing written.
    status, body = c["judicial"][1].fire(pk, "pass_review", opinion=OPINION, **CHECKS_PASS)
    assert status == 409 and body["error"] == "state_conflict", body
    assert c["judicial"][1].decision(pk)["state"] == "returned"

    assert ok(c["drafter"][1].fire(pk, "submit_for_review", comment="已补充。"))["state"] == "in_review"
    assert ok(c["judicial"][0].fire(pk, "pass_review", opinion=OPINION, **CHECKS_PASS))["state"] == "review_passed"
    # Repeated through the other server (a double click on the second host): 409 again.
    status, body = c["judicial"][1].fire(pk, "pass_review", opinion=OPINION, **CHECKS_PASS)
    assert status == 409 and body["error"] == "state_conflict", body

    for client in (c["drafter"][0], c["drafter"][1]):
        final = client.decision(pk)
        assert final["state"] == "review_passed"
        assert history(final) == ["create", "submit_for_review", "return_for_revision", "submit_for_review",
                                  "pass_review"]
        assert [o["outcome"] for o in final["opinions"]] == ["returned", "passed"]


def test_several_decisions_at_once_and_one_winner_per_race(servers, users):
    c = clients(servers, users)
    count = 6
    # Two clients at once, one per server: each creates three decisions and submits those the other created.
    with ThreadPoolExecutor(max_workers=2) as pool:
        created = [f.result() for f in [pool.submit(lambda side: [create(c["drafter"][side], f"{TITLE}（{side}-{i}）")
                                                                  for i in range(count // 2)], side) for side in (0, 1)]]
        by_side = [[d["id"] for d in decisions] for decisions in created]
        submitted = [pool.submit(lambda side: [ok(c["drafter"][side].fire(pk, "submit_for_review"))["state"]
                                               for pk in by_side[1 - side]], side) for side in (0, 1)]
        assert [f.result() for f in submitted] == [["in_review"] * (count // 2)] * 2
    ids = by_side[0] + by_side[1]
    for side in (0, 1):
        status, inbox = c["judicial"][side].get("/api/v1/inbox/")
        assert status == 200
        assert {item["id"] for item in inbox["results"] if item["kind"] == "decision"} == set(ids)

    # Each decision at once through both servers: a return through a, a pass through b. One wins, the other is
    # told 409 (it waited for the first's lock, then found the state changed), never both, never neither.
    barrier = threading.Barrier(2)

    def race(pk, side):
        barrier.wait(timeout=30)
        if side == 0:
            return c["judicial"][0].fire(pk, "return_for_revision", opinion="请补充法律依据。", procedure_ok=False)
        return c["judicial"][1].fire(pk, "pass_review", opinion=OPINION, **CHECKS_PASS)

    winners = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for pk in ids:
            results = [f.result() for f in [pool.submit(race, pk, side) for side in (0, 1)]]
            assert sorted(status for status, _body in results) == [200, 409], results
            [loser] = [body for status, body in results if status == 409]
            assert loser["error"] == "state_conflict", loser
            [winner] = [body for status, body in results if status == 200]
            winners[pk] = winner["state"]
    assert set(winners.values()) <= {"returned", "review_passed"}

    for pk in ids:
        views = [c["drafter"][side].decision(pk) for side in (0, 1)]
        assert views[0]["state"] == views[1]["state"] == winners[pk]
        won = "return_for_revision" if winners[pk] == "returned" else "pass_review"
        assert history(views[0]) == ["create", "submit_for_review", won]
        assert len(views[0]["opinions"]) == 1
        # The refused transition left no audit entry.
        lost = "pass_review" if won == "return_for_revision" else "return_for_revision"
        entries = AuditEntry.objects.filter(object_type="review.decision", object_id=str(pk))
        assert entries.filter(transition=won).count() == 1 and not entries.filter(transition=lost).exists()


def test_reminders_planned_through_the_servers_are_delivered_once_by_two_workers(servers, users, judicial,
                                                                                start_worker, tmp_path):
    sms = tmp_path / "sms.jsonl"
    workers = [start_worker(sms), start_worker(sms)]
    c = clients(servers, users)
    decisions = []
    for i in range(4):  # planned alternately by server a and server b
        side = i % 2
        decision = create(c["drafter"][side], f"{TITLE}（{i}）")
        decisions.append(ok(c["drafter"][side].fire(decision["id"], "submit_for_review")))
    deadlines = [review_deadline(d) for d in decisions]
    moment = max(stage_time(deadline, "before", 3) for deadline in deadlines)

    # Beat's sweep (one, here in the test) claims every due delivery: in-app, e-mail and SMS for each decision.
    assert sweep(now=moment) == 3 * len(decisions)
    claimed = Delivery.objects.filter(reminder__deadline__in=deadlines)
    wait_until(lambda: set(claimed.values_list("status", flat=True)) == {"sent"}, timeout=40,
               what="the workers to send\n" + "\n".join(w.output()[-3000:] for w in workers))
    # Sweeps go on every minute: nothing is claimed again.
    assert sweep(now=moment + datetime.timedelta(minutes=1)) == 0
    assert all(w.process.poll() is None for w in workers)

    # Exactly once: one in-app reminder, one SMS and one e-mail per decision, however the workers shared them.
    reminder_titles = titles_for(judicial)
    assert len(reminder_titles) == len(decisions)
    for decision in decisions:
        assert sum(decision["title"] in title for title in reminder_titles) == 1, reminder_titles
    assert [line["phone"] for line in sms_lines(sms)] == ["13800000001"] * len(decisions)
    assert len(mails(tmp_path)) == len(decisions)
    # And the judicial office sees them, the same, through either server.
    reminder_ids = set(Notification.objects.filter(recipient=judicial, delivery__isnull=False).values_list("id", flat=True))
    seen = []
    for side in (0, 1):
        status, body = Client(servers[side], judicial).get("/api/v1/notifications/")
        assert status == 200, body
        seen.append({item["id"] for item in body["results"]})
    assert seen[0] == seen[1] and reminder_ids <= seen[0]
