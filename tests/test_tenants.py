"""Tenants go live with what they need; tokens are found only while they are live."""

from __future__ import annotations

from datetime import timedelta

import pytest

from appliance.configs.documents import save as save_config
from appliance.configs.newest import latest_config
from appliance.errors import Conflict, Invalid
from appliance.infra.db import ApiToken, Config, utcnow
from appliance.infra.runtime import Runtime
from appliance.tenants.registry import TenantSpec, create_tenant, find_api_token


def test_a_new_tenant_has_a_widget_key_and_default_agenda_scoring_and_retention(rt: Runtime) -> None:
    with rt.transaction() as session:
        tenant = create_tenant(session, TenantSpec(name="Mobles Ebre", timezone="Europe/Madrid"))
    with rt.sessions() as session:
        kinds = {c.kind for c in session.query(Config).filter_by(tenant_id=tenant.id)}
        agenda = latest_config(session, tenant.id, "agenda")
        scoring = latest_config(session, tenant.id, "scoring")
    assert tenant.slug == "mobles-ebre"
    assert tenant.widget_key.startswith("wk_")
    assert kinds == {"branding", "agenda", "scoring", "retention"}
    assert agenda["timezone"] == "Europe/Madrid"
    assert sum(scoring["weights"].values()) == 100


def test_creating_a_tenant_reports_every_problem_at_once(rt: Runtime) -> None:
    spec = TenantSpec(
        name=" ",
        plan="gold",
        default_language="fr",
        timezone="Nowhere/City",
        allowed_origins=["https://ok.es", "javascript:alert(1)"],
    )
    with pytest.raises(Invalid) as caught, rt.transaction() as session:
        create_tenant(session, spec)
    paths = {p["path"] for p in caught.value.details["problems"]}
    assert paths == {"name", "slug", "plan", "default_language", "timezone", "allowed_origins[1]"}


def test_two_tenants_cannot_share_a_slug(rt: Runtime, make_tenant) -> None:
    make_tenant("Cuines Nord", slug="nord")
    with pytest.raises(Conflict), rt.transaction() as session:
        create_tenant(session, TenantSpec(name="Other", slug="nord"))


@pytest.mark.parametrize(
    "origin", ["https://www.estudi.es", "https://*.estudi.es", "http://localhost:*", "http://127.0.0.1:8000"]
)
def test_it_accepts_exact_and_wildcard_origins(make_tenant, origin: str) -> None:
    assert make_tenant("Cuines", allowed_origins=[origin]).allowed_origins == [origin]


def test_saving_an_unchanged_config_adds_no_version(rt: Runtime, make_tenant) -> None:
    tenant = make_tenant()
    with rt.transaction() as session:
        payload = latest_config(session, tenant.id, "scoring")
        assert save_config(session, tenant.id, "scoring", payload, skip_unchanged=True)["version"] == 1
        changed = {"weights": {**payload["weights"], "budget": 35, "style": 15}}
        assert save_config(session, tenant.id, "scoring", changed, skip_unchanged=True)["version"] == 2


def test_revoked_and_expired_tokens_are_not_found(rt: Runtime, cast) -> None:
    with rt.transaction() as session:
        assert find_api_token(session, cast.alice_token) is not None
        assert find_api_token(session, "eba_not-a-token") is None
        alice, bob = (find_api_token(session, t) for t in (cast.alice_token, cast.bob_token))
        alice.revoked_at = utcnow()
        bob.expires_at = utcnow() - timedelta(seconds=1)
    with rt.sessions() as session:
        assert find_api_token(session, cast.alice_token) is None
        assert find_api_token(session, cast.bob_token) is None
        assert session.query(ApiToken).count() == 3


def test_allowed_origins_typed_in_a_box_are_read_alike_in_both_panels() -> None:
    from appliance.tenants.validation import parse_origins

    typed = "https://www.store.es/\nhttps://*.store.es, http://localhost:*  https://www.store.es\n\n"
    assert parse_origins(typed) == ["https://www.store.es", "https://*.store.es", "http://localhost:*"]
