"""A private Redis server for fault tests (issue 17 item 6): `redis-server` on a free port of 127.0.0.1, started
and killed by the test, never the shared server on 6379.

No persistence (`--save '' --appendonly no`): a server killed and started again comes back empty, as a Redis
restarted without persistence does — whatever the broker held (queued tasks) is gone, which is the worst case the
product must survive. `stop()` kills it (SIGKILL: no shutdown, no goodbye to clients); `start()` brings it back on
the same port, so the clients' URL stays valid; `pause()`/`resume()` freeze it (SIGSTOP/SIGCONT): connections
are accepted by the kernel but nothing answers, as with a hung server or a dropped network.
"""

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    """A TCP port of 127.0.0.1 nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


class PrivateRedis:
    """`redis-server` as a child process: `url` (database 0), `start()`, `stop()`, `pause()`, `resume()`,
    `close()` (stops it and removes its folder). Usable as a context manager."""

    def __init__(self, port: int | None = None):
        program = shutil.which("redis-server")
        if program is None:
            raise RuntimeError("redis-server is not installed")
        self.program = program
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = Path(tempfile.mkdtemp(prefix="lawflow-redis-"))
        self.log = self.folder / "redis.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 10.0) -> "PrivateRedis":
        """Start the server (again) on its port and wait until it answers PING."""
        if self.running:
            return self
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--daemonize", "no", "--dir", str(self.folder), "--protected-mode", "no"],
                stdout=log, stderr=subprocess.STDOUT)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start-up:\n{self.output()}")
            if self.ping():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer PING within {timeout:.0f} s:\n{self.output()}")

    def ping(self) -> bool:
        """True when the server answers PING (a raw RESP exchange: no client library's pool involved)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Kill the server (SIGKILL) and wait until its port refuses connections."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.resume()
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
        deadline = time.monotonic() + 5
        while port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): it accepts connections (the kernel does) but answers nothing."""
        if self.running:
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.running:
            self.process.send_signal(signal.SIGCONT)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "PrivateRedis":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
