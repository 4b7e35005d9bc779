"""Tests only: config.wsgi's application on the test's clock, for the gunicorn servers that
tests/test_stack_processes.py starts (`gunicorn -c config/gunicorn.conf.py tests.stack_wsgi:application`).

As config/celery.py does for a worker's tasks: the clock is JSON {"now": ISO instant, "real": the real epoch
seconds it was read at, or null, "tick": bool} (tests/clock.py worker_clock_env), read at each request from the file
LAWFLOW_TEST_CLOCK_FILE names — the servers outlive a test, and each test writes its own clock there — or else from
LAWFLOW_TEST_CLOCK. Each request travels there (adding the real seconds gone by since, when the clock runs) for as
long as Django handles it, so "today" on the web server is the test's today. gunicorn's own machinery keeps the
wall clock. Without either variable the application is config.wsgi's, untouched.
"""

import datetime
import json
import os
import time
from pathlib import Path

from config.wsgi import application as django_application

_STARTED = time.time()
_CLOCK_FILE = os.environ.get("LAWFLOW_TEST_CLOCK_FILE")


def _clock() -> dict | None:
    if _CLOCK_FILE:
        return json.loads(Path(_CLOCK_FILE).read_text(encoding="utf-8"))
    value = os.environ.get("LAWFLOW_TEST_CLOCK")
    return json.loads(value) if value else None


def _now(clock: dict) -> tuple[datetime.datetime, bool]:
    instant, tick = datetime.datetime.fromisoformat(clock["now"]), bool(clock.get("tick", True))
    read_at = float(clock["real"]) if clock.get("real") is not None else _STARTED
    return (instant + datetime.timedelta(seconds=max(0.0, time.time() - read_at)) if tick else instant), tick


def application(environ, start_response):
    """The WSGI application; takes and returns what config.wsgi's does."""
    clock = _clock()
    if clock is None:
        return django_application(environ, start_response)
    import time_machine

    now, tick = _now(clock)
    with time_machine.travel(now, tick=tick):
        # The body is read and the response closed inside the travel: closing sends request_finished, on which
        # Django returns or closes the database connection (DB_CONN_MAX_AGE).
        response = django_application(environ, start_response)
        try:
            return list(response)
        finally:
            if hasattr(response, "close"):
                response.close()
