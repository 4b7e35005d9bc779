"""Benchmarks, run on demand (`make bench`), not in CI: the time and memory of the busiest read paths on a
town-sized data set (DESIGN §7 scale × 10). They print a report; they assert only that the calls work."""

import statistics
import time
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review.models import Decision, DecisionState
from tests.conftest import client_for, make_user
from workflows.services import fire_transition

DECISIONS = 300
RUNS = 20


def measure(call):
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(timings), max(timings), len(queries), peak / 1024


@pytest.mark.django_db
def test_read_paths_report(capsys):
    drafter = make_user("drafter")
    judicial = make_user("judicial_office")
    for i in range(DECISIONS):
        decision = Decision.objects.create(title=f"决策事项{i}", body="正文" * 200, category="major_decision",
                                           department="党政办", created_by=drafter,
                                           public_participation_required=False, participation_exemption_ground="涉及国家秘密，依法不予公开。")
        if i % 2:
            fire_transition("decision", decision.pk, "submit_for_review", drafter, {})
    assert Decision.objects.filter(state=DecisionState.IN_REVIEW).count() == DECISIONS // 2
    client = client_for(judicial)
    some = Decision.objects.filter(state=DecisionState.IN_REVIEW).first()
    paths = {
        "GET /api/v1/inbox/": lambda: client.get("/api/v1/inbox/"),
        "GET /api/v1/decisions/": lambda: client.get("/api/v1/decisions/"),
        "GET /api/v1/decisions/?state=in_review": lambda: client.get("/api/v1/decisions/?state=in_review"),
        "GET /api/v1/decisions/{id}/": lambda: client.get(f"/api/v1/decisions/{some.pk}/"),
    }
    lines = [f"{connection.vendor}, {DECISIONS} decisions, median of {RUNS} runs",
             f"{'path':45} {'median ms':>10} {'max ms':>8} {'queries':>8} {'peak KiB':>9}"]
    for name, call in paths.items():
        median, worst, queries, peak = measure(call)
        lines.append(f"{name:45} {median:10.1f} {worst:8.1f} {queries:8d} {peak:9.0f}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))


@pytest.mark.django_db
def test_reminder_sweep_report(capsys):
    """One sweep that expands, claims and sends (in-app) the reminders of many deadlines at once: how long a
    beat minute's work takes, and how many queries a delivery costs."""
    from django.utils import timezone

    from notifications.models import Delivery, Reminder
    from notifications.reminders import deliver, sweep

    drafter = make_user("drafter")
    for _ in range(5):
        make_user("judicial_office")
    for i in range(DECISIONS):
        decision = Decision.objects.create(title=f"决策事项{i}", body="正文", category="major_decision",
                                           department="党政办", created_by=drafter,
                                           public_participation_required=False, participation_exemption_ground="涉及国家秘密，依法不予公开。")
        fire_transition("decision", decision.pk, "submit_for_review", drafter, {})
    Reminder.objects.filter(stage="before", offset=3).update(send_at=timezone.now())
    tracemalloc.start()
    start = time.perf_counter()
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        queued = 0
        while True:  # the sweep works in batches; a backlog takes several
            batch = sweep(queue=deliver)
            queued += batch
            if not batch:
                break
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sent = Delivery.objects.filter(status="sent").count()
    assert sent == queued == DECISIONS * 5
    with capsys.disabled():
        print(f"\n{connection.vendor}: swept and sent {sent} in-app reminders ({DECISIONS} deadlines × 5 users) in "
              f"{seconds:.2f} s = {seconds / sent * 1000:.1f} ms and {count[0] / sent:.1f} queries per "
              f"delivery; peak {peak / 1024 / 1024:.1f} MiB")
