"""A store's WhatsApp channel: its number, its secrets (encrypted, never shown), templates and prices.

Secrets are rotated by saving new ones; a save that leaves a secret out keeps the one stored, so
the panel's form need not show (or ask again for) what it must never display.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from appliance.billing.limits import check_number_free
from appliance.errors import Invalid, NotFound, problems_from_validation
from appliance.infra import audit
from appliance.infra.db import Tenant, WhatsAppChannel
from appliance.infra.runtime import Runtime
from appliance.infra.store_scope import store_scope

CATEGORIES = ("service", "utility", "marketing", "authentication")
TEMPLATE_USES = ("reminder_24h", "reminder_2h", "follow_up")
DEFAULT_TEMPLATES = {
    "reminder_24h": {"name": "appointment_reminder_24h", "language": "es"},
    "reminder_2h": {"name": "appointment_reminder_2h", "language": "es"},
    "follow_up": {"name": "lead_follow_up", "language": "es"},
}


class Template(BaseModel):
    """An approved message template: its name in Meta's manager and its language code."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    language: str = Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")


class ChannelSpec(BaseModel):
    """What a store saves; secrets may be left out to keep the stored ones."""

    model_config = ConfigDict(extra="forbid")

    phone_number_id: str = Field(pattern=r"^[0-9]{5,32}$")
    access_token: str | None = Field(default=None, min_length=10, max_length=1024)
    app_secret: str | None = Field(default=None, min_length=8, max_length=256)
    verify_token: str | None = Field(default=None, min_length=8, max_length=256)
    templates: dict[str, Template] | None = None
    prices_eur: dict[str, Decimal] | None = None


@dataclass(frozen=True)
class Credentials:
    """What sending and checking signatures need, decrypted for the moment they are used."""

    tenant_id: str
    phone_number_id: str
    access_token: str
    app_secret: str
    options: dict[str, Any]

    def template(self, use: str) -> dict[str, str]:
        """Return the name and language of the template for ``use`` (reminder_24h, reminder_2h, follow_up)."""
        return {**DEFAULT_TEMPLATES[use], **self.options.get("templates", {}).get(use, {})}

    def price(self, category: str) -> Decimal:
        """Return the price the store set for one message of ``category`` (0 when unset)."""
        return Decimal(str(self.options.get("prices_eur", {}).get(category, 0)))


def parse_spec(payload: Any) -> ChannelSpec:
    """Return the validated settings, or raise Invalid listing every problem."""
    try:
        spec = ChannelSpec.model_validate(payload)
    except ValidationError as exc:
        raise Invalid(problems_from_validation(exc)) from None
    problems = [
        {"path": f"templates.{k}", "message": "unknown use"} for k in spec.templates or {} if k not in TEMPLATE_USES
    ]
    problems += [
        {"path": f"prices_eur.{k}", "message": f"must be one of {', '.join(CATEGORIES)} and not negative"}
        for k, v in (spec.prices_eur or {}).items()
        if k not in CATEGORIES or v < 0
    ]
    if problems:
        raise Invalid(problems)
    return spec


def save_channel(rt: Runtime, tenant_id: str, payload: Any) -> dict[str, Any]:
    """Save (or rotate) the store's WhatsApp settings and return them as staff see them."""
    spec = parse_spec(payload)
    taken = _number_user(rt, spec.phone_number_id)
    if taken is not None and taken != tenant_id:
        raise Invalid([{"path": "phone_number_id", "message": "another store uses this number"}])
    with rt.transaction() as db:
        row = db.scalar(select(WhatsAppChannel).where(WhatsAppChannel.tenant_id == tenant_id).with_for_update())
        if row is None:
            tenant = db.get(Tenant, tenant_id)
            if tenant is not None:
                check_number_free(db, tenant)
            row = _new_row(tenant_id, spec)
            db.add(row)
        _apply(rt, row, spec)
        db.flush()
        rotated = [name for name in ("access_token", "app_secret", "verify_token") if getattr(spec, name)]
        audit.record(
            db,
            "whatsapp.saved",
            tenant_id=tenant_id,
            target_type="whatsapp_channel",
            target_id=row.id,
            details={"rotated": rotated},
        )
        return public_view(row)


def _number_user(rt: Runtime, phone_number_id: str) -> str | None:
    # Which store uses the number is a question about every store: asked outside the caller's store,
    # which row-level security would hold it to (the unique index still has the last word).
    with store_scope(None), rt.transaction() as db:
        return db.scalar(select(WhatsAppChannel.tenant_id).where(WhatsAppChannel.phone_number_id == phone_number_id))


def _new_row(tenant_id: str, spec: ChannelSpec) -> WhatsAppChannel:
    missing = [name for name in ("access_token", "app_secret", "verify_token") if not getattr(spec, name)]
    if missing:
        raise Invalid([{"path": name, "message": "required the first time"} for name in missing])
    return WhatsAppChannel(tenant_id=tenant_id, phone_number_id=spec.phone_number_id, options={})


def _apply(rt: Runtime, row: WhatsAppChannel, spec: ChannelSpec) -> None:
    row.phone_number_id = spec.phone_number_id
    if spec.access_token:
        row.access_token = spec.access_token
    if spec.app_secret:
        row.app_secret = spec.app_secret
    if spec.verify_token:
        row.verify_token_hash = rt.keyring.lookup_hash(spec.verify_token)
    options = dict(row.options or {})
    if spec.templates is not None:
        options["templates"] = {k: v.model_dump() for k, v in spec.templates.items()}
    if spec.prices_eur is not None:
        options["prices_eur"] = {k: str(v) for k, v in spec.prices_eur.items()}
    row.options = options


def public_view(row: WhatsAppChannel) -> dict[str, Any]:
    """Return the settings without any secret: only whether each one is set."""
    options = row.options or {}
    return {
        "phone_number_id": row.phone_number_id,
        "access_token_set": bool(row.access_token),
        "app_secret_set": bool(row.app_secret),
        "verify_token_set": bool(row.verify_token_hash),
        "templates": {
            use: {**DEFAULT_TEMPLATES[use], **options.get("templates", {}).get(use, {})} for use in TEMPLATE_USES
        },
        "prices_eur": {c: float(Decimal(str(options.get("prices_eur", {}).get(c, 0)))) for c in CATEGORIES},
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
    }


def channel_view(rt: Runtime, tenant_id: str) -> dict[str, Any]:
    """Return the store's WhatsApp settings as staff see them, or 404 when not set up."""
    with rt.transaction() as db:
        row = db.scalar(select(WhatsAppChannel).where(WhatsAppChannel.tenant_id == tenant_id))
        if row is None:
            raise NotFound("WhatsApp is not set up for this store.", code="whatsapp_not_set_up")
        return public_view(row)


def credentials_by_number(rt: Runtime, phone_number_id: str) -> Credentials | None:
    """Return the credentials of the store that owns ``phone_number_id``, or None."""
    with rt.transaction() as db:
        row = db.scalar(select(WhatsAppChannel).where(WhatsAppChannel.phone_number_id == phone_number_id))
        return _credentials(row) if row is not None else None


def credentials_of(rt: Runtime, tenant_id: str) -> Credentials | None:
    """Return the store's credentials, or None when it has no WhatsApp channel."""
    with rt.transaction() as db:
        row = db.scalar(select(WhatsAppChannel).where(WhatsAppChannel.tenant_id == tenant_id))
        return _credentials(row) if row is not None else None


def _credentials(row: WhatsAppChannel) -> Credentials:
    return Credentials(row.tenant_id, row.phone_number_id, row.access_token, row.app_secret, dict(row.options or {}))


def verify_token_known(rt: Runtime, token: str | None) -> bool:
    """Tell whether ``token`` is some store's verify token (Meta's subscription handshake)."""
    if not token:
        return False
    wanted = rt.keyring.lookup_hash(token)
    with rt.transaction() as db:
        found = db.scalar(select(WhatsAppChannel.verify_token_hash).where(WhatsAppChannel.verify_token_hash == wanted))
    # The lookup found it by an index; the comparison that decides is constant-time all the same.
    return found is not None and hmac.compare_digest(found, wanted)
