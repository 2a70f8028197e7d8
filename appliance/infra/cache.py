"""Hot state that only speeds things up: in-process in the appliance, Redis on the platform.

Nothing is kept only here; losing the cache loses nothing (the database is the source of truth).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Protocol

import redis

from appliance.infra.settings import Settings

KEY_PREFIX = "ebanista:"


class Cache(Protocol):
    """Strings by key, with expiry."""

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: int) -> None: ...
    def add(self, key: str, value: str, ttl: int) -> bool: ...
    def delete(self, key: str) -> None: ...
    def ping(self) -> None: ...
    def incr(self, key: str, ttl: int) -> int: ...
    def incr_many(self, items: list[tuple[str, int]]) -> list[int]: ...
    def get_many(self, keys: list[str]) -> list[str | None]: ...


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

    def incr(self, key: str, ttl: int) -> int:
        """Add one to the counter ``key`` and return it; a new counter lives ``ttl`` seconds."""
        with self._lock:
            now = time.monotonic()
            item = self._items.get(key)
            if item is None or item[0] < now:
                item = (now + ttl, "0")
            # The expiry stays the one set when the counter was created, as with the Redis script.
            count = int(item[1]) + 1
            self._items[key] = (item[0], str(count))
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)
            return count

    def incr_many(self, items: list[tuple[str, int]]) -> list[int]:
        """Add one to each counter of (key, ttl) ``items``; return their new values, in order."""
        return [self.incr(key, ttl) for key, ttl in items]

    def get_many(self, keys: list[str]) -> list[str | None]:
        """Return the live values of ``keys`` (None where there is none), in order."""
        return [self.get(key) for key in keys]


# INCR and EXPIRE in one atomic step: the expiry is set only when the counter is created, so a
# busy counter still ends with its window (a crash between two separate calls could leave it forever).
_INCR_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RedisCache:
    """The same interface on Redis, shared by every node of the platform."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2)
        self._incr = self.client.register_script(_INCR_SCRIPT)

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

    def incr(self, key: str, ttl: int) -> int:
        """Add one to the counter ``key`` and return it; a new counter lives ``ttl`` seconds."""
        return int(self._incr(keys=[KEY_PREFIX + key], args=[ttl]))  # type: ignore[arg-type]

    def incr_many(self, items: list[tuple[str, int]]) -> list[int]:
        """Add one to each counter of (key, ttl) ``items`` in one round trip; return their new values."""
        # EVAL with the text: a registered Script in a pipeline first asks SCRIPT EXISTS, one more round trip.
        with self.client.pipeline(transaction=False) as pipe:
            for key, ttl in items:
                pipe.eval(_INCR_SCRIPT, 1, KEY_PREFIX + key, ttl)
            return [int(count) for count in pipe.execute()]

    def get_many(self, keys: list[str]) -> list[str | None]:
        """Return the live values of ``keys`` (None where there is none), in order, in one round trip."""
        if not keys:
            return []
        return self.client.mget([KEY_PREFIX + key for key in keys])  # type: ignore[return-value]


def make_cache(settings: Settings) -> Cache:
    """Return the cache of this mode."""
    return RedisCache(settings.redis_url) if settings.redis_url else MemoryCache()
