"""Security headers on every response, CSP for the panels, frame protections, HSTS and session cookies."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, Response, session
from flask.testing import FlaskClient

from appliance.web.headers import HSTS, NO_FRAMING_CSP, PANEL_CSP
from webui.public import DEMO_CSP

PANEL_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


@pytest.mark.parametrize("path", ["/v1/health", "/v1/no-such-thing", "/", "/widget.js", "/demo", "/assets/demo.css"])
def test_every_response_forbids_sniffing_and_limits_the_referrer(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/v1/health", "/v1/no-such-thing", "/", "/v1/docs"])
def test_pages_and_api_answers_may_not_be_framed(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Security-Policy"] == NO_FRAMING_CSP == "frame-ancestors 'none'"


@pytest.mark.parametrize("path", ["/widget.js", "/assets/demo.css"])
def test_what_stores_embed_carries_no_frame_protections(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "Content-Security-Policy" not in response.headers


def test_the_demo_page_keeps_its_own_strict_policy(client: FlaskClient) -> None:
    response = client.get("/demo")
    assert response.headers.getlist("Content-Security-Policy") == [DEMO_CSP]


def directives(policy: str) -> dict[str, str]:
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in (p.strip() for p in policy.split(";")) if d}


@pytest.mark.parametrize("path", ["/panel", "/panel/no-such-page", "/admin", "/admin/no-such-page"])
def test_the_panels_get_a_strict_policy(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    [policy] = response.headers.getlist("Content-Security-Policy")
    # A panel view may set a stricter policy of its own ('none' where we say 'self'), never a looser one.
    found = directives(policy)
    for name, value in directives(PANEL_POLICY).items():
        assert found.get(name) in {value, "'none'"}, (name, policy)
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_panel_policy_is_the_promised_one() -> None:
    assert PANEL_CSP == PANEL_POLICY


def test_a_policy_a_view_sets_is_left_alone(fresh_app: Callable[..., Flask]) -> None:
    probe = fresh_app()
    probe.add_url_rule("/panel/probe", "probe", lambda: Response("ok", headers={"Content-Security-Policy": "sandbox"}))
    response = probe.test_client().get("/panel/probe")
    assert response.headers.getlist("Content-Security-Policy") == ["sandbox"]


def test_plain_http_gets_no_hsts(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/v1/health").headers


def test_https_requests_get_hsts(client: FlaskClient) -> None:
    response = client.get("/v1/health", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == HSTS == "max-age=31536000; includeSubDomains"


def test_an_https_public_url_always_sends_hsts(fresh_app: Callable[..., Flask]) -> None:
    client = fresh_app(public_url="https://chat.example.es").test_client()
    assert client.get("/v1/health").headers["Strict-Transport-Security"] == HSTS


def test_https_at_a_trusted_proxy_counts_as_https(fresh_app: Callable[..., Flask]) -> None:
    behind = fresh_app(trusted_proxies=1).test_client()
    response = behind.get("/v1/health", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == HSTS


def test_a_forged_forwarded_scheme_is_ignored_without_trusted_proxies(client: FlaskClient) -> None:
    response = client.get("/v1/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def _cookie_of(app: Flask) -> str:
    def login() -> str:
        session["user"] = "u_1"
        return "ok"

    app.add_url_rule("/panel/cookie-probe", "cookie_probe", login)
    return app.test_client().get("/panel/cookie-probe").headers["Set-Cookie"]


def test_session_cookies_are_http_only_and_same_site(fresh_app: Callable[..., Flask]) -> None:
    cookie = _cookie_of(fresh_app())
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # a plain-http appliance on a laptop must still be able to sign in


def test_session_cookies_are_secure_on_an_https_site(fresh_app: Callable[..., Flask]) -> None:
    cookie = _cookie_of(fresh_app(public_url="https://chat.example.es"))
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
