"""`make bench` (issue 18): the benchmark suite, on PostgreSQL and Redis, against the data set of tests/perf/data.py.

    python -m tests.perf.run [--only transition,lifecycle,sweep,delivery,backlog,inbox] [--fresh] [--out bench.json]

Prints a table (metric, value, target, met?) and writes bench.json (the metrics, the targets, the machine). Ratios
are taken inside one run (medians of interleaved rounds), so that the machine's speed cancels out. The database is
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lawflow_bench, created and migrated if missing),
the broker BENCH_REDIS_URL (default redis://127.0.0.1:6379/10, flushed by the delivery benchmarks). Subprocesses
(gunicorn, the Celery worker, load clients) are started on free ports and always stopped.

Benchmarks measure; tests do not time (tests/ never imports this package; pyproject ignores tests/perf).
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/lawflow_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/10"
BENCH_SECRET = "bench-secret-key-not-for-production-0123456789abcdefghijklmnop"
ALL = ("transition", "lifecycle", "sweep", "delivery", "backlog", "inbox")

# Issue 18's targets on the reference machine (2 cores): (metric, comparison, bound)
TARGETS = {
    "transition_cost_ratio": ("<=", 3.0),
    "transition_queries": ("<=", 20),
    "lifecycle_cases_per_s": (">=", 6.0),
    "lifecycle_scaling_2proc": (">=", 1.5),
    "sweep_scaling_ratio": ("<=", 1.5),
    "delivery_per_s": (">=", 300.0),
    "delivery_ratio_vs_noop": (">=", 0.5),
    "backlog_10k_seconds": ("<=", 120.0),
    "backlog_10k_delivered": (">=", 10_000),
    "inbox_p50_ratio": ("<=", 10.0),
    "inbox_p99_ms": ("<=", 100.0),
    "web_rss_mb": (None, None),
    "worker_rss_mb": (None, None),
}
UNITS = {"transition_cost_ratio": "×", "lifecycle_scaling_2proc": "×", "sweep_scaling_ratio": "×",
         "delivery_ratio_vs_noop": "×", "inbox_p50_ratio": "×", "transition_queries": "statements",
         "lifecycle_cases_per_s": "cases/s", "delivery_per_s": "/s", "backlog_10k_seconds": "s", "backlog_10k_delivered": "deliveries", "inbox_p99_ms": "ms",
         "web_rss_mb": "MB", "worker_rss_mb": "MB"}


def environment() -> dict:
    """The environment of the bench process and of every process it starts."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
        "DJANGO_SETTINGS_MODULE": "tests.perf.settings",
        "DEBUG": "false", "HTTPS": "false", "ALLOWED_HOSTS": "127.0.0.1", "SECRET_KEY": BENCH_SECRET,
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    })
    env.pop("LAWFLOW_TEST_CLOCK", None)
    return env


def fail(message: str) -> None:
    print(f"make bench: {message}", file=sys.stderr)
    sys.exit(2)


def check_services(env) -> None:
    """PostgreSQL and Redis must answer; lawflow_bench is created if missing."""
    import psycopg
    import redis

    url = env["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        fail(f"the benchmarks run on PostgreSQL; BENCH_DATABASE_URL is {url}")
    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
                print(f"created database {name}")
    except psycopg.OperationalError as error:
        fail(f"PostgreSQL does not answer at {base} ({str(error).strip()}); start it, or set BENCH_DATABASE_URL")
    try:
        redis.Redis.from_url(env["REDIS_URL"], socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        fail(f"Redis does not answer at {env['REDIS_URL']} ({error}); start it, or set BENCH_REDIS_URL")


def drop_database(env) -> None:
    import psycopg

    base, _, name = env["DATABASE_URL"].rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Subprocesses started by the bench, each in its own process group, all stopped on exit."""

    def __init__(self):
        self.started = []

    def start(self, args, env, log_name):
        log = open(Path(tempfile.gettempdir()) / f"lawflow-bench-{log_name}.log", "w")
        process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        process.log_path = log.name
        self.started.append(process)
        return process

    def stop(self, process, timeout=20) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)

    def stop_all(self) -> None:
        for process in reversed(self.started):
            self.stop(process)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its children (a gunicorn master and its workers; a Celery worker's
    main process and its pool), in MB."""
    import psutil

    root = psutil.Process(pid)
    total = 0
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += process.memory_info().rss
    return round(total / 1024 / 1024, 1)


# --- the transition ----------------------------------------------------------------------------------------------


FLOOR_STATEMENTS = 12  # BEGIN and COMMIT aside


def floor_decide(conn, case_id: int, user_id: int, username: str, snapshot: str, today: datetime.date) -> None:
    """What `decide` must write, issued directly: lock the case, close its decision deadline and cancel that
    deadline's planned reminders and pending deliveries, open the service and publicity deadlines with their
    eight reminders each (one INSERT), the case's new state and decision, the decision's number and its issued
    document, two audit entries (decide, issue_document) on the hash chain."""
    now = datetime.datetime.now(datetime.UTC)
    due = today + datetime.timedelta(days=9)
    due_at = datetime.datetime.combine(due, datetime.time(23, 59, 59), datetime.timezone(datetime.timedelta(hours=8)))
    with conn.transaction():
        conn.execute("SELECT id, state FROM cases_case WHERE id = %s FOR UPDATE", [case_id])
        closed = [row[0] for row in conn.execute(
            "UPDATE notifications_deadline SET status = 'closed', closed_at = %s, closed_on = %s "
            "WHERE object_type = 'cases.case' AND object_id = %s AND status = 'open' AND kind = 'case.decision' "
            "RETURNING id", [now, today, case_id])]
        conn.execute("UPDATE notifications_reminder SET status = 'cancelled' WHERE deadline_id = ANY(%s) "
                     "AND status = 'planned'", [closed])
        conn.execute("UPDATE notifications_delivery SET status = 'cancelled' WHERE status = 'pending' AND reminder_id "
                     "IN (SELECT id FROM notifications_reminder WHERE deadline_id = ANY(%s))", [closed])
        opened = [row[0] for row in conn.execute(
            "INSERT INTO notifications_deadline (object_type, object_id, rule_id, kind, anchor_date, due_date, due_at, "
            "status, basis, provisional, calendar_version, extended_days, opened_at) VALUES "
            "('cases.case', %(case)s, 'case.service', 'case.service', %(today)s, %(due)s, %(due_at)s, 'open', "
            "'行政处罚法 第六十一条', false, %(version)s, 0, %(now)s), "
            "('cases.case', %(case)s, 'case.publicity', 'case.publicity', %(today)s, %(due)s, %(due_at)s, 'open', "
            "'行政处罚法 第四十八条', false, %(version)s, 0, %(now)s) RETURNING id",
            {"case": case_id, "today": today, "due": due, "due_at": due_at, "version": "bench", "now": now})]
        stages = [("before", 3, -3), ("before", 1, -1), ("due", 0, 0)] + [("overdue", n, n) for n in range(1, 6)]
        values, params = [], []
        for deadline in opened:
            for stage, offset, days in stages:
                values.append("(%s, %s, %s, %s, %s, 'planned')")
                params += [deadline, stage, offset, due, due_at + datetime.timedelta(days=days, hours=-15)]
        conn.execute("INSERT INTO notifications_reminder (deadline_id, stage, \"offset\", due_date, send_at, status) "
                     "VALUES " + ", ".join(values), params)
        conn.execute("UPDATE cases_case SET state = 'decided', outcome = 'penalty', fine = 200, measures = '[\"fine\"]', "
                     "measures_note = %s, decided_on = %s, decided_by_id = %s WHERE id = %s",
                     ["责令清理倾倒的生活垃圾", today, user_id, case_id])
        number = conn.execute("UPDATE workflows_numbersequence SET last = last + 1 WHERE scope = 'doc:penalty_decision' "
                              "AND year = %s RETURNING last", [today.year]).fetchone()[0]
        conn.execute("INSERT INTO documents_issueddocument (kind, owner_type, owner_id, record_id, number, issued_on, "
                     "issued_at, issued_by_id, snapshot) VALUES ('penalty_decision', 'cases', %s, 1, %s, %s, %s, %s, "
                     "%s::jsonb)", [case_id, f"石综执罚决字〔{today.year}〕{number}号", today, now, user_id, snapshot])
        chain_id, last_hash, length = conn.execute(
            "SELECT id, last_hash, length FROM workflows_auditchain ORDER BY id LIMIT 1 FOR UPDATE").fetchone()
        rows, params = [], []
        for i, (transition, source, target, fields) in enumerate((
                ("decide", "deciding", "decided", {"outcome": "penalty", "fine": "200"}),
                ("issue_document", "", "", {"kind": "penalty_decision", "number": str(number)}))):
            body = json.dumps(fields, ensure_ascii=False)
            digest = hashlib.sha256(f"{last_hash}|{length + i + 1}|{case_id}|{transition}|{body}".encode()).hexdigest()
            rows.append("(%s, 'cases.case', %s, %s, %s, %s, %s, %s, %s, %s::jsonb, '', NULL, %s, %s)")
            params += [length + i + 1, str(case_id), transition, source, target, user_id, username, now, body,
                       last_hash, digest]
            last_hash = digest
        conn.execute("INSERT INTO workflows_auditentry (sequence, object_type, object_id, transition, source, target, "
                     "user_id, username, at, fields, comment, client_ip, prev_hash, hash) VALUES " + ", ".join(rows),
                     params)
        conn.execute("UPDATE workflows_auditchain SET last_hash = %s, length = %s WHERE id = %s",
                     [last_hash, length + 2, chain_id])


def bench_transition(env, rounds=11) -> dict:
    import psycopg
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from tqdm import tqdm

    from documents.models import IssuedDocument

    from .lifecycle import Driver

    driver = Driver()
    cases = [driver.to_deciding() for _ in tqdm(range(2 * rounds + 2), desc="cases up to decide", unit="case")]
    principal = get_user_model().objects.get(username="zhenzhang")
    driver.decide(cases.pop())  # warm: the first decide of the process loads what it caches
    snapshot = json.dumps(IssuedDocument.objects.filter(kind="penalty_decision").order_by("-id").first().snapshot)
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        driver.decide(cases.pop())
    queries = len([q for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")])
    orm, floor = [], []
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        conn.autocommit = True
        floor_decide(conn, cases.pop().pk, principal.pk, principal.username, snapshot, today)  # warm
        for i in range(rounds - 1):
            pair = [("orm", cases.pop()), ("floor", cases.pop())]
            for kind, case in (pair if i % 2 == 0 else reversed(pair)):
                start = time.perf_counter()
                if kind == "orm":
                    driver.decide(case)
                    orm.append(time.perf_counter() - start)
                else:
                    floor_decide(conn, case.pk, principal.pk, principal.username, snapshot, today)
                    floor.append(time.perf_counter() - start)
    orm_ms, floor_ms = statistics.median(orm) * 1000, statistics.median(floor) * 1000
    return {"transition_cost_ratio": round(orm_ms / floor_ms, 2), "transition_queries": queries,
            "_transition": f"decide {orm_ms:.1f} ms, {queries} statements (BEGIN/COMMIT aside); the floor "
                           f"{floor_ms:.2f} ms, {FLOOR_STATEMENTS} statements; medians of {len(orm)} interleaved rounds"}


# --- whole cases ---------------------------------------------------------------------------------------------------


def lifecycle_child(seconds: float, start_at: float) -> None:
    """In a process of its own: whole cases, report → closed, from START_AT for SECONDS; prints JSON."""
    from cases.models import Case

    from .lifecycle import Driver

    driver = Driver()
    driver.whole_life()  # warm
    time.sleep(max(0.0, start_at - time.time()))
    done, start = [], time.perf_counter()
    while time.perf_counter() - start < seconds:
        done.append(driver.whole_life().pk)
    elapsed = time.perf_counter() - start
    closed = Case.objects.filter(pk__in=done, state="closed").count()
    print(json.dumps({"cases": len(done), "closed": closed, "seconds": elapsed}))


def bench_lifecycle(env, procs: Processes, seconds=25.0) -> dict:
    def run(n):
        start_at = time.time() + 25  # time for the children to start, set up Django and run their warm case
        children = [procs.start([sys.executable, "-m", "tests.perf.run", "--lifecycle-child", str(seconds),
                                 str(start_at)], env, f"lifecycle-{n}-{i}") for i in range(n)]
        results = []
        for child in children:
            try:
                child.wait(timeout=seconds + 180)
            except subprocess.TimeoutExpired:
                procs.stop(child)
            text = Path(child.log_path).read_text().strip().splitlines()
            if child.returncode != 0 or not text:
                raise RuntimeError(f"lifecycle child failed: see {child.log_path}")
            results.append(json.loads(text[-1]))
        for result in results:
            if result["closed"] != result["cases"]:
                raise RuntimeError(f"lifecycle: only {result['closed']} of {result['cases']} cases closed")
        return sum(r["cases"] for r in results) / max(r["seconds"] for r in results), results

    print("lifecycle: one process …", flush=True)
    one, _ = run(1)
    print("lifecycle: two processes …", flush=True)
    two, results = run(2)
    return {"lifecycle_cases_per_s": round(one, 2), "lifecycle_scaling_2proc": round(two / one, 2),
            "_lifecycle": f"one process {one:.2f} cases/s; two processes {two:.2f} cases/s "
                          f"({' + '.join(str(r['cases']) for r in results)} cases in {seconds:.0f} s)"}


# --- the sweep's scaling ---------------------------------------------------------------------------------------------


def bench_sweep(env, rounds=3) -> dict:
    from django.db import connection

    from notifications.reminders import sweep

    from .data import SWEEP_DUE, SWEEP_DUE_BASE, SWEEP_SCALES

    def one(schema) -> float:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {schema}.notifications_delivery")
            cursor.execute(f"UPDATE {schema}.notifications_reminder SET status = 'planned', expanded_at = NULL "
                           f"WHERE id >= %s", [SWEEP_DUE_BASE])
            cursor.execute(f"VACUUM ANALYZE {schema}.notifications_reminder")
            cursor.execute(f"SET search_path TO {schema}, public")
        try:
            start = time.perf_counter()
            while sweep(queue=lambda pk: None):
                pass
            elapsed = time.perf_counter() - start
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM notifications_reminder WHERE id >= %s AND status = 'planned'",
                               [SWEEP_DUE_BASE])
                left = cursor.fetchone()[0]
            if left:
                raise RuntimeError(f"sweep {schema}: {left} due reminders left unexpanded")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET search_path TO \"$user\", public")
        return elapsed

    small, large = list(SWEEP_SCALES)
    one(small)  # warm
    times = {small: [], large: []}
    for i in range(rounds):
        for schema in ((small, large) if i % 2 == 0 else (large, small)):
            times[schema].append(one(schema))
            print(f"sweep: {schema} {times[schema][-1]:.2f} s", flush=True)
    t_small, t_large = statistics.median(times[small]), statistics.median(times[large])
    return {"sweep_scaling_ratio": round(t_large / t_small, 2),
            "_sweep": f"{SWEEP_DUE} due reminders expanded and their deliveries claimed: {t_small:.2f} s with "
                      f"{SWEEP_SCALES[small]:,} open deadlines, {t_large:.2f} s with {SWEEP_SCALES[large]:,} "
                      f"(medians of {rounds})"}


# --- deliveries through a real worker -------------------------------------------------------------------------------


def start_worker(env, procs: Processes):
    concurrency = str(os.cpu_count() or 2)
    worker = procs.start([sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning", "-Q", "lawflow",
                          "-c", concurrency, "-I", "tests.perf.noop", "--without-gossip", "--without-mingle",
                          "--without-heartbeat", "-n", f"bench-{os.getpid()}@%h"], env, "worker")
    return worker


def wait_for(condition, timeout, what, interval=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def noop_rate(redis_client, count: int, timeout=120) -> float:
    from .noop import COUNTER, noop

    redis_client.set(COUNTER, 0)
    start = time.perf_counter()
    for _ in range(count):
        noop.delay()
    if not wait_for(lambda: int(redis_client.get(COUNTER) or 0) >= count, timeout, "no-op tasks", 0.02):
        raise RuntimeError(f"the worker ran {redis_client.get(COUNTER)} of {count} no-op tasks in {timeout} s")
    return count / (time.perf_counter() - start)


def due_reminders(count: int) -> list[int]:
    """`count` due stages, each on an open deadline of its own of an open case (two officers, in-app only): a
    deadline of kind bench.delivery (removed by clear_bench_reminders). Returns the reminder ids."""
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case
    from notifications.models import Deadline, Reminder

    now = timezone.now()
    case_ids = list(Case.objects.filter(state="served").values_list("pk", flat=True)[:count])
    case_ids = (case_ids * (count // max(1, len(case_ids)) + 1))[:count]
    today = timezone.localdate()
    with transaction.atomic():
        deadlines = Deadline.objects.bulk_create(
            [Deadline(object_type="cases.case", object_id=pk, rule_id="case.service", kind="bench.delivery",
                      anchor_date=today, due_date=today, due_at=now + datetime.timedelta(hours=1),
                      basis="bench", status=Deadline.Status.OPEN) for pk in case_ids], batch_size=2000)
        reminders = Reminder.objects.bulk_create(
            [Reminder(deadline=d, stage=Reminder.Stage.DUE, offset=0, due_date=today,
                      send_at=now - datetime.timedelta(minutes=1)) for d in deadlines], batch_size=2000)
    return [r.pk for r in reminders]


def clear_bench_reminders() -> None:
    from django.db import transaction

    from notifications.models import Deadline, Delivery, DeliveryAttempt, Notification, Reminder

    with transaction.atomic():
        deliveries = Delivery.objects.filter(reminder__deadline__kind="bench.delivery")
        Notification.objects.filter(delivery__in=deliveries).delete()
        DeliveryAttempt.objects.filter(delivery__in=deliveries).delete()
        deliveries.delete()
        Reminder.objects.filter(deadline__kind="bench.delivery").delete()
        Deadline.objects.filter(kind="bench.delivery").delete()


def deliver_backlog(reminder_ids, timeout) -> tuple[int, int, float]:
    """Sweep (as beat would, but back to back) until every delivery of these reminders is sent, or the timeout.
    Returns (sent, deliveries, seconds)."""
    from notifications.models import Delivery, Reminder
    from notifications.reminders import sweep

    deliveries = Delivery.objects.filter(reminder_id__in=reminder_ids)
    start = shown = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if time.perf_counter() - shown > 30:
            shown = time.perf_counter()
            print(f"   {deliveries.filter(status=Delivery.Status.SENT).count():,} of {deliveries.count():,} "
                  f"deliveries sent after {shown - start:.0f} s", flush=True)
        queued = sweep()
        planned = Reminder.objects.filter(pk__in=reminder_ids, status=Reminder.Status.PLANNED).exists()
        if not queued and not planned:
            if not deliveries.exclude(status=Delivery.Status.SENT).exists():
                break
            time.sleep(0.1)
    seconds = time.perf_counter() - start
    return deliveries.filter(status=Delivery.Status.SENT).count(), deliveries.count(), seconds


def bench_delivery(env, procs: Processes, which, results) -> None:
    import redis

    from notifications.models import Delivery

    redis_client = redis.Redis.from_url(env["REDIS_URL"])
    redis_client.flushdb()
    clear_bench_reminders()
    worker = start_worker(env, procs)
    try:
        # The worker is ready when it has run a no-op task.
        noop_rate(redis_client, 1, timeout=90)
        if "delivery" in which:
            print("delivery: 500 due reminders (1,000 deliveries) through the worker …", flush=True)
            reminder_ids = due_reminders(500)
            noop_rate(redis_client, 200)  # warm
            noop_per_s = noop_rate(redis_client, 2000)
            sent, total, seconds = deliver_backlog(reminder_ids, timeout=300)
            if sent < total:
                print(f"delivery: only {sent} of {total} sent in {seconds:.0f} s", flush=True)
            per_s = sent / seconds
            results.update({"delivery_per_s": round(per_s, 1), "delivery_ratio_vs_noop": round(per_s / noop_per_s, 3),
                            "_delivery": f"{sent} of {total} in-app deliveries (500 due reminders × 2 officers) in "
                                         f"{seconds:.1f} s = {per_s:.0f}/s; the no-op task {noop_per_s:.0f}/s "
                                         f"(2,000 through the same worker, -c {os.cpu_count()})"})
            clear_bench_reminders()
        if "backlog" in which:
            cap = 300
            print(f"backlog: 5,000 due reminders (10,000 deliveries) through the worker, at most {cap} s …", flush=True)
            reminder_ids = due_reminders(5000)
            sent, total, seconds = deliver_backlog(reminder_ids, timeout=cap)
            value = seconds if sent == total else None
            results.update({"backlog_10k_seconds": round(value, 1) if value is not None else None,
                            "backlog_10k_delivered": sent,
                            "_backlog": f"{sent:,} of {total:,} due in-app deliveries (5,000 reminders × 2 officers) "
                                        f"delivered in {seconds:.1f} s" + ("" if sent == total else
                                                                           f" (cap {cap} s reached)")})
            clear_bench_reminders()
        results["worker_rss_mb"] = rss_mb(worker.pid)
        results["_worker_rss_mb"] = (f"the Celery worker's main process and its {os.cpu_count()} pool processes, "
                                     f"summed, after the run")
        assert not Delivery.objects.filter(reminder__deadline__kind="bench.delivery").exists()
    finally:
        procs.stop(worker)


# --- the inbox through gunicorn ---------------------------------------------------------------------------------------


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def bench_inbox(env, procs: Processes, results, rounds=15, seconds=45.0, clients=20, load_processes=4) -> None:
    import http.client

    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    chief = get_user_model().objects.get(username="daduizhang")
    token = Token.objects.get_or_create(user=chief)[0].key
    port = free_port()
    web_env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESSLOG="/dev/null")
    server = procs.start([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
                          "config.wsgi:application"], web_env, "gunicorn")
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}

    def get(conn, path):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
        return (time.perf_counter() - start) * 1000, body

    def ready():
        try:
            get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/bench/bare/")
            return True
        except (OSError, RuntimeError, http.client.HTTPException):
            return server.poll() is not None  # stop waiting if it died

    try:
        if not wait_for(ready, 60, "gunicorn", 0.5) or server.poll() is not None:
            raise RuntimeError(f"gunicorn did not start: see {server.log_path}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        _, body = get(conn, "/api/v1/inbox/")
        page = json.loads(body)
        count = page.get("count", len(page.get("results", page))) if isinstance(page, dict) else len(page)
        for _ in range(5):  # warm every worker
            get(conn, "/api/v1/inbox/")
            get(conn, "/bench/bare/")
        inbox, bare = [], []
        print(f"inbox: one client, {rounds} interleaved rounds (inbox, bare view) …", flush=True)
        for i in range(rounds):
            for path, into in (((("/api/v1/inbox/", inbox), ("/bench/bare/", bare))) if i % 2 == 0
                               else (("/bench/bare/", bare), ("/api/v1/inbox/", inbox))):
                into.append(get(conn, path)[0])
        conn.close()

        def load(path):
            start_at = time.time() + 3
            per = [clients // load_processes + (1 if i < clients % load_processes else 0)
                   for i in range(load_processes)]
            children = [subprocess.Popen([sys.executable, "-m", "tests.perf.load", str(port), path, token, str(n),
                                          str(seconds), str(start_at)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                         start_new_session=True) for n in per]
            latencies, failed = [], 0
            for child in children:
                try:
                    out, _ = child.communicate(timeout=seconds + 300)
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
                    out, _ = child.communicate()
                result = json.loads(out or b'{"latencies": [], "failed": 1}')
                latencies += result["latencies"]
                failed += result["failed"]
            return latencies, failed

        # The bare view first: requests abandoned at the end of the inbox's load would still be queued in gunicorn.
        print(f"inbox: {clients} clients on /bench/bare/ for {seconds:.0f} s …", flush=True)
        loaded_bare, failed_bare = load("/bench/bare/")
        print(f"inbox: {clients} clients on /api/v1/inbox/ for {seconds:.0f} s (and their last requests) …",
              flush=True)
        loaded, failed = load("/api/v1/inbox/")
        results["web_rss_mb"] = rss_mb(server.pid)
        results["_web_rss_mb"] = "gunicorn's master and its workers, summed, after the run"
        p50, bare50 = statistics.median(inbox), statistics.median(bare)
        results.update({
            "inbox_p50_ratio": round(p50 / bare50, 1),
            "inbox_p99_ms": round(percentile(loaded, 99), 1) if loaded else None,
            "_inbox": f"brigade chief, {count} items, {len(body) / 1024:.0f} KiB (first page); one client: inbox p50 "
                      f"{p50:.1f} ms, p99 {percentile(inbox, 99):.1f} ms, bare view p50 {bare50:.2f} ms "
                      f"({rounds} interleaved rounds); {clients} clients ({load_processes} processes): inbox "
                      f"{len(loaded)} requests, p50 {percentile(loaded, 50) if loaded else 0:.0f} ms, p99 "
                      f"{percentile(loaded, 99) if loaded else 0:.0f} ms, {failed} failed; bare view p50 "
                      f"{percentile(loaded_bare, 50) if loaded_bare else 0:.1f} ms, p99 "
                      f"{percentile(loaded_bare, 99) if loaded_bare else 0:.1f} ms, {failed_bare} failed; workers "
                      f"{web_workers()}",
        })
    finally:
        procs.stop(server)


def web_workers() -> int:
    import runpy

    return runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))["workers"]


# --- the report ---------------------------------------------------------------------------------------------------------


def met(metric, value):
    op, bound = TARGETS[metric]
    if op is None or value is None:
        return "—" if op is None else "no"
    return "yes" if (value <= bound if op == "<=" else value >= bound) else "no"


def report(results: dict, machine: dict, out: Path) -> None:
    rows = [(m, results[m]) for m in TARGETS if m in results]
    print()
    print(f"{'metric':26} {'value':>10}  {'unit':10} {'target':>12}  met?")
    for metric, value in rows:
        op, bound = TARGETS[metric]
        shown = "—" if value is None else f"{value:g}"
        target = "" if op is None else f"{op} {bound:g}"
        print(f"{metric:26} {shown:>10}  {UNITS[metric]:10} {target:>12}  {met(metric, value)}")
    print()
    for key, text in results.items():
        if key.startswith("_"):
            print(f"{key[1:]}: {text}")
    document = {metric: value for metric, value in rows}
    document["targets"] = {m: {"op": op, "value": bound} for m, (op, bound) in TARGETS.items() if op}
    document["met"] = {metric: met(metric, value) == "yes" for metric, value in rows if TARGETS[metric][0]}
    document["notes"] = {key[1:]: text for key, text in results.items() if key.startswith("_")}
    document["machine"] = machine
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {out}")


def machine_info() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    import redis
    from django.conf import settings

    redis_version = redis.Redis.from_url(settings.REDIS_URL).info().get("redis_version")
    return {"cores": os.cpu_count(), "python": platform.python_version(), "postgresql": pg, "redis": redis_version,
            "platform": platform.platform(), "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.run", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated subset of {', '.join(ALL)}")
    parser.add_argument("--fresh", action="store_true", help="drop lawflow_bench and generate the data again")
    parser.add_argument("--out", default="bench.json", help="where to write the results (default ./bench.json)")
    parser.add_argument("--lifecycle-child", nargs=2, type=float, metavar=("SECONDS", "START_AT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    env = environment()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    if args.lifecycle_child:
        import django

        django.setup()
        lifecycle_child(*args.lifecycle_child)
        return
    which = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(which) - set(ALL)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}; choose from {', '.join(ALL)}")
    out = Path(args.out).resolve()
    check_services(env)
    if args.fresh:
        drop_database(env)
    import django

    django.setup()
    from django.core.management import call_command

    from . import data

    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    data.ensure(fresh=args.fresh)
    print(f"data ready in {time.perf_counter() - started:.0f} s", flush=True)
    procs = Processes()
    results, failed = {}, []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        for name in which:
            if name == "backlog" and "delivery" in which:
                continue  # run with the delivery benchmark, on the same worker
            print(f"== {name}", flush=True)
            begun = time.perf_counter()
            try:
                if name == "transition":
                    results.update(bench_transition(env))
                elif name == "lifecycle":
                    results.update(bench_lifecycle(env, procs))
                elif name == "sweep":
                    results.update(bench_sweep(env))
                elif name in ("delivery", "backlog"):
                    bench_delivery(env, procs, which, results)
                elif name == "inbox":
                    bench_inbox(env, procs, results)
            except Exception as error:  # one broken benchmark must not lose the others' numbers
                traceback.print_exc()
                failed.append(name)
                results[f"_{name}_error"] = f"{type(error).__name__}: {error}"
            print(f"   {name} took {time.perf_counter() - begun:.0f} s", flush=True)
    finally:
        procs.stop_all()
    report(results, machine_info(), out)
    if failed:
        fail(f"benchmarks that failed: {', '.join(failed)} (see above)")


if __name__ == "__main__":
    main()
