"""Settings come from the environment (CONTRACT §1); production refuses the development secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.DATABASES['default']['ENGINE'], settings.LANGUAGE_CODE, "
                               "settings.TIME_ZONE, settings.CELERY_BROKER_URL.split(':')[0])"],
        cwd=ROOT, env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True, timeout=60,
    )


def test_production_refuses_the_development_secret():
    result = load_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is the development secret" in result.stderr


def test_production_starts_with_a_real_secret():
    result = load_settings(DEBUG="false", SECRET_KEY="a-real-secret-from-the-vault-0123456789")
    assert result.returncode == 0, result.stderr


def test_defaults_are_the_embedded_ones(tmp_path):
    result = load_settings(LAWFLOW_BROKER_DIR=str(tmp_path), REDIS_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "zh-hans", "Asia/Shanghai", "filesystem"]


def test_database_and_broker_from_the_environment():
    result = load_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/lawflow", REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "zh-hans", "Asia/Shanghai", "redis"]
