# lawflow — developer entry points (CONTRACT §1: `make demo`, `make test`).
# Needs only Python 3.11 and make (plus bash, which every supported system has).
# Environment variables (DATABASE_URL, REDIS_URL, SECRET_KEY, …) pass through untouched.

SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
DEMO_ADDR ?= 127.0.0.1:8000
DEMO_SITE_URL = $(or $(SITE_URL),http://$(DEMO_ADDR))

# Translations are compiled with Babel (pure Python; no GNU gettext needed).
# No catalogues yet -> MO_FILES is empty and this step is a no-op.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.DEFAULT_GOAL := help
.PHONY: help venv demo test lint layers bench bench-pages clean var

help:
	@echo "make demo   - install, migrate, load the demo town, run web + Celery worker + beat (Ctrl-C stops)"
	@echo "make test   - install with test extras and run the pytest suite (PYTEST_ARGS=... to pass options)"
	@echo "make lint   - ruff check and the layer contracts"
	@echo "make layers - the layer contracts between apps and pages (import-linter, pyproject.toml), no cycle"
	@echo "make bench  - the benchmark suite on PostgreSQL and Redis (tests/perf/run.py; writes bench.json)"
	@echo "make clean  - remove .venv, var/, db.sqlite3, staticfiles"

venv: $(STAMP) $(MO_FILES)

# Re-installs only when pyproject.toml changed (or the venv is new); otherwise a no-op.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[test]'
	@touch $@

# One rule per catalogue: compiled when the .mo is missing or older than the .po.
# pybabel silently skips a catalogue whose header is marked "#, fuzzy"; fail loudly instead.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(STAMP)
	$(BIN)/pybabel compile -D django -d locale -l $*
	@test -f $@ -a $@ -nt $< || { echo "error: $< was not compiled (remove the '#, fuzzy' flag from its header?)" >&2; exit 1; }

# Runtime folders: the embedded Celery broker (REDIS_URL unset) lives in var/broker/.
var:
	@mkdir -p var/broker/queue var/broker/processed

# Links in reminders point at the address the demo serves: SITE_URL if set, else http://DEMO_ADDR.
demo: venv var
	$(BIN)/python manage.py migrate --noinput
	set -o pipefail; SITE_URL="$(DEMO_SITE_URL)" $(BIN)/python manage.py seed_demo | tee var/demo-logins.txt
	DEMO_ADDR=$(DEMO_ADDR) SITE_URL="$(DEMO_SITE_URL)" bash scripts/demo.sh

test: venv var
	$(BIN)/python -m pytest $(PYTEST_ARGS) || { rc=$$?; \
	  echo "make test: pytest exited with status $$rc$$( [ $$rc -eq 5 ] && echo ' (no tests collected)')" >&2; \
	  exit $$rc; }

lint: venv layers
	$(BIN)/ruff check .

# DESIGN §13: apps depend downwards, no app's pages import another's (contracts in pyproject.toml).
layers: venv
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/import_graph.py --check

# Issue 18: the benchmark suite on PostgreSQL and Redis (tests/perf/run.py; README "Performance"). Not part of
# `make test` (pyproject ignores tests/perf). BENCH_ARGS=--only inbox,delivery runs a subset, --fresh rebuilds the
# data; BENCH_DATABASE_URL / BENCH_REDIS_URL override lawflow_bench on 127.0.0.1 and Redis db 10. Writes bench.json.
BENCH_ARGS ?=
bench: venv
	$(BIN)/python -m tests.perf.run $(BENCH_ARGS)

# The older in-process page benchmarks (every demo page under 300 ms; the read paths and one sweep on the test
# database), kept as pytest benchmarks.
bench-pages: venv
	$(BIN)/python -m pytest tests/perf -q -p no:cacheprovider --override-ini addopts=

clean:
	rm -rf $(VENV) var db.sqlite3 db.sqlite3-journal db.sqlite3-wal db.sqlite3-shm staticfiles $(MO_FILES)
