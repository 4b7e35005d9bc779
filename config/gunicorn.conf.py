"""gunicorn's production configuration (issue 18): `gunicorn -c config/gunicorn.conf.py config.wsgi:application`.

Every value may be overridden by the environment (GUNICORN_*), so one image serves a small town's PC and a
county's server. Sync workers: lawflow's requests are short database work, and a sync worker keeps one
persistent database connection (DB_CONN_MAX_AGE), which threads or gevent would multiply.
"""

import multiprocessing
import os


def _env(name: str, default):
    """The variable's value, or `default` when it is unset or empty (docker/compose.yaml passes
    `GUNICORN_WORKERS: ${GUNICORN_WORKERS:-}`, an empty string when the operator did not choose)."""
    return os.environ.get(name) or default


bind = _env("GUNICORN_BIND", "0.0.0.0:8000")
# gunicorn's own rule of thumb: (2 × cores) + 1 — one worker computes while another waits on PostgreSQL.
workers = int(_env("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Documents (PDF of a whole case file) and exports may take long; a stuck worker is still killed in the end.
timeout = int(_env("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (± jitter), so a slow leak never grows without bound.
max_requests = int(_env("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = _env("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
# Behind the TLS proxy of README "Security", which sets X-Forwarded-Proto/-For.
forwarded_allow_ips = _env("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27 opens a control socket at one fixed path per user ($HOME/.gunicorn/gunicorn.ctl), which several
# servers on one host (the tests' two servers, the benchmark, a county's towns) would share and fight over.
# lawflow does not use `gunicornc`; GUNICORN_CONTROL_SOCKET=PATH turns it on at a path of its own.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
