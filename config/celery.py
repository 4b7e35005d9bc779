"""The Celery app `config` (CONTRACT §1): `celery -A config worker` / `celery -A config beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _travel_to_the_test_clock() -> None:
    """Tests only: the tasks of a worker started by a test run on that test's clock, not the wall's (issue 10,
    fault 1).

    tests/clock.py worker_clock_env() sets LAWFLOW_TEST_CLOCK to JSON {"now": ISO instant, "real": the real epoch
    seconds it was read at, or null, "tick": bool}. Each task travels there (time-machine, a test extra imported
    only here, so production never needs it) for as long as it runs, adding the real seconds gone by since the
    test read its clock when the clock runs. Only the tasks travel, not the worker's own machinery: kombu's Redis
    transport and Celery's consumer keep the wall clock (a whole worker put in the past stopped taking tasks after
    an earlier worker had run at the same instant). Without the variable — always, outside tests — nothing happens.
    """
    value = os.environ.get("LAWFLOW_TEST_CLOCK")
    if not value:
        return
    import datetime
    import json
    import time

    import time_machine
    from celery.signals import task_postrun, task_prerun

    clock = json.loads(value)
    instant, tick = datetime.datetime.fromisoformat(clock["now"]), bool(clock.get("tick", True))
    read_at = float(clock["real"]) if clock.get("real") is not None else time.time()
    travels = []

    def travel(**_kwargs):
        now = instant + datetime.timedelta(seconds=max(0.0, time.time() - read_at)) if tick else instant
        travels.append(time_machine.travel(now, tick=tick))
        travels[-1].start()

    def back(**_kwargs):
        while travels:
            travels.pop().stop()

    task_prerun.connect(travel, weak=False)
    task_postrun.connect(back, weak=False)


_travel_to_the_test_clock()

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
