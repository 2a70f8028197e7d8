"""Stripe's webhook: verify the signature, handle each event exactly once, move the store's billing state.

The signature is checked by the ``stripe`` package (HMAC-SHA256 over ``"{t}.{body}"``, a constant-time
compare, and a timestamp tolerance against replays of old deliveries). The event id is the primary key
of ``stripe_events``, written in the same transaction as the change it causes: a replay, or two
deliveries racing, finds the row and changes nothing.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from appliance.billing.state import forget_notice, price_plans
from appliance.core.plans import BillingChange, billing_change
from appliance.errors import BadRequest, Conflict
from appliance.infra import audit
from appliance.infra.audit import Actor
from appliance.infra.db import StripeEvent, Tenant, utcnow
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import forget

log = structlog.get_logger(__name__)
TOLERANCE_SECONDS = 300
STRIPE = Actor(label="stripe")


def receive(rt: Runtime, payload: bytes, signature: str | None) -> dict[str, Any]:
    """Verify and handle one webhook delivery; return what happened (``handled``, ``duplicate``, ``ignored``)."""
    secret = rt.settings.stripe_webhook_secret
    if not rt.settings.is_platform or not secret:
        raise Conflict("Billing webhooks are off on this server.", code="billing_disabled")
    event = verified_event(payload, signature, secret)
    try:
        with rt.transaction() as db:
            outcome = _handle(rt, db, event)
    except IntegrityError:
        outcome = {"tenant": None, "result": "duplicate"}  # another delivery of this event won the race
    log.info("stripe_event", event_id=event["id"], type=event["type"], result=outcome["result"])
    if outcome["tenant"] is not None:
        forget(rt, outcome["tenant"])
        forget_notice(rt, outcome["tenant"].id)
    return {"received": True, "result": outcome["result"]}


def verified_event(payload: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """Return the event if ``signature`` (the Stripe-Signature header) is valid and recent; else raise 400."""
    import stripe  # see appliance.billing.checkout

    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError:
        raise BadRequest("The Stripe signature is missing, wrong or too old.", code="bad_signature") from None
    # The package refuses only old timestamps; one far ahead (a clock set forward to mint a
    # signature that stays "fresh") is refused too.
    if _signed_at(signature or "") > time.time() + TOLERANCE_SECONDS:
        raise BadRequest("The Stripe signature is dated in the future.", code="bad_signature")
    try:
        event = json.loads(payload)
    except ValueError:
        raise BadRequest("The body is not valid JSON.", code="invalid_json") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise BadRequest("This is not a Stripe event.", code="invalid_event")
    return event


def _signed_at(signature: str) -> int:
    stamps = [part[2:] for part in signature.split(",") if part.startswith("t=")]
    return int(stamps[0]) if stamps and stamps[0].isdigit() else 0


def _handle(rt: Runtime, db: Session, event: dict[str, Any]) -> dict[str, Any]:
    if db.get(StripeEvent, event["id"]) is not None:
        return {"tenant": None, "result": "duplicate"}
    row = StripeEvent(id=event["id"], type=event["type"][:64], created_at=_created(event))
    db.add(row)
    db.flush()  # a racing delivery of the same id fails here, before anything changes
    obj = (event.get("data") or {}).get("object") or {}
    change = billing_change(event["type"], obj, price_plans(rt.settings))
    tenant = _tenant_of(db, change, obj) if change else None
    if change is None or tenant is None:
        return {"tenant": None, "result": "ignored"}
    newest = db.scalar(select(func.max(StripeEvent.created_at)).where(StripeEvent.tenant_id == tenant.id))
    row.tenant_id = tenant.id
    if row.created_at is not None and newest is not None and row.created_at < newest:
        return {"tenant": None, "result": "stale"}  # a newer event already set the store's state
    apply_change(db, tenant, change, event["type"])
    return {"tenant": tenant, "result": "handled"}


def _created(event: dict[str, Any]) -> datetime | None:
    created = event.get("created")
    return datetime.fromtimestamp(created, UTC) if isinstance(created, int) and created > 0 else None


def _tenant_of(db: Session, change: BillingChange, obj: dict[str, Any]) -> Tenant | None:
    tenant = db.scalar(select(Tenant).where(Tenant.stripe_customer_id == change.customer_id))
    if tenant is not None:
        return tenant
    # A new subscription names its store in the metadata set at checkout; that links the customer.
    tenant_id = (obj.get("metadata") or {}).get("tenant_id")
    tenant = db.get(Tenant, tenant_id) if isinstance(tenant_id, str) else None
    if tenant is not None and tenant.stripe_customer_id is None:
        tenant.stripe_customer_id = change.customer_id
        return tenant
    return None


def apply_change(db: Session, tenant: Tenant, change: BillingChange, event_type: str) -> None:
    """Move the store to the change's state and plan; audit what changed."""
    before = {"billing_status": tenant.billing_status, "plan": tenant.plan}
    if change.subscription_id:
        tenant.stripe_subscription_id = change.subscription_id
    if change.plan:
        tenant.plan = change.plan
    if change.state:
        _move(tenant, change.state)
    after = {"billing_status": tenant.billing_status, "plan": tenant.plan}
    details = {"event": event_type, "before": before, "after": after}
    audit.record(
        db,
        "billing.changed",
        tenant_id=tenant.id,
        target_type="tenant",
        target_id=tenant.id,
        details=details,
        actor=STRIPE,
    )


def _move(tenant: Tenant, state: str) -> None:
    if state in {"past_due", "canceled"}:
        # The grace period runs from the first unpaid moment; a later event does not restart it.
        if tenant.past_due_since is None:
            tenant.past_due_since = utcnow()
    else:
        if tenant.status == "paused" and tenant.past_due_since is not None:
            tenant.status = "active"  # paused for not paying, and now paid: reopen (an operator's pause stays)
        tenant.past_due_since = None
    tenant.billing_status = state
