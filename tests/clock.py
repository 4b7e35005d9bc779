"""The tests' clock: time-machine travels, so that no test reads the wall clock (issue 10, fault 1).

- The whole session starts under one travel (tick=True) to the *session instant*: `LAWFLOW_CLOCK_INSTANT` (an
  ISO 8601 instant with its offset, e.g. `2026-10-01T00:05:00+08:00`) when set — the CI clock pass sets it to
  instants that have broken date code before — or else `DEFAULT_INSTANT`, an ordinary office-hours workday.
- A test marked `@pytest.mark.clock` (or asking for the `clock` or `today` fixture, which marks it) starts at
  exactly the session instant, the clock running (tick=True); the `clock` fixture moves it (`move_to`, `shift`,
  `freeze`). A test that travels itself simply overrides the session instant.
- A real Celery worker process takes its clock from the test: `worker_clock_env()` gives the environment
  variable `LAWFLOW_TEST_CLOCK` for the subprocess; config/celery.py installs the same travel when it is set.
"""

from __future__ import annotations

import datetime
import json
import os
from zoneinfo import ZoneInfo

import time_machine

INSTANT_ENV = "LAWFLOW_CLOCK_INSTANT"
WORKER_ENV = "LAWFLOW_TEST_CLOCK"  # read by config/celery.py; never set outside tests
LOCAL = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE: the town's time, in which "today" and 09:00 are meant
# A Wednesday in office hours, a workday in a year chinesecalendar knows, no holiday within a week: the instant the
# ordinary passes run at, so that they give the same answer whenever they are run.
DEFAULT_INSTANT = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=LOCAL)


def parse_instant(text: str) -> datetime.datetime:
    """An ISO 8601 instant; without an offset it is read as town time (Asia/Shanghai). Refuses garbage (ValueError)."""
    instant = datetime.datetime.fromisoformat(text.strip())
    return instant if instant.tzinfo else instant.replace(tzinfo=LOCAL)


def session_instant() -> datetime.datetime:
    """The instant the session starts at: LAWFLOW_CLOCK_INSTANT if set, else DEFAULT_INSTANT."""
    text = os.environ.get(INSTANT_ENV, "").strip()
    return parse_instant(text) if text else DEFAULT_INSTANT


def _as_instant(destination) -> datetime.datetime:
    if isinstance(destination, str):
        return parse_instant(destination)
    if isinstance(destination, datetime.datetime):
        return destination if destination.tzinfo else destination.replace(tzinfo=LOCAL)
    if isinstance(destination, datetime.date):  # a day: its office-hours morning, town time
        return datetime.datetime.combine(destination, datetime.time(10, 0), tzinfo=LOCAL)
    raise TypeError(f"cannot travel to {destination!r}")


def _ticking() -> bool:
    """Whether the innermost travel lets time flow (time-machine keeps it on the traveller, not publicly)."""
    stack = time_machine.traveller_stack
    return bool(getattr(stack[-1], "_tick", True)) if stack else True


class Clock:
    """The test's controlled clock. `now()` / `today()` read it (as the code under test does, through Django's
    timezone); `move_to`, `shift` and `freeze` move it for the rest of the test. A Celery worker started later
    follows (worker_clock_env); one already running keeps the clock it started with."""

    def __init__(self, start: datetime.datetime, tick: bool = True):
        self.start_instant = start
        self._travel = time_machine.travel(start, tick=tick)
        self._traveller = None

    def _start(self) -> Clock:
        self._traveller = self._travel.start()
        return self

    def _stop(self) -> None:
        if self._traveller is not None:
            self._travel.stop()
            self._traveller = None

    def now(self) -> datetime.datetime:
        """The current instant, town time."""
        return datetime.datetime.now(LOCAL)

    def today(self) -> datetime.date:
        """Today in the town (Asia/Shanghai)."""
        return self.now().date()

    def move_to(self, destination, tick: bool | None = None) -> datetime.datetime:
        """Jump to `destination` (an aware or town-time datetime, an ISO string, or a date = 10:00 that day);
        `tick` None keeps whether the clock runs. Returns the new instant."""
        self._traveller.move_to(_as_instant(destination), tick=tick)
        return self.now()

    def shift(self, delta: datetime.timedelta) -> datetime.datetime:
        """Move the clock by `delta` (may be negative). Returns the new instant."""
        self._traveller.shift(delta)
        return self.now()

    def freeze(self) -> datetime.datetime:
        """Stop the clock at the current instant (tick=False) for the rest of the test."""
        return self.move_to(self.now(), tick=False)

    @property
    def ticking(self) -> bool:
        return _ticking()


def worker_clock_env() -> dict[str, str]:
    """{LAWFLOW_TEST_CLOCK: …} for a subprocess (a Celery worker) that must share this process's clock: the
    current (travelled) instant, the real time it was read at — so the worker adds the seconds its start-up takes
    — and whether the clock runs."""
    real = time_machine.escape_hatch.time.time() if time_machine.escape_hatch.is_travelling() else None
    now = datetime.datetime.now(datetime.timezone.utc)
    return {WORKER_ENV: json.dumps({"now": now.isoformat(), "real": real, "tick": _ticking()})}
