"""Shared fixtures: one user per role, API clients authenticated by token, a decision ready for review; the
controlled clock every test runs under (tests/clock.py)."""

import datetime
import io
import itertools
import os
import shutil

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from workflows.models import User

from .clock import INSTANT_ENV, Clock, session_instant

_counter = itertools.count(1)


def make_user(*role_names, username=None, **extra):
    username = username or f"{'-'.join(role_names) or 'user'}-{next(_counter)}"
    user = User.objects.create_user(username=username, password="pw-for-tests-123", **extra)
    for role in role_names:
        user.groups.add(Group.objects.get(name=role))
    return user


def client_for(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def users(db):
    return {
        "drafter": make_user("drafter"),
        "judicial": make_user("judicial_office"),
        "secretary": make_user("office_secretary"),
        "chair": make_user("meeting_chair"),
        "principal": make_user("principal"),
        "admin": make_user("admin"),
        "officer": make_user("enforcement_officer"),
    }


@pytest.fixture
def judicial(users):
    """The judicial office's user, with e-mail and SMS chosen besides in-app."""
    user = users["judicial"]
    user.email, user.phone, user.notification_channels = "sifa@shiqiao.example", "13800000001", ["email", "sms"]
    user.save()
    return user


@pytest.fixture
def api(users):
    """api['drafter'] etc.: APIClient authenticated as that role's user."""
    return {name: client_for(user) for name, user in users.items()}


# --- the clock (tests/clock.py) ----------------------------------------------------------------------------

_session_clock: Clock | None = None


def pytest_configure(config):
    """Start the whole session under the session instant (LAWFLOW_CLOCK_INSTANT, else the default), the clock
    running, before anything — collection, Django's set-up, module-level dates — reads it. A bad instant stops the
    run at once with a clear message."""
    global _session_clock
    try:
        start = session_instant()
    except ValueError as error:
        raise pytest.UsageError(f"{INSTANT_ENV}: not an ISO 8601 instant ({error})") from None
    _session_clock = Clock(start)._start()


def pytest_unconfigure(config):
    global _session_clock
    if _session_clock is not None:
        _session_clock._stop()
        _session_clock = None


def pytest_collection_modifyitems(items):
    """A test that asks for the clock or for `today` reads the clock: mark it (the CI clock pass selects these).
    Under pytest-xdist (`--dist loadgroup`), the tests that share one Redis database (REDIS_URL_TEST: the broker
    of their Celery workers, flushed by each) run in one process, and so do the browser tests (one Chromium)."""
    # demo_town is module-scoped: it stays loaded until the module's last test, so a module that uses it must use
    # it in every database test, or a later test of the module would find the demo's rows.
    by_module = {}
    for item in items:
        by_module.setdefault(getattr(item, "module", None), []).append(item)
    for module, module_items in by_module.items():
        uses = ["demo_town" in getattr(item, "fixturenames", ()) for item in module_items]
        if any(uses) and not all(uses):
            without = [item.name for item, used in zip(module_items, uses, strict=True) if not used]
            raise pytest.UsageError(f"{module.__name__}: demo_town is loaded for the whole module, but "
                                    f"{', '.join(without[:3])} do not use it; move them to another module")
    for item in items:
        if {"clock", "today"} & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("clock"):
            item.add_marker(pytest.mark.clock)
        why_not = _cannot_run_here(item)
        if why_not:
            # Under CI=true a test that needs a real server must run: fail it instead of skipping it.
            if os.environ.get("CI") == "true":
                item.add_marker(pytest.mark.usefixtures("_fail_under_ci"))
                item.user_properties.append(("lawflow_cannot_run", why_not))
            else:
                item.add_marker(pytest.mark.skip(reason=why_not))
        if item.get_closest_marker("redis"):
            item.add_marker(pytest.mark.xdist_group("redis"))
        elif "browser" in item.nodeid.split("::")[0].split("/"):
            item.add_marker(pytest.mark.xdist_group("browser"))


def database_is_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def postgres_bin(program: str) -> str | None:
    """The path of a PostgreSQL server program (initdb, pg_ctl, postgres, pg_dump…): on PATH, else Debian's
    /usr/lib/postgresql/<newest>/bin; None if not installed."""
    found = shutil.which(program)
    if found:
        return found
    import glob

    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda f: [int(x) for x in f.split("/")[-2].split(".") if x.isdigit()], reverse=True):
        candidate = os.path.join(folder, program)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _cannot_run_here(item) -> str | None:
    """Why a test marked `postgres` or `faults` cannot run in this session (None if it can)."""
    if item.get_closest_marker("postgres") and not database_is_postgres():
        return "needs PostgreSQL: run with DATABASE_URL=postgres://… (the CI postgres pass)"
    if item.get_closest_marker("faults"):
        missing = [p for p in ("initdb", "pg_ctl") if postgres_bin(p) is None]
        missing += [p for p in ("redis-server",) if shutil.which(p) is None]
        if missing:
            return f"needs the server programs {', '.join(missing)} to start private instances"
    return None


@pytest.fixture
def _fail_under_ci(request):
    reason = dict(request.node.user_properties).get("lawflow_cannot_run", "")
    pytest.fail(f"{reason}; under CI=true this test must run")


@pytest.fixture(autouse=True)
def _clock_of_marked_tests(request):
    """Every `clock`-marked test starts at exactly the session instant, its clock running; others run on in the
    session's travel. The clock is put back after the test."""
    if request.node.get_closest_marker("clock") is None:
        yield None
        return
    start = _session_clock.start_instant if _session_clock else session_instant()
    # A module that loaded the demo town once (demo_town) starts its tests where the seeding ended.
    start = getattr(request.module, "_lawflow_demo_seeded_at", None) or start
    clock = Clock(start)._start()
    try:
        yield clock
    finally:
        clock._stop()


@pytest.fixture
def clock(_clock_of_marked_tests):
    """The test's controlled clock (tests/clock.py Clock): .now(), .today(), .move_to(…), .shift(…), .freeze()."""
    return _clock_of_marked_tests


@pytest.fixture
def today(clock):
    """Today in the town, from the test's controlled clock (as it is when the test starts)."""
    return clock.today()


@pytest.fixture(scope="module")
def demo_town(request, django_db_setup, django_db_blocker):
    """The demo town (`seed_demo`) loaded once for a whole test module, inside a transaction rolled back after its
    last test: each test of the module runs in its own savepoint within it (pytest-django nests the test's
    transaction), so what one test changes the next does not see. Seeding costs ~10 s; a module of read-mostly
    tests asks for it once instead of once per test. The seed runs from the session instant, as it did inside a
    test, and the module's tests start where it ended (as their bodies did after seeding): planned reminders due
    "now" are due for them. Returns what seed_demo printed. Keep the module's tests in one process (`pytest.mark.xdist_group`)."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # as Django's TestCase marks its own: not an application transaction
        atomic.__enter__()
        clock = Clock(_session_clock.start_instant if _session_clock else session_instant())._start()
        try:
            # The production hasher takes a good fraction of a second per user; the demo's passwords are not tested.
            out = io.StringIO()
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                call_command("seed_demo", stdout=out, stderr=io.StringIO())
            request.module._lawflow_demo_seeded_at = clock.now()
        finally:
            clock._stop()
        try:
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def far_meeting_date():
    """A date far enough ahead that the 7-working-day review lead time (D7) never blocks."""
    return timezone.localdate() + datetime.timedelta(days=30)


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    instant = _session_clock.start_instant.isoformat() if _session_clock else "wall clock"
    return [f"lawflow: database backend {engine}", f"lawflow: clock starts at {instant} (time-machine, ticking)"]
