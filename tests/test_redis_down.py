"""The platform without Redis: the database is the source of truth, so chat, slots, bookings and the
operator's overview answer as they do with Redis, and health says "degraded" with the cache down.

The platform tests build an app whose Redis is a closed local port, on the same PostgreSQL as the
suite. The unit tests of the fallbacks need no Redis at all, so they run in the SQLite run as well.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from huey import RedisHuey
from structlog.testing import capture_logs

from appliance.infra.cache import RedisCache
from appliance.infra.db import Tenant
from appliance.infra.queue import TaskQueue
from appliance.infra.ratelimit import Limiter, check_whatsapp_sender
from appliance.infra.runtime import Runtime
from appliance.tenants import defaults
from appliance.tenants.directory import forget
from tests.backends import PLATFORM
from tests.conftest import Cast
from tests.operators import auth, platform_token
from tests.visitors import ORIGIN, Visitor

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


# --- the platform, answering from PostgreSQL -------------------------------------------------------


@pytest.fixture
def down(fresh_app: Callable[..., Flask]) -> Flask:
    """An app on the suite's database whose Redis (cache, limits, queue) is a closed port."""
    return fresh_app(redis_url=CLOSED, rate_limits="on", tasks_immediate=False)


@platform_only
def test_health_is_degraded_with_the_cache_down(down: Flask) -> None:
    response = down.test_client().get("/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "down"
    assert body["checks"]["queue"] == "down"


@platform_only
def test_chat_slots_and_a_booking_work_without_redis(down: Flask, client, cast: Cast, rt: Runtime) -> None:
    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_a.id).allowed_origins = [ORIGIN]
    forget(rt, cast.tenant_a)
    saved = client.put("/v1/config/agenda", json=defaults.agenda("Europe/Madrid"), headers=auth(cast.alice_token))
    assert saved.status_code == 200, saved.get_json()

    without = down.test_client()
    visitor = Visitor(without, cast.tenant_a.widget_key)
    visitor.open()  # POST /v1/widget/session
    assert visitor.start()["messages"]

    day = date.today() + timedelta(days=3)
    query = f"service=showroom_visit&from={day}&to={day + timedelta(days=6)}"
    slots = without.get(f"/v1/agenda/slots?{query}", headers=visitor.headers())
    assert slots.status_code == 200, slots.get_json()
    slot = slots.get_json()["slots"][0]

    body = {"service": "showroom_visit", "start": slot["start"], "name": "Núria Vidal", "phone": "+34612345678"}
    with capture_logs() as logs:
        booked = without.post(
            "/v1/appointments", json=body, headers=auth(cast.alice_token, **{"Idempotency-Key": "k1"})
        )
    assert booked.status_code == 201, booked.get_json()
    # The booking stands; its invitation could not be queued and says so.
    assert [e["task"] for e in logs if e["event"] == "task_dropped"] == ["send_invitation"]
    start = slot["start"][:10]
    listed = client.get(f"/v1/appointments?from={start}&to={start}", headers=auth(cast.alice_token)).get_json()
    assert [a["id"] for a in listed["items"]] == [booked.get_json()["id"]]


@platform_only
def test_the_admin_overview_answers_without_redis(down: Flask, rt: Runtime, cast: Cast) -> None:
    response = down.test_client().get("/v1/admin/overview", headers=auth(platform_token(rt)))
    assert response.status_code == 200, response.get_json()
    found = response.get_json()
    assert found["tenants"]["total"] == 2
    assert found["health"]["status"] == "degraded"
    assert found["health"]["cache"] == "down"
    assert found["error_rate"]["requests"] == 0  # the counters live in Redis: none to read
