"""The Redis cache, fail-soft (issue 17 item 6): Redis down or hung must not fail a page, nor slow every page.

Every page reads and writes the cache (viewflow's user_avatar_url in the page frame), and Django's RedisCache
raises redis' ConnectionError from each call when Redis is gone — every page a 500 — and waits forever on a server
that stopped answering. Nothing in lawflow keeps anything in the cache that only the cache knows (the database is
the truth), so a cache call that cannot reach Redis is logged and answered as a miss: get → the default,
add/touch/delete/has_key/clear → False, set and the *_many calls do nothing, incr → ValueError (the key is missing,
as Django documents for incr). After a failure the cache leaves Redis alone for `retry_after` seconds (OPTIONS,
default RETRY_AFTER_SECONDS), answering misses at once: a hung Redis costs one socket timeout (CACHES OPTIONS
socket_timeout, config.settings) per process thread and window, not one per call.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0


def _soft(missing):
    """Wrap a RedisCacheClient method: skipped while Redis is left alone; a redis error is logged, starts the
    window, and `missing(args)` is answered instead."""

    def wrap(method):
        @functools.wraps(method)
        def call(self, *args):
            if time.monotonic() < self.down_until:
                return missing(args)
            try:
                return method(self, *args)
            except self._lib.RedisError as error:
                self.down_until = time.monotonic() + self.retry_after
                log.warning("cache %s skipped, Redis unavailable (left alone for %.0f s): %s: %s",
                            method.__name__, self.retry_after, type(error).__name__, error)
                return missing(args)

        return call

    return wrap


def _missing_key(args):
    raise ValueError(f"Key '{args[0]}' not found (Redis unavailable).")


class FailSoftRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, retry_after: float = RETRY_AFTER_SECONDS, **options):
        super().__init__(servers, **options)
        self.retry_after, self.down_until = float(retry_after), 0.0

    add = _soft(lambda args: False)(RedisCacheClient.add)
    get = _soft(lambda args: args[1])(RedisCacheClient.get)
    set = _soft(lambda args: None)(RedisCacheClient.set)
    touch = _soft(lambda args: False)(RedisCacheClient.touch)
    delete = _soft(lambda args: False)(RedisCacheClient.delete)
    get_many = _soft(lambda args: {})(RedisCacheClient.get_many)
    has_key = _soft(lambda args: False)(RedisCacheClient.has_key)
    incr = _soft(_missing_key)(RedisCacheClient.incr)
    set_many = _soft(lambda args: None)(RedisCacheClient.set_many)
    delete_many = _soft(lambda args: None)(RedisCacheClient.delete_many)
    clear = _soft(lambda args: False)(RedisCacheClient.clear)


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache whose calls answer as a miss, logged, when Redis cannot be reached or does not answer
    (OPTIONS: redis-py's connection options, and retry_after)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient
