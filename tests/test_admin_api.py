"""The platform operator's API: stores, key rotation, impersonation, and who may reach it at all."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.accounts.invitations import read_invitation_token
from appliance.core.flows.presets import preset
from appliance.flows.versions import published_flow
from appliance.infra.db import Membership, Tenant, User
from appliance.infra.runtime import Runtime
from appliance.security.impersonation import ImpersonationClaims, issue_impersonation_token
from appliance.security.visitor import VisitorClaims, issue_visitor_token
from tests.backends import PLATFORM
from tests.conftest import Cast
from tests.operators import audits, auth, platform_token
from tests.visitors import ORIGIN, Visitor


@pytest.fixture
def root(rt: Runtime) -> str:
    """A SUPER_ADMIN's platform token."""
    return platform_token(rt)


@pytest.fixture
def internal(rt: Runtime) -> str:
    """An INTERNAL (read-only platform staff) token."""
    return platform_token(rt, "INTERNAL", "staff@ebanista.test")


def create(client: FlaskClient, token: str, **body: Any):
    return client.post("/v1/admin/tenants", json={"name": "Fusteria Nova", **body}, headers=auth(token))


def admin_routes(app: Flask) -> list[tuple[str, str]]:
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/v1/admin")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


# --- creating a store ---------------------------------------------------------------------------------


def test_it_creates_a_live_store_with_its_snippet(client: FlaskClient, root: str, rt: Runtime) -> None:
    response = create(client, root, plan="pro", default_language="ca", allowed_origins=[ORIGIN])
    assert response.status_code == 201
    store = response.get_json()
    assert store["slug"] == "fusteria-nova"
    assert (store["status"], store["plan"], store["default_language"]) == ("active", "pro", "ca")
    assert store["widget_key"].startswith("wk_")
    public_url = rt.settings.public_url
    assert store["snippet"] == f'<script src="{public_url}/widget.js" data-key="{store["widget_key"]}" async></script>'
    assert store["maintenance"]["enabled"] is False
    assert "owner_invitation" not in store
    with rt.sessions() as db:
        assert published_flow(db, store["id"]) is not None
    # Live at once: a visitor on its website talks to the base flow.
    visitor = Visitor(client, store["widget_key"])
    visitor.open()
    assert visitor.start()["input"] is not None


def test_it_invites_the_owner_with_a_link_to_the_panel(client: FlaskClient, root: str, rt: Runtime) -> None:
    store = create(client, root, owner_email="Nuria@Fusteria.example").get_json()
    invitation = store["owner_invitation"]
    assert invitation["email"] == "nuria@fusteria.example"
    prefix = f"{rt.settings.public_url}/panel/invite/"
    assert invitation["url"].startswith(prefix)
    assert (
        read_invitation_token(rt.settings.secret_key, invitation["url"].removeprefix(prefix)) == invitation["user_id"]
    )
    with rt.sessions() as db:
        user = db.get(User, invitation["user_id"])
        assert user.password_hash is None
        membership = db.scalar(select(Membership).where(Membership.user_id == user.id))
        assert (membership.tenant_id, membership.role) == (store["id"], "OWNER")


def test_an_owner_who_already_has_a_password_gets_no_link(
    client: FlaskClient, root: str, cast: Cast, rt: Runtime
) -> None:
    store = create(client, root, owner_email="alice@example.com").get_json()
    assert store["owner_invitation"]["user_id"] == cast.alice.id
    assert store["owner_invitation"]["url"] is None
    with rt.sessions() as db:
        roles = db.scalars(select(Membership.role).where(Membership.user_id == cast.alice.id))
        assert sorted(roles) == ["OWNER", "OWNER"]


def test_an_expired_invitation_is_refused(rt: Runtime) -> None:
    from appliance.accounts.invitations import make_invitation_token
    from appliance.errors import BadRequest

    token = make_invitation_token(rt.settings.secret_key, "u_someone")
    with pytest.raises(BadRequest) as refused:
        read_invitation_token(rt.settings.secret_key, token, max_age=-1)  # older than allowed
    assert refused.value.code == "invitation_expired"
    with pytest.raises(BadRequest):
        read_invitation_token("another-secret-that-is-long-enough-000000000", token)


def test_it_makes_the_slug_from_the_name_and_refuses_a_taken_one(client: FlaskClient, root: str) -> None:
    assert create(client, root, name="Cuina & Fusta Àngel").get_json()["slug"] == "cuina-fusta-angel"
    again = create(client, root, name="Cuina & Fusta Àngel")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "slug_taken"
    assert create(client, root, slug="cuina-fusta-angel").status_code == 409


def test_it_lists_every_problem_of_a_new_store(client: FlaskClient, root: str) -> None:
    response = create(client, root, timezone="Mars/Olympus", allowed_origins=["ftp://x"], owner_email="nope")
    assert response.status_code == 422
    paths = {p["path"] for p in response.get_json()["error"]["details"]["problems"]}
    assert paths == {"timezone", "allowed_origins[0]", "owner_email"}


def test_creating_a_store_leaves_an_audit_entry(client: FlaskClient, root: str, rt: Runtime) -> None:
    store = create(client, root, owner_email="owner@fusteria.example").get_json()
    [entry] = audits(rt, "tenant.created")
    assert entry["tenant_id"] == store["id"]
    assert entry["details"] == {"slug": "fusteria-nova", "plan": "base", "owner_invited": True}
    assert entry["actor_label"].startswith("platform token ")
    assert "owner@" not in str(entry)


# --- reading and changing stores ----------------------------------------------------------------------


def test_it_lists_stores_page_by_page_with_their_usage(client: FlaskClient, root: str, cast: Cast, rt: Runtime) -> None:
    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_a.id).allowed_origins = [ORIGIN]
    from appliance.tenants.directory import forget

    forget(rt, cast.tenant_a)
    Visitor(client, cast.tenant_a.widget_key).open()
    first = client.get("/v1/admin/tenants?limit=1", headers=auth(root)).get_json()
    assert [t["slug"] for t in first["items"]] == ["tenant-a"]
    assert first["items"][0]["usage"] == {"conversations_30d": 1, "leads_30d": 0, "ai_spend_month_eur": 0.0}
    second = client.get(f"/v1/admin/tenants?limit=1&cursor={first['next_cursor']}", headers=auth(root)).get_json()
    assert [t["slug"] for t in second["items"]] == ["tenant-b"]
    assert second["next_cursor"] is None
    assert second["items"][0]["usage"]["conversations_30d"] == 0


def test_it_filters_stores_by_status_and_plan(client: FlaskClient, root: str, cast: Cast) -> None:
    client.patch(f"/v1/admin/tenants/{cast.tenant_b.id}", json={"status": "paused"}, headers=auth(root))
    paused = client.get("/v1/admin/tenants?status=paused", headers=auth(root)).get_json()["items"]
    assert [t["id"] for t in paused] == [cast.tenant_b.id]
    assert client.get("/v1/admin/tenants?plan=elite", headers=auth(root)).get_json()["items"] == []


def test_it_shows_one_store_and_404s_an_unknown_one(client: FlaskClient, root: str, cast: Cast) -> None:
    response = client.get(f"/v1/admin/tenants/{cast.tenant_a.id}", headers=auth(root))
    assert response.status_code == 200
    assert response.get_json()["slug"] == "tenant-a"
    assert "usage" in response.get_json()
    assert client.get("/v1/admin/tenants/t_nothing", headers=auth(root)).status_code == 404


def test_it_changes_a_store_and_audits_which_fields(client: FlaskClient, root: str, cast: Cast, rt: Runtime) -> None:
    changes = {
        "name": "Cuines Alícia SL",
        "plan": "elite",
        "ai_monthly_cap_eur": 40,
        "allowed_origins": ["https://*.alicia.es"],
        "limits": {"tenant_per_minute": 600},
    }
    response = client.patch(f"/v1/admin/tenants/{cast.tenant_a.id}", json=changes, headers=auth(root))
    assert response.status_code == 200
    assert {k: response.get_json()[k] for k in changes} == changes
    with rt.sessions() as db:
        tenant = db.get(Tenant, cast.tenant_a.id)
        assert (tenant.plan, tenant.limits) == ("elite", {"tenant_per_minute": 600})
    [entry] = audits(rt, "tenant.updated")
    assert entry["tenant_id"] == cast.tenant_a.id
    assert entry["details"] == {"fields": ["name", "plan", "ai_monthly_cap_eur", "allowed_origins", "limits"]}


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"plan": "gold"}, "plan"),
        ({"status": "deleted"}, "status"),
        ({"ai_monthly_cap_eur": False}, "ai_monthly_cap_eur"),
        ({"ai_monthly_cap_eur": -1}, "ai_monthly_cap_eur"),
        ({"allowed_origins": ["not an origin"]}, "allowed_origins[0]"),
        ({"limits": {"everything_per_second": 5}}, "limits.everything_per_second"),
        ({"limits": {"tenant_per_minute": 0}}, "limits.tenant_per_minute"),
        ({"widget_key": "wk_mine"}, "widget_key"),
    ],
)
def test_it_refuses_bad_changes(client: FlaskClient, root: str, cast: Cast, changes: dict, path: str) -> None:
    response = client.patch(f"/v1/admin/tenants/{cast.tenant_a.id}", json=changes, headers=auth(root))
    assert response.status_code == 422
    assert path in {p["path"] for p in response.get_json()["error"]["details"]["problems"]}


def test_pausing_a_store_closes_its_chat_at_once(client: FlaskClient, root: str, cast: Cast, rt: Runtime) -> None:
    client.patch(f"/v1/admin/tenants/{cast.tenant_a.id}", json={"allowed_origins": [ORIGIN]}, headers=auth(root))
    Visitor(client, cast.tenant_a.widget_key).open()  # the store is now in the directory's cache
    client.patch(f"/v1/admin/tenants/{cast.tenant_a.id}", json={"status": "paused"}, headers=auth(root))
    body = {"widget_key": cast.tenant_a.widget_key}
    response = client.post("/v1/widget/session", json=body, headers={"Origin": ORIGIN})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "store_unavailable"


# --- the widget key -----------------------------------------------------------------------------------


def test_a_rotated_key_stops_at_once_and_the_new_one_works(
    client: FlaskClient, root: str, cast: Cast, rt: Runtime
) -> None:
    client.patch(f"/v1/admin/tenants/{cast.tenant_a.id}", json={"allowed_origins": [ORIGIN]}, headers=auth(root))
    old_key = cast.tenant_a.widget_key
    Visitor(client, old_key).open()  # cached by the directory
    response = client.post(f"/v1/admin/tenants/{cast.tenant_a.id}/widget-key/rotate", headers=auth(root))
    assert response.status_code == 200
    new_key = response.get_json()["widget_key"]
    assert new_key != old_key
    refused = client.post("/v1/widget/session", json={"widget_key": old_key}, headers={"Origin": ORIGIN})
    assert refused.status_code == 404
    assert refused.get_json()["error"]["code"] == "unknown_widget_key"
    Visitor(client, new_key).open()
    [entry] = audits(rt, "widget_key.rotated")
    assert entry["tenant_id"] == cast.tenant_a.id
    assert old_key not in str(entry)
    assert new_key not in str(entry)


# --- impersonation ------------------------------------------------------------------------------------


def test_impersonation_acts_as_the_store_owner_of_that_store_only(
    client: FlaskClient, root: str, cast: Cast, rt: Runtime
) -> None:
    charlie = auth(cast.charlie_token)
    document = preset("base")
    document["name"] = "B's draft"
    theirs = client.post("/v1/flows", json=document, headers=charlie).get_json()["version"]
    response = client.post(f"/v1/admin/impersonate/{cast.tenant_a.id}", headers=auth(root))
    assert response.status_code == 200
    assert response.get_json()["expires_in"] == 900
    acting = auth(response.get_json()["token"])
    assert [f["version"] for f in client.get("/v1/flows", headers=acting).get_json()["items"]] == [1]
    assert client.get("/v1/config/branding", headers=acting).status_code == 200
    assert client.get(f"/v1/flows/{theirs}", headers=acting).status_code == 404
    # Not a platform credential: the admin API stays hidden from it.
    assert client.get("/v1/admin/tenants", headers=acting).status_code == 404
    [started] = audits(rt, "impersonation.started")
    assert started["tenant_id"] == cast.tenant_a.id
    requests = audits(rt, "impersonation.request")
    assert len(requests) == 3
    assert all(r["impersonated"] and r["target_id"] == started["target_id"] for r in requests)


def test_an_impersonation_ends_after_fifteen_minutes(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    claims = ImpersonationClaims(cast.tenant_a.id, None, "platform token", "im_test")
    token, lifetime = issue_impersonation_token(rt.settings.secret_key, claims, now=time.time() - 901)
    assert lifetime == 900
    response = client.get("/v1/flows", headers=auth(token))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_expired"


def test_impersonating_an_unknown_store_is_404(client: FlaskClient, root: str) -> None:
    assert client.post("/v1/admin/impersonate/t_nothing", headers=auth(root)).status_code == 404


# --- purge -------------------------------------------------------------------------------------------


def test_purging_a_store_deletes_it_and_says_what_went(client: FlaskClient, root: str, cast: Cast, rt: Runtime) -> None:
    client.patch(f"/v1/admin/tenants/{cast.tenant_b.id}", json={"allowed_origins": [ORIGIN]}, headers=auth(root))
    Visitor(client, cast.tenant_b.widget_key).open()
    response = client.delete(f"/v1/admin/tenants/{cast.tenant_b.id}/purge", headers=auth(root))
    assert response.status_code == 200
    purged = response.get_json()
    assert (purged["tenant_id"], purged["purged"]) == (cast.tenant_b.id, True)
    assert purged["counts"]["tenants"] == 1
    assert purged["counts"]["sessions"] == 1
    assert client.get(f"/v1/admin/tenants/{cast.tenant_b.id}", headers=auth(root)).status_code == 404
    refused = client.post(
        "/v1/widget/session", json={"widget_key": cast.tenant_b.widget_key}, headers={"Origin": ORIGIN}
    )
    assert refused.status_code == 404
    assert client.get(f"/v1/admin/tenants/{cast.tenant_a.id}", headers=auth(root)).status_code == 200
    [entry] = audits(rt, "tenant.purged")
    assert (entry["tenant_id"], entry["target_id"]) == (None, cast.tenant_b.id)
    assert entry["actor_label"].startswith("platform token ")
    assert client.delete("/v1/admin/tenants/t_nothing/purge", headers=auth(root)).status_code == 404


# --- who reaches the admin API ------------------------------------------------------------------------


def unknown_address(client: FlaskClient) -> dict:
    return client.get("/v1/no-such-thing").get_json()


def call(client: FlaskClient, route: tuple[str, str], tenant_id: str, headers: dict[str, str]):
    path = route[1].replace("<tenant_id>", tenant_id)
    # A body that validation would refuse: the refusal must still be a plain 404.
    return client.open(path, method=route[0], json={"unexpected": True}, headers=headers)


def test_store_staff_visitors_and_strangers_get_404_everywhere(app: Flask, client: FlaskClient, cast: Cast) -> None:
    claims = VisitorClaims("s_someone", cast.tenant_a.id, ORIGIN)
    visitor_token = issue_visitor_token(app.config["SECRET_KEY"], claims)
    callers = {
        "alice": auth(cast.alice_token),
        "nobody": {},
        "visitor": auth(visitor_token),
        "garbage": auth("eba_not-a-token"),
    }
    routes = admin_routes(app)
    assert len(routes) == 18  # 11, backups (2), platform health, a store's alert channel (GET, PUT), plans (GET, PUT)
    for name, headers in callers.items():
        for route in routes:
            response = call(client, route, cast.tenant_a.id, headers)
            assert response.status_code == 404, (name, route)
            assert response.get_json() == unknown_address(client), (name, route)
    # Even a method no admin route takes answers 404, not 405.
    assert client.put("/v1/admin/tenants", headers=auth(cast.alice_token)).status_code == 404


def test_internal_staff_read_but_may_not_write(
    app: Flask, client: FlaskClient, internal: str, cast: Cast, rt: Runtime
) -> None:
    for method, rule in admin_routes(app):
        path = rule.replace("<tenant_id>", cast.tenant_b.id)
        response = client.open(path, method=method, json={} if method != "GET" else None, headers=auth(internal))
        if method == "GET" and rule == "/v1/admin/backups" and PLATFORM:
            assert response.status_code == 409, response.get_json()  # backups are the appliance's
        elif method == "GET":
            assert response.status_code == 200, (method, rule, response.get_json())
        else:
            assert response.status_code == 403, (method, rule, response.get_json())
    with rt.sessions() as db:
        tenant = db.get(Tenant, cast.tenant_b.id)
        assert (tenant.status, tenant.widget_key) == ("active", cast.tenant_b.widget_key)


def test_platform_tokens_are_not_store_tokens(client: FlaskClient, root: str) -> None:
    response = client.get("/v1/flows", headers=auth(root))
    assert response.status_code == 401
    assert re.search("store", response.get_json()["error"]["message"])


def test_a_platform_token_from_the_command_line_reaches_the_admin_api(client: FlaskClient, cli: Any) -> None:
    result = cli("token", "create", "--role", "super_admin")
    assert result.exit_code == 0
    assert client.get("/v1/admin/overview", headers=auth(result.stdout.strip())).status_code == 200
    internal = cli("token", "create", "--role", "INTERNAL").stdout.strip()
    assert client.get("/v1/admin/tenants", headers=auth(internal)).status_code == 200
    assert create(client, internal).status_code == 403
