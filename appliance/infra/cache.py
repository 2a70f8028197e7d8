"""Hot state that only speeds things up: in-process in the appliance, Redis on the platform.

Nothing is kept only here; losing the cache loses nothing (the database is the source of truth).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol, TypeVar

import redis
import structlog

from appliance.infra.settings import Settings

KEY_PREFIX = "ebanista:"
# While Redis keeps failing, one warning per this many seconds (with how many calls fell back since).
WARN_EVERY_SECONDS = 60.0

log = structlog.get_logger(__name__)
T = TypeVar("T")


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
    """The same interface on Redis, shared by every node of the platform.

    Redis only speeds things up, so a Redis error never reaches the caller: a read is a miss, a
    write or a delete does nothing, a counter counts nothing (0) and ``add`` says it stored, so the
    caller goes on to the database, the source of truth. The failures are logged once per burst (a
    warning with the operation and the error's type, never a key: keys may carry a phone hash or a
    token's digest). Only ``ping``, the health check, raises.
    """

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2)
        self._incr = self.client.register_script(_INCR_SCRIPT)
        self._lock = threading.Lock()
        self._failing_since: float | None = None
        self._warned_at = 0.0
        self._missed = 0

    def _safely(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        try:
            result = call()
        except redis.RedisError as exc:
            self._failed(operation, exc)
            return fallback
        if self._failing_since is not None:
            self._recovered()
        return result

    def _failed(self, operation: str, exc: redis.RedisError) -> None:
        now = time.monotonic()
        with self._lock:
            self._missed += 1
            if self._failing_since is None:
                self._failing_since = now
            elif now - self._warned_at < WARN_EVERY_SECONDS:
                return
            self._warned_at, missed, self._missed = now, self._missed, 0
        log.warning(
            "cache_unavailable",
            operation=operation,
            error_type=type(exc).__name__,
            fallen_back=missed,
            note="treated as a miss; the database answers",
        )

    def _recovered(self) -> None:
        with self._lock:
            if self._failing_since is None:
                return
            down_for, missed = time.monotonic() - self._failing_since, self._missed
            self._failing_since, self._missed = None, 0
        log.info("cache_recovered", down_seconds=round(down_for, 1), fallen_back=missed)

    def get(self, key: str) -> str | None:
        """Return the live value of ``key`` or None (also when Redis fails)."""
        return self._safely("get", lambda: self.client.get(KEY_PREFIX + key), None)  # type: ignore[arg-type,return-value]

    def set(self, key: str, value: str, ttl: int) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds (nothing when Redis fails)."""
        self._safely("set", lambda: self.client.set(KEY_PREFIX + key, value, ex=ttl), None)

    def add(self, key: str, value: str, ttl: int) -> bool:
        """Store ``value`` only if ``key`` holds nothing; tell whether it did.

        When Redis fails, True: the callers (the scheduler's lock, the invitation's dedup) then do
        their work, which claims its rows in the database or is harmless to repeat.
        """
        return self._safely("add", lambda: bool(self.client.set(KEY_PREFIX + key, value, ex=ttl, nx=True)), True)

    def delete(self, key: str) -> None:
        """Forget ``key`` (nothing when Redis fails; the entry then ends with its expiry)."""
        self._safely("delete", lambda: self.client.delete(KEY_PREFIX + key), None)

    def ping(self) -> None:
        """Raise if Redis does not answer."""
        self.client.ping()

    def incr(self, key: str, ttl: int) -> int:
        """Add one to the counter ``key`` and return it; a new counter lives ``ttl`` seconds (0 when Redis fails)."""
        return self._safely("incr", lambda: int(self._incr(keys=[KEY_PREFIX + key], args=[ttl])), 0)  # type: ignore[arg-type]

    def incr_many(self, items: list[tuple[str, int]]) -> list[int]:
        """Add one to each counter of (key, ttl) ``items`` in one round trip; return their new values
        (zeros when Redis fails)."""

        def call() -> list[int]:
            # EVAL with the text: a registered Script in a pipeline first asks SCRIPT EXISTS, one more round trip.
            with self.client.pipeline(transaction=False) as pipe:
                for key, ttl in items:
                    pipe.eval(_INCR_SCRIPT, 1, KEY_PREFIX + key, ttl)
                return [int(count) for count in pipe.execute()]

        return self._safely("incr_many", call, [0] * len(items))

    def get_many(self, keys: list[str]) -> list[str | None]:
        """Return the live values of ``keys`` (None where there is none, or when Redis fails), in
        order, in one round trip."""
        if not keys:
            return []
        fallback: list[str | None] = [None] * len(keys)
        return self._safely("get_many", lambda: self.client.mget([KEY_PREFIX + key for key in keys]), fallback)  # type: ignore[arg-type]


def make_cache(settings: Settings) -> Cache:
    """Return the cache of this mode."""
    return RedisCache(settings.redis_url) if settings.redis_url else MemoryCache()


class NearCache:
    """A shared cache read through a copy in this process kept for a few seconds.

    For what nearly every request reads and seldom changes (a store's settings): the chat turn
    otherwise asks Redis five times. A change made through this process applies at once here
    (delete and set reach both); other processes see it within ``seconds``.
    """

    def __init__(self, shared: Cache, seconds: int, max_entries: int = 5_000) -> None:
        self.shared = shared
        self.seconds = seconds
        self.local = MemoryCache(max_entries)

    def get(self, key: str) -> str | None:
        """Return the value of ``key``, from this process's copy while it is fresh."""
        hit = self.local.get(key)
        if hit is None:
            hit = self.shared.get(key)
            if hit is not None:
                self.local.set(key, hit, self.seconds)
        return hit

    def set(self, key: str, value: str, ttl: int) -> None:
        """Store ``value`` in the shared cache and this process's copy."""
        self.shared.set(key, value, ttl)
        self.local.set(key, value, min(ttl, self.seconds))

    def delete(self, key: str) -> None:
        """Drop ``key`` here and in the shared cache."""
        self.local.delete(key)
        self.shared.delete(key)


def near(cache: Cache, seconds: int = 2) -> Cache | NearCache:
    """Return ``cache`` read through a short-lived copy in this process (itself, if in-process already)."""
    return cache if isinstance(cache, MemoryCache) else NearCache(cache, seconds)
