"""Rate limits as the store promised them: per address on the widget, per store, on logins and bookings,
a ten-minute block for whoever goes over, and a cap on any address; on both backends.

Apps here are built with limits on (the rest of the suite runs with them off) and a clock the tests
move instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient

from appliance.errors import RateLimited
from appliance.infra.db import Tenant
from appliance.infra.observability import configure_logging
from appliance.infra.ratelimit import BLOCK_SECONDS, Limiter, check_whatsapp_sender, tenant_limit
from appliance.infra.runtime import Runtime, current_runtime, runtime_of
from appliance.tenants.directory import tenant_info
from appliance.web.limits import VISITOR_MESSAGES, limiter_of
from tests.backends import PLATFORM
from tests.conftest import Cast
from tests.visitors import ORIGIN, Visitor

START = 1_800_000_000.0  # the start of a minute and of a ten-minute window


class Clock:
    """A wall clock that only moves when told to."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limited(app: Flask, fresh_app: Callable[..., Flask], clock: Clock) -> Callable[..., Flask]:
    """Build an app with rate limits on, on the emptied test database, counting time by ``clock``."""

    def build(**changes: object) -> Flask:
        built = fresh_app(rate_limits="on", **changes)
        limiter_of(built).clock = clock
        return built

    return build


@pytest.fixture
def store(make_tenant: Callable[..., Tenant]) -> Tenant:
    return make_tenant("Cuines Estudi", slug="estudi", allowed_origins=[ORIGIN])


def visitor_on(client: FlaskClient, store: Tenant) -> Visitor:
    visitor = Visitor(client, store.widget_key)
    visitor.open()  # the first request of its minute
    return visitor


def transcript(visitor: Visitor, **headers: str):
    return visitor.client.get(f"/v1/chat/{visitor.session_id}", headers=visitor.headers(**headers))


def staff(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_refused(response, retry_after: int = BLOCK_SECONDS) -> None:
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.headers["Retry-After"] == str(retry_after)


def whatsapp_message(tenant_id: str, phone_hash: str, limiter: Limiter | None = None) -> None:
    """Count one inbound WhatsApp message as a channel does: the app's limiter, the store's plan and limits."""
    info = tenant_info(current_runtime(), tenant_id)
    assert info is not None
    check_whatsapp_sender(limiter or limiter_of(current_app), tenant_id, phone_hash, info.plan, info.limits)


def set_tenant(rt: Runtime, tenant: Tenant, **fields: object) -> None:
    with rt.transaction() as db:
        row = db.get(Tenant, tenant.id)
        for name, value in fields.items():
            setattr(row, name, value)


# --- per address on the widget -------------------------------------------------------------------


def test_the_61st_widget_request_from_one_address_in_a_minute_is_429(limited, store: Tenant) -> None:
    client = limited().test_client()
    visitor = visitor_on(client, store)
    for _ in range(59):
        assert transcript(visitor).status_code == 200
    response = transcript(visitor, **{"Accept-Language": "ca"})
    assert_refused(response)
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message"] == VISITOR_MESSAGES["ca"]  # the widget shows it: friendly, in their language
    assert error["details"] == {"retry_after": BLOCK_SECONDS}
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN  # so the widget can read it


def test_another_address_still_chats_while_one_is_refused(limited, store: Tenant) -> None:
    limited_app = limited()
    visitor = visitor_on(limited_app.test_client(), store)
    for _ in range(60):
        transcript(visitor)
    assert transcript(visitor).status_code == 429
    neighbour = Visitor(limited_app.test_client(), store.widget_key)
    neighbour.client.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    neighbour.open()
    assert transcript(neighbour).status_code == 200


def test_a_refused_visitor_hears_it_in_their_language(limited, store: Tenant) -> None:
    client = limited().test_client()
    visitor = visitor_on(client, store)
    for _ in range(60):
        transcript(visitor)
    response = transcript(visitor, **{"Accept-Language": "pt-PT,pt;q=0.9"})
    assert response.get_json()["error"]["message"] == VISITOR_MESSAGES["pt"]


# --- per store ------------------------------------------------------------------------------------


def test_the_121st_request_of_a_store_in_a_minute_is_429(limited, cast: Cast) -> None:
    client = limited().test_client()
    for _ in range(120):
        assert client.get("/v1/flows", headers=staff(cast.alice_token)).status_code == 200
    response = client.get("/v1/flows", headers=staff(cast.bob_token))  # any token of the same store
    assert_refused(response)
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert client.get("/v1/flows", headers=staff(cast.charlie_token)).status_code == 200  # another store


def test_visitors_and_staff_share_their_stores_budget(limited, cast: Cast) -> None:
    client = limited().test_client()
    set_tenant(runtime_of(client.application), cast.tenant_a, allowed_origins=[ORIGIN])
    visitor = visitor_on(client, cast.tenant_a)  # opening the widget session counts apart
    for _ in range(60):
        transcript(visitor)
    for _ in range(60):
        assert client.get("/v1/flows", headers=staff(cast.alice_token)).status_code == 200
    assert_refused(client.get("/v1/flows", headers=staff(cast.alice_token)))


def new_widget_session(client: FlaskClient, widget_key: str, address: str):
    body = {"widget_key": widget_key}
    return client.post(
        "/v1/widget/session", json=body, headers={"Origin": ORIGIN}, environ_base={"REMOTE_ADDR": address}
    )


def test_anonymous_widget_sessions_never_block_the_stores_staff(limited, cast: Cast) -> None:
    client = limited().test_client()
    set_tenant(runtime_of(client.application), cast.tenant_a, allowed_origins=[ORIGIN])
    addresses = [f"198.51.100.{n}" for n in range(1, 5)]
    for n in range(121):
        assert new_widget_session(client, cast.tenant_a.widget_key, addresses[n % 4]).status_code == 200
    assert client.get("/v1/flows", headers=staff(cast.alice_token)).status_code == 200


def test_widget_sessions_have_their_own_bucket_per_store(limited, rt: Runtime, cast: Cast) -> None:
    set_tenant(rt, cast.tenant_a, allowed_origins=[ORIGIN], limits={"widget_sessions_per_minute": 8})
    client = limited().test_client()
    for n in range(8):
        assert new_widget_session(client, cast.tenant_a.widget_key, f"203.0.113.{n + 1}").status_code == 200
    assert_refused(new_widget_session(client, cast.tenant_a.widget_key, "203.0.113.99"))
    assert client.get("/v1/flows", headers=staff(cast.alice_token)).status_code == 200  # staff go on


def test_a_stores_own_limit_overrides_its_plan(limited, rt: Runtime, cast: Cast) -> None:
    set_tenant(rt, cast.tenant_a, limits={"tenant_per_minute": 5})
    client = limited().test_client()
    for _ in range(5):
        assert client.get("/v1/flows", headers=staff(cast.alice_token)).status_code == 200
    assert_refused(client.get("/v1/flows", headers=staff(cast.alice_token)))
    assert client.get("/v1/flows", headers=staff(cast.charlie_token)).status_code == 200


def test_a_pro_store_has_room_beyond_the_base_plan(limited, rt: Runtime, cast: Cast) -> None:
    set_tenant(rt, cast.tenant_a, plan="pro")
    client = limited().test_client()
    statuses = {client.get("/v1/flows", headers=staff(cast.alice_token)).status_code for _ in range(130)}
    assert statuses == {200}


def test_plans_set_the_defaults_and_bad_overrides_are_ignored() -> None:
    assert tenant_limit("base", {}, "tenant_per_minute") == 120
    assert tenant_limit("pro", {}, "tenant_per_minute") == 240
    assert tenant_limit("elite", None, "tenant_per_minute") == 480
    assert tenant_limit("base", {}, "whatsapp_sender_per_minute") == 30
    assert tenant_limit("base", {"tenant_per_minute": 300}, "tenant_per_minute") == 300
    assert tenant_limit("base", {}, "widget_sessions_per_minute") == 300
    for bad in ("300", 0, -1, True, 10**9, None):
        assert tenant_limit("pro", {"tenant_per_minute": bad}, "tenant_per_minute") == 240


# --- sensitive endpoints ------------------------------------------------------------------------------


def test_the_11th_booking_attempt_in_a_minute_is_429(limited, cast: Cast) -> None:
    client = limited().test_client()
    for _ in range(10):
        assert client.post("/v1/appointments", json={}, headers=staff(cast.alice_token)).status_code == 422
    assert_refused(client.post("/v1/appointments", json={}, headers=staff(cast.alice_token)))
    # Reading the agenda is not a booking: the same address still may.
    assert client.get("/v1/flows", headers=staff(cast.alice_token)).status_code == 200


@pytest.mark.parametrize("path", ["/panel/login", "/admin/login"])
def test_the_11th_login_attempt_in_a_minute_is_429(limited, path: str) -> None:
    client = limited().test_client()
    for _ in range(10):
        assert client.post(path, data={"email": "x@example.com", "password": "nope"}).status_code != 429
    response = client.post(path, data={"email": "x@example.com", "password": "nope"})
    assert_refused(response)
    assert "Try again in 10 minutes" in response.get_data(as_text=True)


# --- the block ------------------------------------------------------------------------------------------


def test_whoever_goes_over_stays_refused_for_ten_minutes(limited, clock: Clock, store: Tenant) -> None:
    client = limited().test_client()
    visitor = visitor_on(client, store)
    for _ in range(60):
        transcript(visitor)
    assert_refused(transcript(visitor))
    clock.advance(90)  # the minute that counted is long over
    assert_refused(transcript(visitor), retry_after=BLOCK_SECONDS - 90)
    clock.advance(BLOCK_SECONDS - 90 - 1)
    assert_refused(transcript(visitor), retry_after=1)
    clock.advance(1)
    assert transcript(visitor).status_code == 200


def test_refused_requests_do_not_extend_the_block(limited, clock: Clock, cast: Cast) -> None:
    client = limited().test_client()
    for _ in range(11):
        client.post("/v1/appointments", json={}, headers=staff(cast.alice_token))
    for _ in range(50):
        clock.advance(10)
        client.post("/v1/appointments", json={}, headers=staff(cast.alice_token))
    clock.advance(BLOCK_SECONDS - 500)
    assert client.post("/v1/appointments", json={}, headers=staff(cast.alice_token)).status_code == 422


def test_an_address_over_400_requests_in_ten_minutes_is_blocked_everywhere(limited, clock: Clock, cast: Cast) -> None:
    limited_app = limited()
    client = limited_app.test_client()
    for _ in range(8):
        for _ in range(50):
            assert client.get("/v1/no-such-thing").status_code == 404
        clock.advance(60)
    assert_refused(client.get("/v1/no-such-thing"))
    assert_refused(client.get("/v1/flows", headers=staff(cast.charlie_token)))
    other = limited_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.30"
    assert other.get("/v1/flows", headers=staff(cast.charlie_token)).status_code == 200


def test_health_docs_the_widget_script_and_pages_are_never_limited(limited, clock: Clock) -> None:
    client = limited().test_client()
    for _ in range(401):
        client.get("/v1/no-such-thing")
    assert client.get("/v1/no-such-thing").status_code == 429
    for path in ("/v1/health", "/v1/openapi.json", "/v1/docs", "/widget.js", "/assets/demo.css", "/demo", "/"):
        assert client.get(path).status_code != 429, path


# --- who the client is ----------------------------------------------------------------------------------


def test_behind_a_trusted_proxy_each_forwarded_address_counts_apart(limited, store: Tenant) -> None:
    client = limited(trusted_proxies=1).test_client()
    visitor = visitor_on(client, store)
    for _ in range(60):
        transcript(visitor, **{"X-Forwarded-For": "203.0.113.7"})
    assert_refused(transcript(visitor, **{"X-Forwarded-For": "203.0.113.7"}))
    assert transcript(visitor, **{"X-Forwarded-For": "203.0.113.8"}).status_code == 200


def test_without_trusted_proxies_a_forged_forwarded_address_changes_nothing(limited, store: Tenant) -> None:
    client = limited().test_client()
    visitor = visitor_on(client, store)
    statuses = [transcript(visitor, **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(60)]
    assert statuses[-1] == 429


def test_ipv6_clients_are_counted_by_their_64_bit_prefix(limited, store: Tenant) -> None:
    client = limited().test_client()
    client.environ_base["REMOTE_ADDR"] = "2001:db8:1:2::1"
    visitor = visitor_on(client, store)
    for n in range(59):
        client.environ_base["REMOTE_ADDR"] = f"2001:db8:1:2::{n + 2:x}"
        assert transcript(visitor).status_code == 200
    assert_refused(transcript(visitor))
    client.environ_base["REMOTE_ADDR"] = "2001:db8:1:3::1"  # the next /64: someone else
    assert transcript(visitor).status_code == 200


def test_cors_preflights_do_not_use_up_a_visitors_minute(limited, store: Tenant) -> None:
    client = limited().test_client()
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    assert {client.options("/v1/chat/send", headers=preflight).status_code for _ in range(70)} == {204}
    visitor = visitor_on(client, store)
    assert transcript(visitor).status_code == 200


# --- off ------------------------------------------------------------------------------------------------------


def test_off_turns_every_limit_off_and_says_so_at_start(
    app: Flask, fresh_app: Callable[..., Flask], store: Tenant, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        unlimited = fresh_app(rate_limits="OFF", log_format="json")
        warnings = [line for line in capsys.readouterr().err.splitlines() if "rate_limits_off" in line]
    finally:
        configure_logging(runtime_of(app).settings)  # away from pytest's capture stream
    assert len(warnings) == 1
    assert '"level": "warning"' in warnings[0]
    visitor = visitor_on(unlimited.test_client(), store)
    assert {transcript(visitor).status_code for _ in range(70)} == {200}
    with unlimited.app_context():
        for _ in range(40):
            whatsapp_message(store.id, "hash-of-a-number")


def test_a_bad_rate_limits_value_stops_start_up(fresh_app: Callable[..., Flask]) -> None:
    from appliance.infra.settings import ConfigError

    with pytest.raises(ConfigError, match=r"^EBANISTA_RATE_LIMITS: "):
        fresh_app(rate_limits="maybe")


# --- shared between nodes -------------------------------------------------------------------------------------


@pytest.mark.skipif(not PLATFORM, reason="the appliance is one process; only the platform shares counters")
def test_two_app_instances_on_one_redis_share_their_counts(limited, store: Tenant) -> None:
    first, second = limited().test_client(), limited().test_client()
    visitor = visitor_on(first, store)
    other_node = Visitor(second, store.widget_key)
    other_node.token, other_node.session_id = visitor.token, visitor.session_id
    for n in range(59):
        assert transcript(visitor if n % 2 else other_node).status_code == 200
    assert_refused(transcript(other_node))
    assert_refused(transcript(visitor))  # and the block is seen by both


# --- the limiter and the cache themselves ----------------------------------------------------------------------


def test_the_limiter_blocks_after_the_limit_and_weighs_the_previous_window(rt: Runtime, clock: Clock) -> None:
    limiter = Limiter(rt.cache, clock=clock)
    assert [limiter.hit("unit:a", 10, 60)[0] for _ in range(10)] == [True] * 10
    clock.advance(90)  # half-way through the next minute: half of the last minute's 10 still count
    assert [limiter.hit("unit:a", 10, 60)[0] for _ in range(5)] == [True] * 5
    assert limiter.hit("unit:a", 10, 60) == (False, BLOCK_SECONDS)
    assert limiter.hit("unit:b", 10, 60) == (True, 0)


def test_the_cache_counts_atomically_across_threads(rt: Runtime) -> None:
    def count() -> None:
        for _ in range(100):
            rt.cache.incr("unit:threads", 60)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert rt.cache.incr("unit:threads", 60) == 801
    assert rt.cache.incr_many([("unit:threads", 60), ("unit:other", 60)]) == [802, 1]
    assert rt.cache.get_many(["unit:threads", "unit:nothing"]) == ["802", None]


def test_a_counter_ends_with_its_time_to_live_however_busy(rt: Runtime) -> None:
    rt.cache.incr("unit:short", 1)
    time.sleep(0.6)
    assert rt.cache.incr("unit:short", 1) == 2  # counting again does not push the expiry back
    time.sleep(0.6)
    assert rt.cache.incr("unit:short", 1) == 1


# --- WhatsApp senders (the webhook comes later) ---------------------------------------------------------------------


def test_a_whatsapp_number_may_send_30_messages_a_minute(limited, store: Tenant, make_tenant) -> None:
    other_store = make_tenant("Armaris", slug="armaris")
    whatsapp = limited()
    with whatsapp.app_context():
        for _ in range(30):
            whatsapp_message(store.id, "hash-a")
        with pytest.raises(RateLimited) as refused:
            whatsapp_message(store.id, "hash-a")
        assert refused.value.headers["Retry-After"] == str(BLOCK_SECONDS)
        whatsapp_message(store.id, "hash-b")  # another number
        whatsapp_message(other_store.id, "hash-a")  # the same number writing to another store


def test_a_store_may_allow_its_whatsapp_numbers_more(limited, rt: Runtime, store: Tenant) -> None:
    set_tenant(rt, store, limits={"whatsapp_sender_per_minute": 40})
    whatsapp = limited()
    with whatsapp.app_context():
        for _ in range(40):
            whatsapp_message(store.id, "hash-a")
        with pytest.raises(RateLimited):
            whatsapp_message(store.id, "hash-a")


def test_whatsapp_checks_use_the_given_limiter(rt: Runtime, app: Flask, store: Tenant, clock: Clock) -> None:
    limiter = Limiter(rt.cache, clock=clock)
    with app.app_context():
        for _ in range(30):
            whatsapp_message(store.id, "hash-c", limiter=limiter)
        with pytest.raises(RateLimited):
            whatsapp_message(store.id, "hash-c", limiter=limiter)
        clock.advance(BLOCK_SECONDS)
        whatsapp_message(store.id, "hash-c", limiter=limiter)
