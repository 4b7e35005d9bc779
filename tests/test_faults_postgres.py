"""PostgreSQL restarted or crashed during a burst of transitions (issue 17 item 6): the clients get answers they can
act on, nothing is half written, and the web recovers without being restarted.

Against a PostgreSQL cluster and a lawflow web process of the test's own (tests/faults.py), never the shared
server: the cluster is migrated once for the module into a template database with two users and 30 draft decisions;
each test copies it. Six clients fire the legality review of the 30 decisions over HTTP (submit_for_review by the
drafter, pass_review by the judicial office, token auth) while PostgreSQL is restarted (`pg_ctl restart -m fast`)
or crashed and restarted (`-m immediate`, crash recovery). Then:

- every answer was a success or a 503 in the API's error format ({"error": "database_unavailable", "detail"}), never
  a 500, an HTML page, a cut connection or a hang;
- the same web process answers again once PostgreSQL is back (within 30 s, no web restart);
- for every decision its state, its audit entries, its `decision.review` deadline, its review opinion, its numbered
  opinion document (a gap-free series) and the judicial office's message agree: each step is there entirely or not
  at all; every step answered 200 is there; a step answered 503 happened entirely or not at all;
- `manage.py verify_audit` finds the chain intact; the decisions left behind are then taken through over HTTP.

A third test keeps the database connection between requests (DB_CONN_MAX_AGE, one web thread as a gunicorn sync
worker): with PostgreSQL stopped the API answers 503 JSON and a page the plain Chinese 503 page, and the first
request after it is back succeeds (CONN_HEALTH_CHECKS).
"""

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .faults import LawflowWeb, PrivatePostgres, call, lawflow_env, manage

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults-postgres")]  # one cluster for the module

DECISION_COUNT = 30
CLIENTS = 6
OPINION = "经审查，该决策事项属于本镇法定职权，程序完备，内容符合《重大行政决策程序暂行条例》等规定，同意提交会议审议。"
PASS = {"opinion": OPINION, "authority_ok": True, "procedure_ok": True, "content_ok": True}
# (transition, role whose token fires it, its input, the state it leads to)
STEPS = [("submit_for_review", "drafter", {}, "in_review"), ("pass_review", "judicial", PASS, "review_passed")]
STATES = ["draft", "in_review", "review_passed"]  # before the first step, after the first, after the second
# The audit entries of a decision in each state: `create`; submit_for_review; pass_review issues its numbered
# opinion (issue_document) before its own entry is written.
ENTRIES = {
    "draft": ["create"],
    "in_review": ["create", "submit_for_review"],
    "review_passed": ["create", "submit_for_review", "issue_document", "pass_review"],
}
DEADLINES = {"draft": [], "in_review": [("decision.review", "open")], "review_passed": [("decision.review", "closed")]}

SEED = f"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token
from review import services
from review.models import Decision
from workflows.models import User

users, out = {{}}, {{}}
for name, role in (("drafter", "drafter"), ("judicial", "judicial_office")):
    users[name] = User.objects.create_user(username=f"faults-{{name}}")
    users[name].groups.add(Group.objects.get(name=role))
    out[name] = Token.objects.create(user=users[name]).key
out["decisions"] = [services.create_decision(
    user=users["drafter"], title=f"石桥镇农村人居环境整治方案（第{{i}}稿）", body="一、总体要求。二、重点任务。三、保障措施。",
    category="major_decision", department="农业农村办", public_participation_required=False,
    participation_exemption_ground="涉及国家秘密，依法不予公开（保守国家秘密法第2条）。").pk for i in range({DECISION_COUNT})]
session = SessionStore()
session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(users["drafter"].pk), "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = users["drafter"].get_session_auth_hash()
session.create()
out["session"] = session.session_key
out["page"] = Decision.objects.get(pk=out["decisions"][0]).page_path()
print(json.dumps(out))
"""


@dataclass
class Town:
    pg: PrivatePostgres
    tokens: dict
    decisions: list
    session: str
    page: str
    migrate_seconds: float
    databases: itertools.count = field(default_factory=lambda: itertools.count(1))


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    """The private cluster, migrated once into `lawflow_template` with the seed above."""
    folder = tmp_path_factory.mktemp("faults-pg-template")
    with PrivatePostgres() as pg:
        env = lawflow_env(pg.create_database("lawflow_template"), folder)
        began = time.monotonic()
        manage(env, "migrate", "--no-input", "--skip-checks", "-v", "0")
        migrate_seconds = time.monotonic() - began
        seeded = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
        yield Town(pg, {"drafter": seeded["drafter"], "judicial": seeded["judicial"]}, seeded["decisions"],
                   seeded["session"], seeded["page"], migrate_seconds)


@dataclass
class Database:
    name: str
    env: dict
    folder: Path


@pytest.fixture
def database(town, tmp_path):
    """A copy of the template for this test, with the environment of lawflow processes using it."""
    name = f"lawflow_{next(town.databases)}"
    return Database(name, lawflow_env(town.pg.create_database(name, template="lawflow_template"), tmp_path), tmp_path)


# --- the burst ------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    decision: int
    transition: str
    kind: str  # ok, unavailable (a proper 503), or what went wrong: bad answer, no answer, connection failed
    reply: object
    began: float
    ended: float


def classify(reply, target: str | None) -> str:
    """ok: 200 with the JSON object (in state `target` if given); unavailable: the API's 503 (error
    database_unavailable, a Chinese detail, Retry-After); anything else: a bad answer."""
    if reply.status == 200 and reply.is_json and target in (None, reply.json().get("state")):
        return "ok"
    if reply.status == 503 and reply.is_json:
        body = reply.json()
        if (body.get("error") == "database_unavailable" and re.search(r"[\u4e00-\u9fff]", body.get("detail", ""))
                and reply.headers.get("retry-after")):
            return "unavailable"
    return "bad answer"


def fire(web, town, decision: int, step) -> Outcome:
    """POST one step of STEPS on `decision` (or, for step None, GET the decision); its Outcome."""
    transition, role, data, target = step or ("read", "drafter", None, None)
    path = f"/api/v1/decisions/{decision}/" + ("" if step is None else f"transitions/{transition}/")
    began = time.monotonic()
    try:
        reply = call(web.port, "POST" if step else "GET", path, token=town.tokens[role], data=data, timeout=20)
        kind = classify(reply, target)
    except TimeoutError as error:
        reply, kind = error, "no answer in 20 s"
    except OSError as error:
        reply, kind = error, "connection failed"
    return Outcome(decision, transition, kind, reply, began, time.monotonic())


def burst_with_fault(web, town, fault) -> tuple[list[Outcome], tuple[float, float]]:
    """CLIENTS threads take the decisions through STEPS over HTTP, 0.1 s between a client's requests (after a
    failed step 0.3 s, and on to its next decision); `fault()` runs in its own thread once a fifth of the steps are
    answered. A client done with its decisions before the fault is over reads one of them every 0.1 s until it
    is, so that requests meet the whole fault whatever the machine's speed. Returns the outcomes and the (start,
    end) of the fault."""
    outcomes, lock, trigger, fault_over, window = [], threading.Lock(), threading.Event(), threading.Event(), []
    trigger_after = DECISION_COUNT * len(STEPS) // 5

    def record(outcome):
        with lock:
            outcomes.append(outcome)
            if len(outcomes) >= trigger_after:
                trigger.set()

    def client(decisions):
        for decision in decisions:
            for step in STEPS:
                outcome = fire(web, town, decision, step)
                record(outcome)
                time.sleep(0.1)
                if outcome.kind != "ok":
                    time.sleep(0.2)
                    break
        while not fault_over.wait(0.1):
            record(fire(web, town, decisions[0], None))

    def run_fault():
        try:
            if trigger.wait(timeout=120):
                window.append(time.monotonic())
                fault()
                window.append(time.monotonic())
        finally:
            fault_over.set()

    threads = [threading.Thread(target=client, args=(town.decisions[i::CLIENTS],)) for i in range(CLIENTS)]
    threads.append(threading.Thread(target=run_fault))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "the burst did not end within 3 minutes"
    assert len(window) == 2, "the fault never ran"
    return outcomes, (window[0], window[1])


def wait_until_answering(web, town, timeout: float = 30) -> float:
    """Seconds until the web answers a read of a decision with 200 (fails the test after `timeout`)."""
    began = time.monotonic()
    last = None
    while time.monotonic() - began < timeout:
        try:
            last = call(web.port, "GET", f"/api/v1/decisions/{town.decisions[0]}/", token=town.tokens["drafter"],
                        timeout=10)
            if last.status == 200:
                return time.monotonic() - began
        except OSError as error:
            last = error
        time.sleep(0.5)
    pytest.fail(f"the web did not answer within {timeout} s after PostgreSQL came back: {last!r}\n{web.log_tail()}")


# --- what the database holds ----------------------------------------------------------------------------------


def snapshot(pg, dbname: str, decisions: list[int]) -> dict:
    """Per decision: state, audit transitions in order, deadlines, opinions, opinion documents, messages to the
    judicial office; and the opinion documents' numbers."""
    def rows(sql, params=None):
        return pg.execute(sql, params, dbname=dbname)

    found = {d: {"state": None, "entries": [], "deadlines": [], "opinions": [], "documents": [], "messages": 0}
             for d in decisions}
    for pk, state in rows("SELECT id, state FROM review_decision WHERE id = ANY(%s)", (decisions,)):
        found[pk]["state"] = state
    for object_id, transition in rows("SELECT object_id, transition FROM workflows_auditentry "
                                      "WHERE object_type = 'review.decision' ORDER BY sequence"):
        found[int(object_id)]["entries"].append(transition)
    for object_id, kind, status in rows("SELECT object_id, kind, status FROM notifications_deadline "
                                        "WHERE object_type = 'review.decision' ORDER BY id"):
        found[int(object_id)]["deadlines"].append((kind, status))
    for decision, outcome in rows("SELECT decision_id, outcome FROM review_reviewopinion ORDER BY id"):
        found[decision]["opinions"].append(outcome)
    numbers = []
    for owner_id, number in rows("SELECT owner_id, number FROM documents_issueddocument "
                                 "WHERE kind = 'legality_review_opinion' ORDER BY id"):
        found[owner_id]["documents"].append(number)
        numbers.append(number)
    for (link,) in rows("SELECT n.link FROM notifications_notification n JOIN workflows_user u ON u.id = n.recipient_id "
                        "WHERE u.username = 'faults-judicial'"):
        pk = int(re.search(r"(\d+)/?$", link).group(1))
        found[pk]["messages"] += 1
    return {"decisions": found, "numbers": numbers}


def assert_whole(found: dict) -> None:
    """Each decision is wholly in one of STATES: its entries, deadline, opinion, document and message agree."""
    broken = {}
    for pk, have in found["decisions"].items():
        state = have["state"]
        passed = state == "review_passed"
        expected = {"state": state, "entries": ENTRIES.get(state), "deadlines": DEADLINES.get(state),
                    "opinions": ["passed"] if passed else [], "documents": have["documents"][:1] if passed else [],
                    "messages": 0 if state == "draft" else 1}
        if state not in STATES or len(have["documents"]) != (1 if passed else 0) or have != expected:
            broken[pk] = have
    assert not broken, f"half-written decisions: {broken}"
    sequence = sorted(int(re.search(r"〕(\d+)号$", number).group(1)) for number in found["numbers"])
    assert sequence == list(range(1, len(sequence) + 1)), f"opinion numbers not gap-free: {found['numbers']}"


def verify_audit(env) -> str:
    out = manage(env, "verify_audit")
    assert "audit chain intact" in out, out
    return out


# --- the tests ------------------------------------------------------------------------------------------------


def run_restart_during_burst(town, database, mode: str, report):
    env, dbname = database.env, database.name
    with LawflowWeb(env, database.folder) as web:
        pid = web.process.pid
        outcomes, (fault_began, fault_ended) = burst_with_fault(web, town, lambda: town.pg.restart(mode))

        wrong = [o for o in outcomes if o.kind not in ("ok", "unavailable")]
        assert not wrong, f"unclear answers during the restart: {wrong[:5]}\n{web.log_tail()}"
        unavailable = [o for o in outcomes if o.kind == "unavailable"]
        assert any(o.transition != "read" for o in unavailable), "no step met the restart: the test proved nothing"
        # A 503 only while PostgreSQL was away: the request ended after the restart began.
        assert all(o.ended >= fault_began for o in unavailable), [o for o in unavailable if o.ended < fault_began]
        # The same web process answers again once PostgreSQL is back, without being restarted.
        back = [o for o in outcomes if o.kind == "ok" and o.began >= fault_ended]
        recovered_in = (min(o.ended for o in back) - fault_ended) if back else wait_until_answering(web, town)
        assert recovered_in < 30
        assert web.alive and web.process.pid == pid, "the web process was restarted or died"

        found = snapshot(town.pg, dbname, town.decisions)
        assert_whole(found)
        # A step answered 200 is there; a step answered 503 is there entirely or not at all (assert_whole): its
        # decision is just before or just after that step.
        for outcome in outcomes:
            if outcome.transition == "read":
                continue
            have = found["decisions"][outcome.decision]
            step = next(i for i, s in enumerate(STEPS) if s[0] == outcome.transition)
            reached = STATES.index(have["state"])
            if outcome.kind == "ok":
                assert reached >= step + 1, (outcome, have)
            else:
                assert reached in (step, step + 1), (outcome, have)
        verify_audit(env)

        # The web works on: what the burst left undone is done now, each step once.
        for pk, have in found["decisions"].items():
            for step in STEPS[STATES.index(have["state"]):]:
                outcome = fire(web, town, pk, step)
                assert outcome.kind == "ok", (outcome, web.log_tail())
        final = snapshot(town.pg, dbname, town.decisions)
        assert_whole(final)
        assert {have["state"] for have in final["decisions"].values()} == {"review_passed"}
        assert len(final["numbers"]) == DECISION_COUNT
        audit = verify_audit(env)
        assert web.alive and web.process.pid == pid

    steps = [o for o in outcomes if o.transition != "read"]
    failed_steps = [o for o in unavailable if o.transition != "read"]
    happened = sum(STATES.index(found["decisions"][o.decision]["state"]) > next(
        i for i, s in enumerate(STEPS) if s[0] == o.transition) for o in failed_steps)
    report(f"{mode}: {len(steps)} steps and {len(outcomes) - len(steps)} reads; 503 for {len(failed_steps)} steps "
           f"({happened} of them had happened) and {len(unavailable) - len(failed_steps)} reads; PostgreSQL away "
           f"{fault_ended - fault_began:.1f} s; first success {recovered_in:.1f} s after it was back; "
           f"{audit.strip().splitlines()[0]}; migrate took {town.migrate_seconds:.1f} s")


@pytest.fixture
def report(request):
    lines = []
    yield lines.append
    for line in lines:
        request.node.user_properties.append(("faults", line))
        print(line)


def test_postgres_restarted_during_a_burst_of_transitions(town, database, report):
    run_restart_during_burst(town, database, "fast", report)


def test_postgres_crashed_during_a_burst_of_transitions(town, database, report):
    run_restart_during_burst(town, database, "immediate", report)


def test_a_kept_connection_is_checked_and_the_pages_say_the_database_is_unavailable(town, database):
    """One web thread keeping its connection (DB_CONN_MAX_AGE, as a gunicorn sync worker): after PostgreSQL
    restarted, the first request succeeds (CONN_HEALTH_CHECKS replaces the dead connection); while it is stopped,
    the API answers its 503 JSON and a page the plain Chinese 503 page, at once."""
    database.env["DB_CONN_MAX_AGE"] = "60"
    drafter, decision = town.tokens["drafter"], town.decisions[0]
    api_path, session = f"/api/v1/decisions/{decision}/", {"sessionid": town.session}
    with LawflowWeb(database.env, database.folder, threaded=False) as web:
        assert call(web.port, "GET", api_path, token=drafter).status == 200  # the connection is kept from here
        town.pg.restart("fast")
        first = call(web.port, "GET", api_path, token=drafter)
        assert first.status == 200, (first, web.log_tail())
        assert call(web.port, "GET", town.page, cookies=session).status == 200

        town.pg.stop("fast")
        try:
            began = time.monotonic()
            api = call(web.port, "GET", api_path, token=drafter, timeout=20)
            page = call(web.port, "GET", town.page, cookies=session, timeout=20)
            assert time.monotonic() - began < 10  # an answer at once, not after a long wait
        finally:
            town.pg.start()
        assert api.status == 503 and api.is_json, api
        assert api.json()["error"] == "database_unavailable" and "数据库暂时没有响应" in api.json()["detail"]
        assert page.status == 503 and page.headers["content-type"].startswith("text/html"), page
        text = page.body.decode("utf-8")
        assert "系统暂时无法使用" in text and "数据库暂时没有响应，请稍后再试。" in text and "Traceback" not in text
        assert call(web.port, "GET", api_path, token=drafter).status == 200, web.log_tail()
        assert call(web.port, "GET", town.page, cookies=session).status == 200, web.log_tail()
