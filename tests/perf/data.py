"""The benchmark data set in `lawflow_bench` (PostgreSQL), generated in bulk and kept between runs.

100,000 enforcement cases in realistic states: template cases are driven through the real services in each state
(demo.enforcement's paths, tests/perf/lifecycle.py), then cloned with COPY — the case, its party, its officers,
its deadlines and their reminders, with fresh ids — so that every clone is exactly what the flows would have
written (audit entries, inquiries and documents of the clones are not copied: nothing measured reads them).
Most cases are closed; the brigade chief's inbox holds ~1,200 (600 reported to file, 600 executed to close).

Two more schemas, `sweep_10k` and `sweep_1m`, hold their own deadline, reminder and delivery tables (the rest is
read from `public` through the search path): 10,000 or 1,000,000 open deadlines with two planned reminders each,
and 1,000 due reminders on their own deadlines, for the sweep's scaling benchmark.

A row in `bench_meta` marks a complete data set; `--fresh` drops the database and builds it again. The sweep schemas
are built again by themselves when a migration changed the public deadline, reminder or delivery tables (columns,
indexes).
"""

import io
import json
import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

DATASET_VERSION = 3
TOTAL_CASES = 100_000
# state -> clones (the closed cases take the rest)
OPEN_CASES = {"reported": 600, "executed": 600, "investigating": 4_000, "deciding": 1_000, "served": 2_000}
SWEEP_SCALES = {"sweep_10k": 10_000, "sweep_1m": 1_000_000}
SWEEP_DUE = 1_000
SWEEP_DUE_BASE = 2_000_000_000  # ids of the due reminders and their deadlines in the sweep schemas
BATCH = 5_000


def meta_get(key):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
        cursor.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
        row = cursor.fetchone()
    if not row:
        return None
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]  # Django's psycopg loads jsonb as text


def meta_set(key, value) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_meta (key, value) VALUES (%s, %s::jsonb) ON CONFLICT (key) DO UPDATE "
                       "SET value = EXCLUDED.value", [key, json.dumps(value)])


def columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND "
                       "table_name = %s ORDER BY ordinal_position", [table])
        return [row[0] for row in cursor.fetchall()]


def copy_out(sql: str, params=()) -> list[list[str]]:
    """Rows of a query in COPY's text format, each a list of its fields (escaped text, \\N for NULL)."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        with cursor.connection.cursor() as raw, raw.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
            for data in copy:
                buffer.write(data)
    text = buffer.getvalue().decode()
    return [line.split("\t") for line in text.split("\n") if line]


def copy_in(table: str, cols: list[str], lines) -> None:
    quoted = ", ".join('"' + name + '"' for name in cols)
    with connection.cursor() as cursor:
        with cursor.connection.cursor() as raw, raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            chunk = []
            for line in lines:
                chunk.append(line)
                if len(chunk) >= 10_000:
                    copy.write("\n".join(chunk) + "\n")
                    chunk = []
            if chunk:
                copy.write("\n".join(chunk) + "\n")


def next_id(table: str, count: int) -> int:
    """Reserve `count` ids of the table's sequence; returns the first."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count])
    return first


class Template:
    """A real case's rows, ready to be cloned."""

    def __init__(self, case_id: int):
        self.case_cols = columns("cases_case")
        self.party_cols = columns("cases_party")
        self.officer_cols = columns("cases_case_officers")
        self.deadline_cols = columns("notifications_deadline")
        self.reminder_cols = columns("notifications_reminder")
        self.case = copy_out(f"SELECT * FROM cases_case WHERE id = {case_id}")[0]
        party_id = self.case[self.case_cols.index("party_id")]
        self.party = copy_out(f"SELECT * FROM cases_party WHERE id = {int(party_id)}")[0]
        self.officers = copy_out(f"SELECT * FROM cases_case_officers WHERE case_id = {case_id} ORDER BY id")
        self.deadlines = copy_out(f"SELECT * FROM notifications_deadline WHERE object_type = 'cases.case' AND "
                                  f"object_id = {case_id} ORDER BY id")
        ids = [row[0] for row in self.deadlines] or ["0"]
        self.reminders = copy_out(f"SELECT * FROM notifications_reminder WHERE deadline_id IN ({', '.join(ids)}) "
                                  f"ORDER BY id")

    def clone(self, count: int, numbered_from: int, progress) -> None:
        """`count` copies, each with its own party, officers, deadlines and reminders; numbers 〔2025〕n号 on."""
        case_ix = {name: self.case_cols.index(name) for name in ("id", "party_id", "number")}
        d_index = {row[0]: i for i, row in enumerate(self.deadlines)}
        for start in range(0, count, BATCH):
            n = min(BATCH, count - start)
            case0, party0 = next_id("cases_case", n), next_id("cases_party", n)
            off0 = next_id("cases_case_officers", n * len(self.officers))
            dl0 = next_id("notifications_deadline", n * len(self.deadlines))
            rem0 = next_id("notifications_reminder", n * len(self.reminders))
            parties, cases, officers, deadlines, reminders = [], [], [], [], []
            for k in range(n):
                case_id, party_id = case0 + k, party0 + k
                party = list(self.party)
                party[0] = str(party_id)
                parties.append("\t".join(party))
                case = list(self.case)
                case[case_ix["id"]], case[case_ix["party_id"]] = str(case_id), str(party_id)
                if case[case_ix["number"]] != "\\N":
                    case[case_ix["number"]] = f"石综执立〔2025〕{numbered_from + start + k}号"
                cases.append("\t".join(case))
                for j, row in enumerate(self.officers):
                    row = list(row)
                    row[0], row[1] = str(off0 + k * len(self.officers) + j), str(case_id)
                    officers.append("\t".join(row))
                object_ix = self.deadline_cols.index("object_id")
                for j, row in enumerate(self.deadlines):
                    row = list(row)
                    row[0], row[object_ix] = str(dl0 + k * len(self.deadlines) + j), str(case_id)
                    deadlines.append("\t".join(row))
                deadline_ix = self.reminder_cols.index("deadline_id")
                for j, row in enumerate(self.reminders):
                    row = list(row)
                    row[0] = str(rem0 + k * len(self.reminders) + j)
                    row[deadline_ix] = str(dl0 + k * len(self.deadlines) + d_index[row[deadline_ix]])
                    reminders.append("\t".join(row))
            with transaction.atomic():
                copy_in("cases_party", self.party_cols, parties)
                copy_in("cases_case", self.case_cols, cases)
                copy_in("cases_case_officers", self.officer_cols, officers)
                copy_in("notifications_deadline", self.deadline_cols, deadlines)
                copy_in("notifications_reminder", self.reminder_cols, reminders)
            progress.update(n)


def templates() -> dict[str, int]:
    """One real case in each state, driven through the services; {state: case id}."""
    from cases.models import Case

    from .lifecycle import Driver

    driver = Driver()
    made = {"reported": driver.report()}
    case = driver.report()
    driver.file(case, driver.spec, driver.wd(5))
    made["investigating"] = case
    made["deciding"] = driver.to_deciding()
    case = driver.to_deciding()
    driver.decide(case)
    driver.fire(case, "serve", driver.spec.officers[0], method="直接送达（当事人签收）")
    made["served"] = case
    made["executed"] = driver.to_executed()
    made["closed"] = driver.whole_life()
    for state, case in made.items():
        actual = Case.objects.get(pk=case.pk).state
        assert actual == state, (state, actual)
    return {state: case.pk for state, case in made.items()}


def generate_cases() -> None:
    from .lifecycle import seed_base

    seed_base()
    made = templates()
    plan = dict(OPEN_CASES)
    plan["closed"] = TOTAL_CASES - sum(OPEN_CASES.values()) - len(made)
    numbered = 1
    with tqdm(total=sum(plan.values()), desc="cases", unit="case") as progress:
        for state, count in plan.items():
            Template(made[state]).clone(count, numbered, progress)
            numbered += count
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_party", "cases_case_officers", "notifications_deadline",
                      "notifications_reminder"):
            cursor.execute(f"ANALYZE {table}")
    meta_set("templates", made)


def generate_sweep_schemas() -> None:
    """The deadline, reminder and delivery tables of each sweep schema (see the module's docstring)."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM cases_case WHERE state IN ('investigating', 'served') ORDER BY id")
        open_cases = [row[0] for row in cursor.fetchall()]
    rng = random.Random(18)
    for schema, size in SWEEP_SCALES.items():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            cursor.execute(f"CREATE SCHEMA {schema}")
            for table in SWEEP_TABLES:
                cursor.execute(f"CREATE TABLE {schema}.{table} (LIKE public.{table} INCLUDING ALL)")
        d_cols = ["id", "object_type", "object_id", "rule_id", "kind", "anchor_date", "due_date", "due_at", "status",
                  "basis", "provisional", "calendar_version", "extended_days", "opened_at"]
        r_cols = ["id", "deadline_id", "stage", "offset", "due_date", "send_at", "status"]
        today = timezone.localdate()

        def deadline(pk, due_in, today=today):
            due = today + timedelta(days=due_in)
            return "\t".join([str(pk), "cases.case", str(rng.choice(open_cases)), "case.decision", "case.decision",
                              today.isoformat(), due.isoformat(), f"{due.isoformat()} 23:59:59+08", "open",
                              "《中华人民共和国行政处罚法》第六十条", "f", "", "0", now.isoformat()])

        with tqdm(total=size, desc=f"{schema} deadlines", unit="deadline") as progress:
            for start in range(0, size, 50_000):
                n = min(50_000, size - start)
                deadlines, reminders = [], []
                for k in range(start + 1, start + n + 1):
                    due_in = rng.randint(10, 90)
                    deadlines.append(deadline(k, due_in))
                    due = today + timedelta(days=due_in)
                    for j, (stage, offset, before) in enumerate((("before", 3, 3), ("due", 0, 0))):
                        send = due - timedelta(days=before)
                        reminders.append("\t".join([str(k * 2 + j), str(k), stage, str(offset), due.isoformat(),
                                                    f"{send.isoformat()} 09:00:00+08", "planned"]))
                with transaction.atomic():
                    copy_in(f"{schema}.notifications_deadline", d_cols, deadlines)
                    copy_in(f"{schema}.notifications_reminder", r_cols, reminders)
                progress.update(n)
        # The 1,000 due reminders, each on a deadline of its own (the sweep sends only a deadline's latest stage).
        deadlines = [deadline(SWEEP_DUE_BASE + k, 1) for k in range(SWEEP_DUE)]
        due = (today + timedelta(days=1)).isoformat()
        reminders = ["\t".join([str(SWEEP_DUE_BASE + k), str(SWEEP_DUE_BASE + k), "before", "1", due,
                                "2020-01-01 09:00:00+08", "planned"]) for k in range(SWEEP_DUE)]
        copy_in(f"{schema}.notifications_deadline", d_cols, deadlines)
        copy_in(f"{schema}.notifications_reminder", r_cols, reminders)
        with connection.cursor() as cursor:
            for table in ("notifications_deadline", "notifications_reminder", "notifications_delivery"):
                cursor.execute(f"VACUUM ANALYZE {schema}.{table}")


SWEEP_TABLES = ("notifications_deadline", "notifications_reminder", "notifications_delivery")


def sweep_tables_signature() -> list[str]:
    """The columns and indexes of the public deadline, reminder and delivery tables: when a migration changes them
    (a new index, a new column), the sweep schemas' copies are built again, so that they measure the same tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = "
                       "'public' AND table_name = ANY(%s) ORDER BY 1", [list(SWEEP_TABLES)])
        signature = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s) "
                       "ORDER BY 1", [list(SWEEP_TABLES)])
        return signature + [row[0] for row in cursor.fetchall()]


def ensure(fresh: bool = False) -> dict:
    """Generate what `lawflow_bench` lacks; returns the bench_meta marker."""
    marker = meta_get("dataset")
    signature = sweep_tables_signature()
    if (marker and marker.get("version") == DATASET_VERSION and not fresh
            and meta_get("sweep_tables") == signature):
        return marker
    if meta_get("cases") != DATASET_VERSION or fresh:
        generate_cases()
        meta_set("cases", DATASET_VERSION)
    generate_sweep_schemas()
    meta_set("sweep_tables", signature)
    marker = {"version": DATASET_VERSION, "cases": TOTAL_CASES, "sweep": SWEEP_SCALES}
    meta_set("dataset", marker)
    return marker
