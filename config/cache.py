"""The shared cache on Redis that never takes the site down with it.

Sessions (``cached_db``), API throttles and the overview's snapshots live in the cache; the
database stays the record. When Redis is unreachable, Django's own ``RedisCache`` raises on every
call, so every page would fail with it. ``ResilientRedisCache`` treats an unreachable Redis as a
cache that holds nothing: reads miss, writes are dropped, and for ``DOWN_SECONDS`` after a failure
it does not try again (no connect timeout on every call). Sessions then load from the database,
throttles count nothing until Redis is back, snapshots are recomputed. Each outage is logged once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DOWN_SECONDS = 5.0
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
T = TypeVar("T")


class ResilientRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0

    def _call(self, fallback: T, call: Callable[[], T]) -> T:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except _UNREACHABLE as exc:
            if not self._down_until:
                logger.warning("cache unreachable, serving without it: %s", exc)
            self._down_until = time.monotonic() + DOWN_SECONDS
            return fallback
        finally:
            if self._down_until and time.monotonic() >= self._down_until:
                self._down_until = 0.0

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._call(
            False, lambda: super(ResilientRedisCache, self).add(key, value, timeout, version)
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call(
            default, lambda: super(ResilientRedisCache, self).get(key, default, version)
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._call(None, lambda: super(ResilientRedisCache, self).set(key, value, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call(
            False, lambda: super(ResilientRedisCache, self).touch(key, timeout, version)
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._call(False, lambda: super(ResilientRedisCache, self).delete(key, version))

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        return self._call({}, lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._call(False, lambda: super(ResilientRedisCache, self).has_key(key, version))

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        # A missing key raises ValueError, as Django's caches do; an unreachable one counts nothing.
        return self._call(delta, lambda: super(ResilientRedisCache, self).incr(key, delta, version))

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        return self._call(
            list(data), lambda: super(ResilientRedisCache, self).set_many(data, timeout, version)
        )

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        self._call(None, lambda: super(ResilientRedisCache, self).delete_many(keys, version))

    def clear(self) -> bool:
        return self._call(False, lambda: super(ResilientRedisCache, self).clear())
