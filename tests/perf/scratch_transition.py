"""Scratch measurement of issue 18's transition targets (not part of `make test` nor `make bench`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lawflow_transition \
        .venv/bin/pytest tests/perf/scratch_transition.py -s -p no:cacheprovider

prints the median time and the statements of the case transition `decide` (with its audit entry and deadline
bookkeeping) over RUNS cases, the same for the bare SQL such a step needs issued through the driver's cursor, and
whole enforcement cases report → closed per second through workflows.services.fire_transition in one process.
"""

import datetime
import os
import statistics
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from workflows.services import fire_transition

from ..case_fixtures import ZDJY, party, town_fixture  # noqa: F401

RUNS = int(os.environ.get("RUNS", 50))
LIFECYCLES = int(os.environ.get("LIFECYCLES", 30))


def _report(town):
    case = case_services.create_case(
        user=town.u["o1"], source="patrol", description="巡查发现当事人占道摆摊经营，影响通行。",
        village=town.village, violation_type=town.zdjy,
        violation_date=timezone.localdate() - datetime.timedelta(days=30), party=party())
    Case.objects.filter(pk=case.pk).update(reported_at=timezone.now() - datetime.timedelta(days=20))
    return case


def _deciding(town):
    case = _report(town)
    filed_on = timezone.localdate() - datetime.timedelta(days=10)
    fire_transition("case", case.pk, "file", town.u["chief"], {
        "officers": [town.u["o1"].pk, town.u["o2"].pk], "filed_on": filed_on.isoformat(), "comment": "立案"})
    fire_transition("case", case.pk, "notify", town.u["o1"], {
        "facts": "经查，事实清楚。", "legal_basis": "依据相关法律法规第三十六条", "proposed_fine": "500"})
    fire_transition("case", case.pk, "submit_decision", town.u["o1"], {"waiver": True})
    return case


DECIDE = {"outcome": "penalty", "fine": "500", "measures_note": "责令改正"}


def _lifecycle(town):
    case = _report(town)
    o1, chief = town.u["o1"], town.u["chief"]
    filed_on = timezone.localdate() - datetime.timedelta(days=10)
    fire_transition("case", case.pk, "file", chief, {
        "officers": [o1.pk, town.u["o2"].pk], "filed_on": filed_on.isoformat(), "comment": "立案"})
    case_services.add_inquiry(case_pk=case.pk, user=o1, officers=[o1, town.u["o2"]], subject_name="王某某",
                              record="问：你是否在此摆摊？答：是的。",
                              held_at=timezone.now() - datetime.timedelta(days=5))
    fire_transition("case", case.pk, "notify", o1, {
        "facts": "经查，事实清楚。", "legal_basis": "依据相关法律法规第三十六条", "proposed_fine": "500"})
    fire_transition("case", case.pk, "submit_decision", o1, {"waiver": True})
    fire_transition("case", case.pk, "decide", town.u["principal"], DECIDE)
    fire_transition("case", case.pk, "serve", o1, {"method": "直接送达"})
    case_services.record_payment(case_pk=case.pk, user=o1, amount=Decimal("500"), paid_on=timezone.localdate(),
                                 receipt_number=f"NB-{case.pk}", bank="农业银行石桥支行")
    fire_transition("case", case.pk, "record_execution", o1, {"detail": "罚款已缴纳"})
    case_services.record_publicity(case_pk=case.pk, user=o1, channel="镇政府门户网站")
    closed = fire_transition("case", case.pk, "close", chief, {"summary": "结案"})
    assert closed.state == "closed"


def _bare_decide(case_pk, user_pk):
    """The statements a decide needs, by hand: lock the row, read the chain head, write the case, the audit entry,
    the head, close the old deadlines and cancel their reminders, insert the new deadline and its reminders."""
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute("SELECT id, state FROM cases_case WHERE id = %s FOR UPDATE", [case_pk])
        cur.execute("UPDATE cases_case SET state = 'decided', decided_on = %s, decided_by_id = %s WHERE id = %s",
                    [now.date(), user_pk, case_pk])
        cur.execute("SELECT length, last_hash FROM workflows_auditchain WHERE id = 1 FOR UPDATE")
        length, last_hash = cur.fetchone()
        cur.execute("UPDATE workflows_auditchain SET length = %s, last_hash = %s WHERE id = 1",
                    [length, last_hash])
        cur.execute("SELECT id FROM notifications_deadline WHERE object_type = 'cases.case' AND object_id = %s "
                    "AND kind IN ('case.decision', 'case.statement_window') AND status IN ('open', 'suspended')",
                    [case_pk])
        cur.execute("UPDATE notifications_deadline SET status = status WHERE object_type = 'cases.case' "
                    "AND object_id = %s AND kind = 'case.decision'", [case_pk])
        cur.execute("UPDATE notifications_reminder SET status = status WHERE deadline_id IN "
                    "(SELECT id FROM notifications_deadline WHERE object_id = %s)", [case_pk])
        cur.execute("SELECT date, kind FROM notifications_calendarday WHERE date >= %s AND date <= %s",
                    [now.date(), now.date() + datetime.timedelta(days=60)])
        cur.execute("SELECT kind, unit FROM notifications_deadlinerule WHERE kind = 'case.service'")
        cur.execute("SELECT id, status FROM notifications_reminder WHERE deadline_id = 0")


@pytest.mark.django_db
def test_transition_report(town, capsys):
    principal = town.u["principal"]
    cases = [_deciding(town) for _ in range(RUNS + 1)]
    fire_transition("case", cases[0].pk, "decide", principal, DECIDE)  # the first takes the number sequences
    cases = cases[1:]
    with CaptureQueriesContext(connection) as queries:
        fire_transition("case", cases[0].pk, "decide", principal, DECIDE)
    if os.environ.get("SQL_LOG"):
        with open(os.environ["SQL_LOG"], "w") as log:
            log.write("\n".join(q["sql"][:300] for q in queries.captured_queries))
    timings, bare = [], []
    for case in cases[1:]:  # interleaved, so that the load of a shared machine weighs on both alike
        start = time.perf_counter()
        fire_transition("case", case.pk, "decide", principal, DECIDE)
        timings.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        _bare_decide(case.pk, principal.pk)
        bare.append((time.perf_counter() - start) * 1000)
    shapes = Counter(q["sql"].split(" WHERE")[0][:110] for q in queries.captured_queries)

    for _ in range(3):  # warm up
        _lifecycle(town)
    start = time.perf_counter()
    for _ in range(LIFECYCLES):
        _lifecycle(town)
    per_s = LIFECYCLES / (time.perf_counter() - start)
    with capsys.disabled():
        print(f"\n{connection.vendor}: decide median {statistics.median(timings):.1f} ms over {RUNS} "
              f"(bare {statistics.median(bare):.2f} ms, ratio {statistics.median(timings) / statistics.median(bare):.1f}×), "
              f"{len(queries)} statements; lifecycle {per_s:.2f} cases/s")
        for sql, n in shapes.most_common():
            print(f"  {n:3d}  {sql}")
