"""The panels' guards: CSRF on every form, permissions, impersonation, idle sessions, security headers."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from appliance.accounts.people import password_mark
from appliance.infra.db import Audit, User
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.panel import csrf_token, post_form, sign_in
from webui.ui.area import setup_area
from webui.ui.auth import require

Login = Callable[..., FlaskClient]
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PANEL_AREAS = ("/panel", "/ui", "/admin")


def panel_forms(app: Flask) -> list[tuple[str, str]]:
    """Return every (method, path) of the panels that changes something, with dummy path arguments."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PANEL_AREAS):
            path = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", "1", rule.rule))
            found |= {(method, path) for method in rule.methods & UNSAFE}
    return sorted(found)


def test_there_are_forms_to_walk(app: Flask) -> None:
    assert ("POST", "/panel/login") in panel_forms(app)
    assert ("POST", "/panel/leads/x") in panel_forms(app)


def test_every_form_refuses_a_request_without_its_csrf_token(app: Flask, panel_login: Login, cast: Cast) -> None:
    signed_in, stranger = panel_login("alice@example.com"), app.test_client()
    stranger.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for method, path in panel_forms(app):
        for client in (stranger, signed_in):
            response = client.open(path, method=method, data={"status": "lost", "email": "alice@example.com"})
            assert response.status_code == 400, f"{method} {path} answered {response.status_code}"
            assert "The form has expired" in response.get_data(as_text=True)


def test_a_wrong_csrf_token_is_refused_too(panel_login: Login, cast: Cast) -> None:
    client = panel_login("alice@example.com")
    assert client.post("/panel/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/panel").status_code == 200  # still signed in


def test_htmx_and_fetch_send_the_token_in_a_header(panel_login: Login, cast: Cast) -> None:
    client = panel_login("alice@example.com")
    token = csrf_token(client, "/panel")
    assert client.post("/panel/logout", headers={"X-CSRFToken": token}).status_code == 302


def test_the_api_is_not_csrf_checked(client: FlaskClient, cast: Cast) -> None:
    response = client.get("/v1/leads", headers={"Authorization": f"Bearer {cast.alice_token}"})
    assert response.status_code == 200


def test_require_refuses_a_role_without_the_permission(fresh_app: Callable[..., Flask], cast: Cast) -> None:
    app = fresh_app()
    probe = Blueprint("probe", __name__, url_prefix="/panel/probe")
    setup_area(probe, name="panel", nav=None, home="panel.today", login="panel.login")

    @probe.get("/settings")
    @require("config.write")
    def settings() -> str:
        return "settings page"

    app.register_blueprint(probe)
    owner, agent = app.test_client(), app.test_client()
    sign_in(owner, "alice@example.com")
    sign_in(agent, "bob@example.com")
    assert owner.get("/panel/probe/settings").get_data(as_text=True) == "settings page"
    refused = agent.get("/panel/probe/settings")
    assert refused.status_code == 403
    assert "Not allowed" in refused.get_data(as_text=True)
    assert app.test_client().get("/panel/probe/settings").headers["Location"].startswith("/panel/login")


def test_an_agent_is_refused_every_settings_page_and_does_not_see_its_link(
    app: Flask, panel_login: Login, cast: Cast
) -> None:
    owner, agent = panel_login("alice@example.com"), panel_login("bob@example.com")
    owner_nav = _nav_links(owner.get("/panel").get_data(as_text=True))
    agent_nav = _nav_links(agent.get("/panel").get_data(as_text=True))
    assert set(agent_nav) <= set(owner_nav)
    for link in set(owner_nav) - set(agent_nav):
        assert agent.get(link, follow_redirects=True).status_code == 403, link
    for link in agent_nav:
        assert agent.get(link, follow_redirects=True).status_code == 200, link


def _nav_links(html: str) -> list[str]:
    nav = html.split("<nav", 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


def test_every_nav_link_starts_with_panel_and_opens(panel_login: Login, cast: Cast) -> None:
    client = panel_login("alice@example.com")
    html = client.get("/panel").get_data(as_text=True)
    assert html.count("<nav") == 1
    links = _nav_links(html)
    assert {"/panel", "/panel/leads", "/panel/calendar", "/panel/account"} <= set(links)
    for link in links:
        assert link.startswith("/panel")
        assert client.get(link, follow_redirects=True).status_code == 200, link


def _impersonate(client: FlaskClient, operator: User, tenant_id: str, ends_in: float) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"
        session["panel"] = {
            "uid": operator.id,
            "pw": password_mark(operator.password_hash),
            "seen": int(time.time()),
            "imp": {
                "tid": tenant_id,
                "uid": operator.id,
                "label": "operator ops",
                "jti": "imp_test",
                "exp": time.time() + ends_in,
            },
        }


def test_an_impersonating_operator_acts_as_owner_with_a_banner_and_every_request_is_audited(
    client: FlaskClient, cast: Cast, make_user: Callable[..., User], rt: Runtime
) -> None:
    operator = make_user("ops@example.com", None, "SUPER_ADMIN")
    _impersonate(client, operator, cast.tenant_a.id, 600)
    html = client.get("/panel/leads").get_data(as_text=True)
    assert f"You are acting as {cast.tenant_a.name}" in html
    client.get("/panel")
    with rt.sessions() as db:
        entries = db.scalars(
            select(Audit).where(Audit.action == "impersonation.request").order_by(Audit.created_at)
        ).all()
        assert [(e.tenant_id, e.impersonated, e.actor_user_id, e.details["path"]) for e in entries] == [
            (cast.tenant_a.id, True, operator.id, "/panel/leads"),
            (cast.tenant_a.id, True, operator.id, "/panel"),
        ]


def test_an_impersonation_ends_by_itself_and_on_request(
    client: FlaskClient, cast: Cast, make_user: Callable[..., User], rt: Runtime
) -> None:
    operator = make_user("ops@example.com", None, "SUPER_ADMIN")
    _impersonate(client, operator, cast.tenant_a.id, -1)
    assert client.get("/panel/leads").status_code == 302
    _impersonate(client, operator, cast.tenant_a.id, 600)
    ended = post_form(client, "/panel/impersonation/end", page="/panel")
    assert ended.headers["Location"] == "/admin"
    assert client.get("/panel/leads").status_code == 302
    with rt.sessions() as db:
        assert db.scalar(select(func.count()).where(Audit.action == "impersonation.ended")) == 1


def test_an_idle_session_ends_after_twelve_hours(panel_login: Login, cast: Cast) -> None:
    client = panel_login("alice@example.com")
    with client.session_transaction() as session:
        session["panel"] = {**session["panel"], "seen": int(time.time()) - 12 * 3600 - 60}
    assert client.get("/panel").headers["Location"].startswith("/panel/login")


def test_a_removed_member_loses_access_at_once(panel_login: Login, cast: Cast, rt: Runtime) -> None:
    from appliance.infra.db import Membership

    client = panel_login("bob@example.com")
    with rt.transaction() as db:
        db.execute(Membership.__table__.delete().where(Membership.user_id == cast.bob.id))
    assert client.get("/panel/leads").status_code == 302


def test_panel_pages_carry_strict_security_headers(panel_login: Login, cast: Cast) -> None:
    response = panel_login("alice@example.com").get("/panel")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_language_choice_is_remembered_on_the_account(panel_login: Login, cast: Cast, rt: Runtime) -> None:
    client = panel_login("bob@example.com")
    post_form(client, "/ui/language", {"language": "pt", "next": "/panel/leads"})
    with rt.sessions() as db:
        assert db.get(User, cast.bob.id).language == "pt"
    fresh = client.application.test_client()
    sign_in(fresh, "bob@example.com", language=None)
    assert '<html lang="pt"' in fresh.get("/panel").get_data(as_text=True)


def test_a_language_the_panel_does_not_speak_is_ignored(panel_login: Login, cast: Cast, rt: Runtime) -> None:
    client = panel_login("bob@example.com")
    post_form(client, "/ui/language", {"language": "xx"})
    with rt.sessions() as db:
        assert db.get(User, cast.bob.id).language == "es"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_the_language_switch_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    token = csrf_token(client)
    response = client.post("/ui/language", data={"language": "ca", "next": target, "csrf_token": token})
    assert response.headers["Location"] == "/panel"


def test_unknown_panel_addresses_get_the_panels_404_page(client: FlaskClient) -> None:
    response = client.get("/panel/no/such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
