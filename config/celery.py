"""The Celery app `config` (CONTRACT §1): `celery -A config worker` / `celery -A config beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _travel_to_the_test_clock() -> None:
    """Tests only: a worker started by a test runs on that test's clock, not the wall's (issue 10, fault 1).

    tests/clock.py worker_clock_env() sets LAWFLOW_TEST_CLOCK to JSON {"now": ISO instant, "real": the real epoch
    seconds it was read at, or null, "tick": bool}; the worker travels there (time-machine, a test extra imported only
    here, so production never needs it), adding the real seconds its start-up took when the clock runs. Pool
    processes forked later inherit the travel. Without the variable — always, outside tests — nothing happens.
    """
    value = os.environ.get("LAWFLOW_TEST_CLOCK")
    if not value:
        return
    import datetime
    import json
    import time

    import time_machine

    clock = json.loads(value)
    instant, tick = datetime.datetime.fromisoformat(clock["now"]), bool(clock.get("tick", True))
    if tick and clock.get("real") is not None:
        instant += datetime.timedelta(seconds=max(0.0, time.time() - float(clock["real"])))
    time_machine.travel(instant, tick=tick).start()


_travel_to_the_test_clock()

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
