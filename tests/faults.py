"""Private server instances for the fault tests (issue 17 item 6, `pytest.mark.faults`): a PostgreSQL cluster and a
lawflow web process of the test's own, which the test may stop, restart or crash. Never the shared servers.

- `PrivatePostgres`: initdb into a folder under /tmp, started on a free port (listening on 127.0.0.1 and a socket
  in its folder), `stop()`, `start()`, `restart(mode="fast"|"immediate")`, removed at the end. PostgreSQL refuses
  to run as root (CI runs as root): then every server program runs as the `postgres` OS user, which owns the folder.
- `LawflowWeb`: `manage.py runserver` (threaded, or one thread like a gunicorn sync worker) on a free port against a
  database URL; `manage()` runs any other management command with the same environment. Both run lawflow from
  this checkout on the test's clock (LAWFLOW_TEST_CLOCK, tests/clock.py), DEBUG off as in production, the embedded
  Celery broker in their own folder (REDIS_URL unset).
- `call()`: one HTTP request to such a server, JSON in and out.

Waits use time.monotonic(): the tests' clock (time-machine) moves the wall clock, not the monotonic one.
"""

from __future__ import annotations

import http.client
import json
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .clock import worker_clock_env
from .conftest import postgres_bin

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- PostgreSQL ------------------------------------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (a context manager): `with PrivatePostgres() as pg: pg.url("x")`.

    `initdb` (trust authentication for the superuser `postgres`, UTF-8, no fsync at init) into a fresh folder under
    /tmp, then `pg_ctl start` on a free port with `listen_addresses=127.0.0.1`, the socket in the folder and
    `fsync=off`: a crash of PostgreSQL (`restart("immediate")`) still keeps every commit, which is in the operating
    system's cache (only a crash of the machine would lose it); `synchronous_commit` stays on, so a commit the
    client saw is a commit the server keeps. As root, each program runs as the OS user `postgres` (`runuser`), and
    the folder is chowned to it.
    """

    OWNER = "postgres"

    def __init__(self):
        self.initdb, self.pg_ctl = postgres_bin("initdb"), postgres_bin("pg_ctl")
        if not (self.initdb and self.pg_ctl):
            raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.as_other_user = os.geteuid() == 0  # initdb and postgres refuse to run as root
        self.port = free_port()
        self.folder: Path | None = None
        self.running = False

    # where things are
    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    @property
    def log_file(self) -> Path:
        return self.folder / "postgres.log"

    def url(self, dbname: str = "postgres") -> str:
        """The DATABASE_URL of database `dbname` in this cluster (user postgres, trust, TCP on 127.0.0.1)."""
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    # life cycle
    def __enter__(self) -> PrivatePostgres:
        try:
            self.create()
            self.start()
        except BaseException:
            self.destroy()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.destroy()

    def create(self) -> None:
        """initdb into a new folder under /tmp (its parents must be reachable by the `postgres` user)."""
        self.folder = Path(tempfile.mkdtemp(prefix="lawflow-pg-", dir="/tmp" if self.as_other_user else None))
        self.socket_dir.mkdir()
        if self.as_other_user:
            owner = pwd.getpwnam(self.OWNER)
            for path in (self.folder, self.socket_dir):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run([self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--no-locale", "--no-sync"], timeout=120)

    def _server_options(self) -> str:
        return (f"-p {self.port} -k {shlex.quote(str(self.socket_dir))} -c listen_addresses=127.0.0.1 "
                f"-c fsync=off -c full_page_writes=off")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._pg_ctl("start", "-o", self._server_options())
        self.running = True
        self.wait_ready()

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` (connections cut, a clean shutdown) or `immediate` (a crash: no shutdown
        checkpoint, recovery at the next start)."""
        self._pg_ctl("stop", "-m", mode)
        self.running = False

    def restart(self, mode: str = "fast") -> float:
        """Stop (`fast` or `immediate`, as stop()) and start again; returns once it accepts connections, with the
        seconds it was away."""
        began = time.monotonic()
        self._pg_ctl("restart", "-m", mode, "-o", self._server_options())
        self.running = True
        self.wait_ready()
        return time.monotonic() - began

    def wait_ready(self, timeout: float = 30) -> None:
        """Wait until a connection answers `SELECT 1` (RuntimeError after `timeout` seconds)."""
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.url(), connect_timeout=2) as connection:
                    connection.execute("SELECT 1")
                return
            except psycopg.OperationalError as error:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL on port {self.port} does not answer: {error}\n{self.log_tail()}") from None
                time.sleep(0.1)

    def destroy(self) -> None:
        """Stop the server (a crash: nothing is kept) and remove its folder."""
        if self.folder is None:
            return
        if self.running or (self.data / "postmaster.pid").exists():
            try:
                self._pg_ctl("stop", "-m", "immediate", timeout=30)
            except (subprocess.SubprocessError, RuntimeError):
                self._kill_postmaster()
        self.running = False
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    # SQL
    def execute(self, sql: str, params=None, dbname: str = "postgres") -> list[tuple]:
        """Run one statement (autocommit) in database `dbname`; the rows it returns (empty for none)."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=5) as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str, template: str | None = None) -> str:
        """CREATE DATABASE `name` (a copy of `template` if given, which nobody may be connected to); its URL."""
        from psycopg import sql

        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        import psycopg

        with psycopg.connect(self.url(), autocommit=True, connect_timeout=5) as connection:
            connection.execute(statement)
        return self.url(name)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    # running the programs
    def _as_owner(self, command: list[str]) -> list[str]:
        if not self.as_other_user:
            return command
        if shutil.which("runuser"):
            return ["runuser", "-u", self.OWNER, "--", *command]
        return ["su", self.OWNER, "-s", "/bin/sh", "-c", shlex.join(command)]

    def _run(self, command: list[str], timeout: float = 60) -> str:
        # stdin closed, output to a file: the server started by pg_ctl must not hold a pipe of ours open.
        result = subprocess.run(self._as_owner(command), cwd=self.folder, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{shlex.join(command)} failed ({result.returncode}):\n{result.stdout}\n"
                               f"{result.stderr}\n{self.log_tail()}")
        return result.stdout

    def _pg_ctl(self, action: str, *options: str, timeout: float = 60) -> str:
        # -l: the server's output goes to its log file, never to pg_ctl's (captured) output.
        return self._run([self.pg_ctl, "-D", str(self.data), "-l", str(self.log_file), "-w", "-t", "30",
                          *options, action], timeout=timeout)

    def _kill_postmaster(self) -> None:
        """Last resort when pg_ctl cannot stop it: SIGKILL the postmaster we started (its pid file), by id."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass


# --- the lawflow web process --------------------------------------------------------------------------------------

# Runs manage.py in a fresh interpreter on the test's clock: the whole process travels (time-machine, a test extra)
# to the instant LAWFLOW_TEST_CLOCK gives, plus the real seconds since the test read it, and ticks on.
LAUNCHER = """
import datetime, json, os, sys, time
clock = json.loads(os.environ.get("LAWFLOW_TEST_CLOCK") or "null")
if clock:
    import time_machine
    instant, tick = datetime.datetime.fromisoformat(clock["now"]), bool(clock.get("tick", True))
    if tick and clock.get("real") is not None:
        instant += datetime.timedelta(seconds=max(0.0, time.time() - float(clock["real"])))
    time_machine.travel(instant, tick=tick).start()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", *sys.argv[1:]])
"""


def lawflow_env(database_url: str, folder: Path, **extra: str) -> dict[str, str]:
    """The environment of a lawflow process of the test's: this database, DEBUG off with a test secret, the
    embedded Celery broker in `folder` (no REDIS_URL), e-mail kept in memory, the test's clock; `extra` on top."""
    dropped = {"DATABASE_URL", "REDIS_URL", "DB_CONN_MAX_AGE", "LAWFLOW_BROKER_DIR", "DEBUG", "HTTPS", "SECRET_KEY",
               "ALLOWED_HOSTS", "LAWFLOW_TEST_CLOCK"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update({
        "DATABASE_URL": database_url,
        "LAWFLOW_BROKER_DIR": str(folder / "broker"),
        "DEBUG": "false",
        # Plain HTTP on loopback: production's HTTPS redirect (config/settings.py HTTPS) would answer every call 301.
        "HTTPS": "false",
        "SECRET_KEY": "lawflow-fault-tests-secret-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
        **worker_clock_env(),
        **extra,
    })
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    """Run `manage.py ARGS…` in `env` (lawflow_env); its standard output. RuntimeError with both outputs on failure."""
    result = subprocess.run([sys.executable, "-c", LAUNCHER, *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


class LawflowWeb:
    """`manage.py runserver --noreload` on 127.0.0.1 and a free port, a context manager. `threaded=False` serves
    one request at a time in one thread, which keeps its database connection between requests as a gunicorn sync
    worker does (with DB_CONN_MAX_AGE > 0)."""

    def __init__(self, env: dict[str, str], folder: Path, *, threaded: bool = True):
        self.env, self.folder, self.threaded = env, folder, threaded
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_file = folder / f"web-{self.port}.log"

    def __enter__(self) -> LawflowWeb:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self, timeout: float = 90) -> None:
        """Start the server and wait until it answers HTTP (RuntimeError with its log otherwise)."""
        command = [sys.executable, "-c", LAUNCHER, "runserver", "--noreload", "--skip-checks",
                   *([] if self.threaded else ["--nothreading"]), f"127.0.0.1:{self.port}"]
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the web process ended ({self.process.returncode}):\n{self.log_tail()}")
            try:
                call(self.port, "GET", "/accounts/login/", timeout=5)
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the web process does not answer:\n{self.log_tail()}") from None
                time.sleep(0.2)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """End the server process we started (SIGTERM, then SIGKILL after 10 s)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


class Reply:
    """An HTTP response: status, headers (lower-case names), body bytes; json() parses the body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def is_json(self) -> bool:
        return self.headers.get("content-type", "").startswith("application/json")

    def __repr__(self) -> str:
        return f"<Reply {self.status} {self.headers.get('content-type', '')} {self.body[:300]!r}>"


def call(port: int, method: str, path: str, *, token: str | None = None, data=None, cookies: dict | None = None,
         timeout: float = 20) -> Reply:
    """One HTTP request to 127.0.0.1:`port` (JSON body `data` if given, `Authorization: Token …` if `token`).
    Raises OSError when the connection fails and TimeoutError (an OSError) when no answer comes in `timeout` s."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Accept": "application/json" if path.startswith("/api/") else "text/html"}
        body = None
        if data is not None:
            body = json.dumps(data).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Token {token}"
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()
