"""The platform without Redis: the database is the source of truth, so chat, slots, bookings and the
operator's overview answer as they do with Redis, and health says "degraded" with the cache down.

The platform tests build an app whose Redis is a closed local port, on the same PostgreSQL as the
suite. The unit tests of the fallbacks need no Redis at all, so they run in the SQLite run as well.
"""

from __future__ import annotations

import pytest
from flask import Flask
from huey import RedisHuey
from structlog.testing import capture_logs

from appliance.infra.cache import RedisCache
from appliance.infra.queue import TaskQueue
from appliance.infra.ratelimit import Limiter, check_whatsapp_sender
from tests.backends import PLATFORM

CLOSED = "redis://127.0.0.1:1/0"
platform_only = pytest.mark.skipif(not PLATFORM, reason="the appliance has no Redis: its cache is in-process")


# --- the fallbacks, on a Redis that is not there (no server needed) --------------------------------


def test_a_cache_without_redis_misses_and_logs_once_per_burst() -> None:
    cache = RedisCache(CLOSED)
    with capture_logs() as logs:
        assert cache.get("tenant:t_1") is None
        cache.set("tenant:t_1", "{}", 60)
        cache.delete("tenant:t_1")
        assert cache.incr("stats:requests:1", 60) == 0
        assert cache.incr_many([("a", 60), ("b", 60)]) == [0, 0]
        assert cache.get_many(["a", "b"]) == [None, None]
        assert cache.add("scheduler:job:1", "1", 60) is True
    warnings = [e for e in logs if e["event"] == "cache_unavailable"]
    assert len(warnings) == 1
    assert warnings[0]["log_level"] == "warning"
    assert warnings[0]["error_type"] == "ConnectionError"
    assert "t_1" not in str(warnings)  # keys stay out of the logs
    with pytest.raises(Exception, match=r"(?i)connect"):
        cache.ping()  # the health check still sees it


def test_every_limiter_path_fails_open_without_redis() -> None:
    limiter = Limiter(RedisCache(CLOSED))
    assert limiter.hit("booking:10.0.0.1", 1, 60) == (True, 0)
    assert limiter.hit("booking:10.0.0.1", 1, 60) == (True, 0)
    for _ in range(3):
        check_whatsapp_sender(limiter, "t_1", "hash", overrides={"whatsapp_sender_per_minute": 1})


def test_a_task_that_cannot_be_queued_is_dropped_with_an_error_naming_it(app: Flask) -> None:
    tasks = {"send_invitation": lambda _rt, *_ids: None}
    queue = TaskQueue(app, RedisHuey("ebanista-down", url=CLOSED), tasks, dict)
    with capture_logs() as logs:
        assert queue.enqueue("send_invitation", "apt_01JABCDEFGHJKMNPQRST", "ten_01JABCDEFGHJKMNPQRST") is False
    [dropped] = [e for e in logs if e["event"] == "task_dropped"]
    assert dropped["log_level"] == "error"
    assert dropped["task"] == "send_invitation"
    assert dropped["ids"] == ["apt_01JABCDEFGHJKMNPQRST", "ten_01JABCDEFGHJKMNPQRST"]
