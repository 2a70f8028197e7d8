"""A store's webhook with one delivery, written as the services write them (for the tenant-wall walks)."""

from __future__ import annotations

from sqlalchemy import select

from appliance.events.dispatch import dispatch
from appliance.events.record import LEAD_UPDATED, emit
from appliance.infra.db import Webhook, WebhookDelivery, utcnow
from appliance.infra.runtime import Runtime


def add_webhook_with_delivery(rt: Runtime, tenant_id: str) -> tuple[str, str]:
    """Give the store a webhook (to an address nobody answers) and one delivery; return both ids."""
    now = utcnow()
    with rt.transaction() as db:
        hook = Webhook(tenant_id=tenant_id, url="https://hooks.invalid/x", events=[LEAD_UPDATED], secret="whsec_x")
        hook.created_at = hook.updated_at = now
        db.add(hook)
        db.flush()
        webhook_id = hook.id
        emit(db, tenant_id, LEAD_UPDATED, None, {"lead": {"id": "l_x"}})
    # Dispatching makes the delivery; its first attempt fails (the .invalid name never resolves).
    dispatch(rt)
    with rt.sessions() as db:
        delivery_id = db.scalars(select(WebhookDelivery.id).where(WebhookDelivery.webhook_id == webhook_id)).first()
    assert delivery_id is not None
    return webhook_id, delivery_id
