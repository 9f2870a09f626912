"""Figures computed at most every few minutes and shown with the time they were taken.

Some overview figures cannot be kept by a counter cheaply and exactly: the two-high table counts
*distinct projects* per sector, which at 100,000 cases means hashing every two-high case (about
120 ms a page; issue 14). Such a figure is taken at most once per ``ttl`` per scope, kept in the
cache (Redis when ``CACHE_URL``/``REDIS_URL`` is set: one snapshot for every web process) and the
page says when it was taken ("截至 HH:MM"). Exports and anything that decides still compute the
figure afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone

DEFAULT_TTL_SECONDS = 300
_PREFIX = "scale:snapshot:v1:"


@dataclass(frozen=True)
class Snapshot:
    value: Any
    taken_at: datetime  # aware, UTC
    fresh: bool  # computed for this request (not read from the cache)

    @property
    def local_time(self) -> str:
        """``HH:MM`` of the moment the figure was taken, in the local zone."""
        return timezone.localtime(self.taken_at).strftime("%H:%M")


def snapshot(key: str, compute: Callable[[], Any], *, ttl: int = DEFAULT_TTL_SECONDS) -> Snapshot:
    """The cached value of ``key`` if taken less than ``ttl`` seconds ago, else ``compute()``
    (stored with the time). ``compute`` must return something picklable."""
    stored = cache.get(_cache_key(key))
    if stored is not None:
        value, taken_at = stored
        return Snapshot(value=value, taken_at=taken_at, fresh=False)
    taken_at = timezone.now()
    value = compute()
    cache.set(_cache_key(key), (value, taken_at), ttl)
    return Snapshot(value=value, taken_at=taken_at, fresh=True)


def forget(key: str) -> None:
    """Drop the snapshot of ``key``: the next read computes it again."""
    cache.delete(_cache_key(key))


def _cache_key(key: str) -> str:
    """A key any cache backend accepts (no spaces, bounded length), whatever ``key`` holds."""
    return _PREFIX + hashlib.sha256(key.encode()).hexdigest()[:32]
