"""Django's Redis cache, forgiving: while Redis is down or restarting, reads miss and writes
are dropped, so pages are built from the database instead of failing. Redis holds nothing that
can't be rebuilt (the site chrome, Wagtail's site root paths, renditions' lookups)."""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError as RedisResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# A ResponseError too: out of memory, a read-only replica after a failover, a failed save.
FAILURES = (RedisConnectionError, RedisTimeoutError, RedisResponseError, OSError)
LOG_EVERY_SECONDS = 10
_last_logged = 0.0


def _failed(operation, error):
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning("Redis cache unavailable (%s): %s; serving without it", operation, error)


class ReusedClients(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool: Django
    makes a new one for every operation, which cost more than the operation (a page view makes
    about ten). redis-py's clients are safe to share, and Django keeps a cache object per
    thread anyway."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # A Redis that hangs rather than refuses must not hold a page for long.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._class = ReusedClients

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except FAILURES as error:
            _failed("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except FAILURES as error:
            _failed("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except FAILURES as error:
            _failed("has_key", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except FAILURES as error:  # as for a missing key: callers start again
            _failed("incr", error)
            raise ValueError(f"Key '{key}' not found (Redis unavailable)") from error

    # One key for the whole network, outside KEY_PREFIX (the release): home/kept.py's
    # generation, which every process of every release must share.
    def get_unprefixed(self, key, default=None):
        try:
            return self._cache.get(key, default)
        except FAILURES as error:
            _failed("get", error)
            return default

    def add_unprefixed(self, key, value):
        try:
            return self._cache.add(key, value, None)
        except FAILURES as error:
            _failed("add", error)
            return False

    def incr_unprefixed(self, key, delta=1):
        try:
            return self._cache.incr(key, delta)
        except FAILURES as error:  # as for a missing key: callers start again
            _failed("incr", error)
            raise ValueError(f"Key '{key}' not found (Redis unavailable)") from error

    def _write(self, operation, default, *args, **kwargs):
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except FAILURES as error:
            _failed(operation, error)
            return default

    def set(self, *args, **kwargs):
        return self._write("set", None, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._write("add", False, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._write("touch", False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._write("delete", False, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._write("set_many", [], *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._write("delete_many", None, *args, **kwargs)

    def clear(self):
        return self._write("clear", False)


class RenditionsCache(ForgivingRedisCache):
    """Wagtail's image renditions in Redis: the `renditions` cache, which Wagtail uses when
    it is configured. What is read from it is marked so (`_from_cache`): Wagtail 8 marks only
    renditions prefetched with the image, and wrote the ones it found here back on every
    page view that shows them (`AbstractImage.get_renditions()` and `get_rendition()`): a
    Redis write a view. Those are not written again."""

    def get_many(self, keys, version=None):
        from wagtail.images.models import AbstractRendition  # noqa: PLC0415 (models, lazily)

        found = super().get_many(keys, version)
        for rendition in found.values():
            if isinstance(rendition, AbstractRendition):
                rendition._from_cache = True
        return found

    def set(self, key, value, *args, **kwargs):
        if getattr(value, "_from_cache", False):
            return None
        return super().set(key, value, *args, **kwargs)
