"""The production stack as docker/compose.yaml and docker/Dockerfile describe it (issue 18): the five services with
their health checks and volumes, beat that cannot be scaled, web and worker that can, and commands that name
modules and files that exist in this repository.

No image registry is reachable here, so the stack is not started: the file is read as Compose reads it (YAML with
merge keys), and `docker compose config` validates it where the Compose plugin exists. The stack itself is
exercised as processes in tests/test_stack_processes.py.
"""

import importlib
import json
import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker" / "compose.yaml"
DOCKERFILE = ROOT / "docker" / "Dockerfile"
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
LONG_RUNNING = {"postgres", "redis", "web", "worker", "beat"}
APP_SERVICES = {"web", "worker", "beat"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def words(command) -> list[str]:
    """A service's command as words (Compose takes a list or a shell-like string)."""
    return list(command) if isinstance(command, list) else shlex.split(command)


def interpolate(text: str, env: dict | None = None) -> str:
    """Compose's `${NAME:-default}` / `${NAME}` / `$$`, enough for the defaults used in compose.yaml."""
    env = env or {}

    def value(match):
        name, default = match.group(1), match.group(3) or ""
        return env.get(name) or default

    return re.sub(r"\$\{([A-Z0-9_]+)(:-([^}]*))?\}", value, text).replace("$$", "$")


def test_the_five_services_and_a_one_shot_migration(services):
    assert LONG_RUNNING <= set(services)
    # Anything else is a job that runs to completion (migrate), never a second copy of a service.
    for name in set(services) - LONG_RUNNING:
        assert services[name].get("restart") == "no", name
    assert words(services["migrate"]["command"]) == ["python", "manage.py", "migrate", "--noinput"]
    # Web, worker and beat start only after the one migration has finished, so `--scale web=4` runs no four migrates.
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert services[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}, name
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}, name
    assert "migrate" not in services["migrate"]["depends_on"]  # it would wait for itself
    assert not any("migrate" in " ".join(words(services[name]["command"])) for name in APP_SERVICES)


def test_every_service_has_a_health_check(services):
    for name in LONG_RUNNING:
        check = services[name].get("healthcheck")
        assert check and not check.get("disable") and check.get("test"), f"{name} has no health check"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name


def test_the_worker_pings_its_own_node_and_beat_checks_its_schedule_file(services):
    worker = words(services["worker"]["command"])
    node = worker[worker.index("-n") + 1]
    assert node == "worker@%h"  # its hostname: one node name per container, however many are scaled
    ping = interpolate(services["worker"]["healthcheck"]["test"][1])
    assert "celery -A config inspect ping" in ping
    assert "--destination worker@$HOSTNAME" in ping  # the shell expands $HOSTNAME, the container's %h

    beat = words(services["beat"]["command"])
    schedule = beat[beat.index("--schedule") + 1]
    check = services["beat"]["healthcheck"]["test"][1]
    folder, name = schedule.rsplit("/", 1)
    assert f"find {folder} " in check and f"-name '{name}*'" in check and "-mmin" in check
    # Beat syncs its schedule file every 3 minutes (celery.beat.Scheduler.sync_every): the check allows more.
    from celery.beat import Scheduler

    assert int(re.search(r"-mmin -(\d+)", check).group(1)) * 60 > Scheduler.sync_every


def test_named_volumes_for_the_database_redis_and_media(compose, services):
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    assert words(services["redis"]["command"])[:3] == ["redis-server", "--appendonly", "yes"]
    assert "media:/app/var/media" in services["web"]["volumes"]
    assert "media:/app/var/media" in services["worker"]["volumes"]


def test_beat_runs_once_web_and_worker_may_scale(services):
    beat = services["beat"]
    assert beat["deploy"]["replicas"] == 1
    # Compose refuses `--scale beat=2` for a service with a fixed container name.
    assert beat.get("container_name")
    assert "Exactly one beat" in COMPOSE.read_text(encoding="utf-8")  # the comment says why
    for name in ("web", "worker"):
        assert "container_name" not in services[name], f"{name} could not be scaled"
        assert services[name].get("deploy", {}).get("replicas", 1) != 0
    # Every web replica needs a host port of its own: the host side is a variable that may be a range.
    [mapping] = services["web"]["ports"]
    assert interpolate(mapping) == "8000:8000"
    assert interpolate(mapping, {"WEB_PORTS": "8000-8003"}) == "8000-8003:8000"


def test_web_runs_gunicorn_with_the_production_config(services):
    web = words(services["web"]["command"])
    assert web[:3] == ["gunicorn", "-c", "config/gunicorn.conf.py"]
    assert (ROOT / web[2]).is_file()
    environment = services["web"]["environment"]
    assert interpolate(environment["GUNICORN_WORKERS"]) == ""  # unset: by core count (the config's rule)
    assert interpolate(environment["GUNICORN_WORKERS"], {"GUNICORN_WORKERS": "9"}) == "9"
    # The web service keeps every variable the other app services have (its own environment extends theirs).
    assert set(services["worker"]["environment"]) <= set(environment)
    assert environment["DATABASE_URL"] == services["worker"]["environment"]["DATABASE_URL"]


def test_the_commands_name_modules_that_exist(services):
    wsgi_targets = [w for w in words(services["web"]["command"]) if re.fullmatch(r"[\w.]+:\w+", w)]
    assert wsgi_targets == ["config.wsgi:application"]
    module, attribute = wsgi_targets[0].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))

    for name in ("worker", "beat"):
        command = words(services[name]["command"])
        assert command[:3] == ["celery", "-A", "config"], name
    # `celery -A config` finds the app as config.celery_app (config/__init__.py) or config.celery.app.
    from celery import Celery

    config = importlib.import_module("config")
    assert isinstance(config.celery_app, Celery) and config.celery_app is importlib.import_module("config.celery").app
    # What beat sends, the workers know (their autodiscovery finds every scheduled task).
    config.celery_app.loader.import_default_modules()
    assert _beat_tasks() and _beat_tasks() <= set(config.celery_app.tasks)

    assert (ROOT / "manage.py").is_file()
    assert (ROOT / words(services["web"]["healthcheck"]["test"])[2]).is_file()  # docker/healthcheck.py


def _beat_tasks() -> set[str]:
    from django.conf import settings

    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def load_gunicorn_conf(**env) -> dict:
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        return runpy.run_path(str(GUNICORN_CONF))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_the_gunicorn_config_sets_only_settings_gunicorn_knows_and_reads_its_variables():
    from gunicorn.config import KNOWN_SETTINGS

    known = {setting.name for setting in KNOWN_SETTINGS}
    values = load_gunicorn_conf(GUNICORN_WORKERS="")
    public = {name for name, value in values.items()
              if not name.startswith("_") and not callable(value) and not hasattr(value, "__file__")}
    assert public <= known, f"gunicorn ignores unknown names silently: {sorted(public - known)}"
    # Empty (compose passes ${GUNICORN_WORKERS:-}) is the default: (2 × cores) + 1.
    assert values["workers"] == os.cpu_count() * 2 + 1
    assert load_gunicorn_conf(GUNICORN_WORKERS="2", GUNICORN_TIMEOUT="600")["workers"] == 2
    assert load_gunicorn_conf(GUNICORN_TIMEOUT="600")["timeout"] == 600


def test_the_image_runs_as_a_non_root_user_with_the_gunicorn_config():
    # The Dockerfile reader of tests/test_security_settings.py, which checks the user and var/ in detail.
    from .test_security_settings import dockerfile_instructions, final_stage

    instructions = final_stage(dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8")))
    users = [argument for word, argument in instructions if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), users
    [cmd] = [argument for word, argument in instructions if word == "CMD"]
    assert json.loads(cmd) == ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
    # gunicorn comes with the project's dependencies (pyproject), not from a pip install of its own.
    runs = " ".join(argument for word, argument in instructions if word == "RUN")
    assert "gunicorn" not in runs
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert any(d.startswith("gunicorn==") for d in dependencies)
    assert "pip install ." in runs


def test_docker_compose_config_accepts_the_file():
    """`docker compose config` where the Compose plugin exists (not on this project's machines: skipped there)."""
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("docker compose is not installed here")
    result = subprocess.run([docker, "compose", "-f", str(COMPOSE), "config", "--quiet"], capture_output=True,
                            text=True, env={**os.environ, "SECRET_KEY": "x" * 50}, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def database_settings(**env) -> list[str]:
    """CONN_MAX_AGE and DISABLE_SERVER_SIDE_CURSORS as a fresh process reads them from `env`."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DB_CONN_MAX_AGE", "DB_DISABLE_SERVER_SIDE_CURSORS", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "db = settings.DATABASES['default']; "
                               "print(db['CONN_MAX_AGE'], db['DISABLE_SERVER_SIDE_CURSORS'])"],
        cwd=ROOT, env={**environment, **env, "DJANGO_SETTINGS_MODULE": "config.settings",
                       "DATABASE_URL": "postgres://lawflow@127.0.0.1:5432/lawflow"},
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_persistent_connections_by_default_and_the_pgbouncer_switches():
    # README "Running in production and scaling": each process keeps one connection for 10 minutes by default;
    # behind pgbouncer in transaction mode, DB_CONN_MAX_AGE=0 and DB_DISABLE_SERVER_SIDE_CURSORS=true.
    assert database_settings() == ["600", "False"]
    assert database_settings(DB_CONN_MAX_AGE="0", DB_DISABLE_SERVER_SIDE_CURSORS="true") == ["0", "True"]
