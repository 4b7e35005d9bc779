"""The benchmarks' settings (`make bench`): the site's own (config.settings, read from the environment that
tests/perf/run.py sets: lawflow_bench, Redis db 10, DEBUG off) with one more URL, the bare JSON view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.perf.urls"
