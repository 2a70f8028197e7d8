"""Helpers and fixtures for panel tests: sign in with the test client or in Chromium, read CSRF tokens.

Loaded as a pytest plugin from conftest.py, so its fixtures are available to every test:
``panel_login`` (a callable returning a signed-in FlaskClient, in English unless told otherwise)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

PASSWORD = "correct horse battery"  # the cast's password (conftest.PASSWORD)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/panel/login") -> str:
    """Return a CSRF token valid for ``client``'s session (read from a page's form)."""
    html = client.get(path).get_data(as_text=True)
    found = _CSRF.search(html) or _CSRF_HEADER.search(html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def post_form(client: FlaskClient, path: str, data: dict[str, Any] | None = None, *, page: str | None = None) -> Any:
    """POST ``data`` to ``path`` with a valid CSRF token (taken from ``page``, default the panel's start page)."""
    token = csrf_token(client, page or "/panel/account")
    return client.post(path, data={**(data or {}), "csrf_token": token})


def sign_in(
    client: FlaskClient, email: str, password: str = PASSWORD, *, area: str = "panel", language: str | None = "en"
) -> Any:
    """Sign ``client`` in through the /<area>/login form; return the response to the POST.

    The panel is switched to ``language`` first (English by default, so tests can read its messages;
    None keeps the person's own language)."""
    token = csrf_token(client, f"/{area}/login")
    if language:
        client.post("/ui/language", data={"language": language, "csrf_token": token})
    return client.post(f"/{area}/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def panel_login(app: Flask) -> Callable[..., FlaskClient]:
    """Return ``login(email, password=PASSWORD)``: a new test client signed in to /panel."""

    def login(email: str, password: str = PASSWORD, language: str | None = "en") -> FlaskClient:
        client = app.test_client()
        response = sign_in(client, email, password, language=language)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return login


def browser_sign_in(page: Any, base_url: str, email: str, password: str, *, area: str = "panel") -> None:
    """Sign in through the login form in Chromium and wait for the first page after it."""
    page.goto(f"{base_url}/{area}/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    page.click('main form button[type="submit"]')
    page.wait_for_url(lambda url: "/login" not in url)
