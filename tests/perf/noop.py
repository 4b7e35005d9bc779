"""A no-op Celery task for the delivery benchmark, registered with the bench's worker (`celery -A config worker
-I tests.perf.noop`): the rate of a task that does nothing but count itself (one Redis INCR, so that the bench
knows when the last one ran) is the floor the reminder deliveries are compared with."""

import os

import redis

from config.celery import app

COUNTER = "bench:noop"
_redis = None


@app.task(name="bench.noop", ignore_result=True)
def noop() -> None:
    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(os.environ["REDIS_URL"])
    _redis.incr(COUNTER)
