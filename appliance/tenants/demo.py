"""The demo store: a believable kitchen and wardrobe studio in València, with fresh credentials."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from appliance.configs.documents import save as save_config
from appliance.errors import NotFound
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.security.passwords import generate_password
from appliance.tenants import defaults
from appliance.tenants.registry import (
    TenantSpec,
    add_membership,
    create_api_token,
    create_tenant,
    ensure_published_flow,
    get_tenant_by_slug,
    revoke_tokens_named,
    upsert_user,
)

DEMO_SLUG = "demo"
DEMO_NAME = "Estudi Roure · Cuines i Armaris"
DEMO_ORIGINS = ["http://localhost:*", "http://127.0.0.1:*"]
OWNER_EMAIL = "marta@estudiroure.demo"
ADMIN_EMAIL = "admin@ebanista.demo"
TOKEN_NAME = "demo"  # noqa: S105 - a label

DEMO_BRANDING: dict[str, Any] = {
    # The short name reads naturally inside the bot's sentences; the tenant keeps the full one.
    "store_name": "Estudi Roure",
    "colors": {"primary": "#7c4a21", "text": "#ffffff"},
    "logo_url": None,
    "position": "right",
    "address": "Carrer de Sueca 42, 46006 València",
    "phone": "+34 960 000 000",
    "greeting": {
        "es": "¡Hola! Soy el asistente de Estudi Roure. ¿Buscas cocina, armario o un mueble a medida?",
        "ca": "Hola! Soc l'assistent d'Estudi Roure. Busques cuina, armari o un moble a mida?",
        "pt": "Olá! Sou o assistente da Estudi Roure. Procura cozinha, roupeiro ou um móvel por medida?",
        "en": "Hi! I'm Estudi Roure's assistant. Looking for a kitchen, a wardrobe or custom furniture?",
    },
}


def seed_demo(db: Session, public_url: str) -> dict[str, Any]:
    """Create or refresh the demo store and return its credentials and addresses."""
    tenant = _demo_tenant(db)
    tenant.name = DEMO_NAME
    tenant.allowed_origins = list(DEMO_ORIGINS)
    tenant.status = "active"
    tenant.branding = dict(DEMO_BRANDING)
    save_config(db, tenant.id, "branding", tenant.branding, skip_unchanged=True)
    save_config(db, tenant.id, "agenda", _demo_agenda(), skip_unchanged=True)
    ensure_published_flow(db, tenant)
    owner_password, admin_password = generate_password(), generate_password()
    owner = upsert_user(db, OWNER_EMAIL, owner_password, name="Marta Ferrer")
    add_membership(db, tenant, owner, "OWNER")
    admin = upsert_user(db, ADMIN_EMAIL, admin_password, name="Platform admin", platform_role="SUPER_ADMIN")
    revoke_tokens_named(db, tenant, TOKEN_NAME)
    revoke_tokens_named(db, None, TOKEN_NAME)
    _, api_token = create_api_token(db, tenant, "OWNER", name=TOKEN_NAME, user=owner)
    _, admin_token = create_api_token(db, None, "SUPER_ADMIN", name=TOKEN_NAME, user=admin)
    return {
        "tenant": tenant.slug,
        "widget_key": tenant.widget_key,
        "api_token": api_token,
        "owner_email": OWNER_EMAIL,
        "owner_password": owner_password,
        "admin_email": ADMIN_EMAIL,
        "admin_password": admin_password,
        "admin_token": admin_token,
        "urls": demo_urls(public_url),
    }


def seed_demo_store(rt: Runtime) -> dict[str, Any]:
    """Create or refresh the demo store in its own transaction (see seed_demo) and return its credentials."""
    with rt.transaction() as db:
        return seed_demo(db, rt.settings.public_url)


def _demo_tenant(db: Session) -> Tenant:
    try:
        return get_tenant_by_slug(db, DEMO_SLUG)
    except NotFound:
        spec = TenantSpec(name=DEMO_NAME, slug=DEMO_SLUG, plan="pro", allowed_origins=list(DEMO_ORIGINS))
        return create_tenant(db, spec)


def _demo_agenda() -> dict[str, Any]:
    agenda = defaults.agenda("Europe/Madrid")
    # Two designers receive showroom visits at the same time; one fitter measures at home.
    agenda["services"][0]["capacity"] = 2
    agenda["services"][1]["service_area"] = {"prefixes": ["46"], "postal_codes": []}  # València province
    agenda["holidays"] = ["2026-12-08", "2026-12-25", "2027-01-01", "2027-01-06"]
    return agenda


def demo_urls(public_url: str) -> dict[str, str]:
    """Return the addresses a person trying the demo wants."""
    return {
        "demo": f"{public_url}/demo",
        "panel": f"{public_url}/panel",
        "admin": f"{public_url}/admin",
        "api": f"{public_url}/v1",
        "docs": f"{public_url}/v1/docs",
        "health": f"{public_url}/v1/health",
    }


def demo_widget_key(rt: Runtime) -> str | None:
    """Return the widget key of the demo store, or None when it was never made (``ebanista demo``)."""
    with rt.transaction() as db:
        try:
            return get_tenant_by_slug(db, DEMO_SLUG).widget_key
        except NotFound:
            return None
