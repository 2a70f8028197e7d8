"""The panel's routes, like the API's, show nothing of another store and change nothing there.

Every /panel route that takes an id is walked here with tenant B's ids while alice (owner of
tenant A) is signed in; a new such route that is neither walked nor exempt fails the first test."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.infra.db import ApiToken, Appointment, Lead, Membership
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.panel import csrf_token
from tests.test_tenant_walls import Theirs, theirs  # noqa: F401 - the fixture that builds tenant B's data

# Routes whose argument is not another store's object: catch-alls answering 404, an invitation's
# signed token, and logos, which are public files the widget shows on any website.
EXEMPT = {
    ("GET", "/panel/<path:_rest>"),
    ("GET", "/panel/invite/<token>"),
    ("POST", "/panel/invite/<token>"),
    ("GET", "/panel/logos/<file_id>"),
}
# A version number that tenant A does not have stands for "another store's version".
THEIR_VERSION = 99


@pytest.fixture
def ids(theirs: Theirs, cast: Cast, rt: Runtime) -> dict[str, str]:  # noqa: F811 - the imported fixture
    with rt.sessions() as db:
        token_id = db.scalar(select(ApiToken.id).where(ApiToken.tenant_id == cast.tenant_b.id))
    return {
        "appointment_id": theirs.appointment_id,
        "lead_id": theirs.lead_id,
        "file_id": theirs.file_id,
        "user_id": cast.charlie.id,
        "token_id": token_id,
        "version": str(THEIR_VERSION),
        "webhook_id": theirs.webhook_id,
        "delivery_id": theirs.delivery_id,
    }


def panel_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/panel/") and "<" in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def concrete(rule: str, ids: dict[str, str]) -> str:
    path = rule.replace("<int:version>", ids["version"])
    for name, value in ids.items():
        path = path.replace(f"<{name}>", value)
    assert "<" not in path, f"no id for {rule}"
    return path


def test_the_exempt_routes_exist(app: Flask) -> None:
    # The walk below takes every other route with an id by itself, so a new one cannot escape it.
    assert panel_routes(app) >= EXEMPT


def test_another_stores_ids_are_404_in_the_panel_and_nothing_changes(
    app: Flask, panel_login: Callable[..., FlaskClient], ids: dict[str, str], cast: Cast, rt: Runtime
) -> None:
    alice = panel_login("alice@example.com")
    token = csrf_token(alice, "/panel/account")
    walked = sorted(panel_routes(app) - EXEMPT)
    assert len(walked) >= 14
    for method, rule in walked:
        path = concrete(rule, ids)
        data = {
            "csrf_token": token,
            "status": "lost",
            "role": "AGENT",
            "action": "cancel",
            "confirm": "erase",
            "start": "2030-01-07T10:00:00+01:00",
        }
        response = alice.open(path, method=method, data=data if method == "POST" else None)
        assert response.status_code == 404, f"{method} {path} answered {response.status_code}"
    with rt.sessions() as db:
        assert db.get(Lead, ids["lead_id"]).status == "new"
        assert db.get(Lead, ids["lead_id"]).erased_at is None
        assert db.get(Appointment, ids["appointment_id"]).status == "booked"
        assert db.get(ApiToken, ids["token_id"]).revoked_at is None
        role = db.scalar(
            select(Membership.role).where(
                Membership.user_id == cast.charlie.id, Membership.tenant_id == cast.tenant_b.id
            )
        )
    assert role == "OWNER"
