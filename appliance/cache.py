"""Hot state that only speeds things up: in-process in the appliance, Redis on the platform.

Nothing is kept only here; losing the cache loses nothing (the database is the source of truth).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Protocol

import redis

from appliance.config import Settings

KEY_PREFIX = "ebanista:"


class Cache(Protocol):
    """Strings by key, with expiry."""

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: int) -> None: ...
    def add(self, key: str, value: str, ttl: int) -> bool: ...
    def delete(self, key: str) -> None: ...
    def ping(self) -> None: ...


class MemoryCache:
    """A bounded, thread-safe, expiring map for the one-process appliance."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: str) -> str | None:
        """Return the live value of ``key`` or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] < time.monotonic():
                self._items.pop(key, None)
                return None
            self._items.move_to_end(key)
            return item[1]

    def set(self, key: str, value: str, ttl: int) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds."""
        with self._lock:
            self._items[key] = (time.monotonic() + ttl, value)
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def add(self, key: str, value: str, ttl: int) -> bool:
        """Store ``value`` only if ``key`` holds nothing live; tell whether it did."""
        with self._lock:
            item = self._items.get(key)
            if item is not None and item[0] >= time.monotonic():
                return False
            self._items[key] = (time.monotonic() + ttl, value)
            return True

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        with self._lock:
            self._items.pop(key, None)

    def ping(self) -> None:
        """Do nothing: an in-process map is always there."""


class RedisCache:
    """The same interface on Redis, shared by every node of the platform."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2)

    def get(self, key: str) -> str | None:
        """Return the live value of ``key`` or None."""
        return self.client.get(KEY_PREFIX + key)  # type: ignore[return-value]

    def set(self, key: str, value: str, ttl: int) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds."""
        self.client.set(KEY_PREFIX + key, value, ex=ttl)

    def add(self, key: str, value: str, ttl: int) -> bool:
        """Store ``value`` only if ``key`` holds nothing; tell whether it did."""
        return bool(self.client.set(KEY_PREFIX + key, value, ex=ttl, nx=True))

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        self.client.delete(KEY_PREFIX + key)

    def ping(self) -> None:
        """Raise if Redis does not answer."""
        self.client.ping()


def make_cache(settings: Settings) -> Cache:
    """Return the cache of this mode."""
    return RedisCache(settings.redis_url) if settings.redis_url else MemoryCache()
