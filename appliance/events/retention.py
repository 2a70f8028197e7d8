"""Forgetting old events: after KEEP, an event goes with its deliveries and notifications.

Ninety days keep a quarter of delivery history to look at and replay, and of notifications under
the bell; the leads and appointments the events told of stay, of course.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from appliance.infra.db import DomainEvent, Notification, WebhookDelivery, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task

KEEP = timedelta(days=90)


@task
def forget_old_events(rt: Runtime) -> int:
    """Delete the events (and their deliveries and notifications) older than KEEP; return how many."""
    return forget_before(rt, utcnow() - KEEP)


def forget_before(rt: Runtime, cutoff: datetime) -> int:
    """Delete the dispatched events created before ``cutoff`` with what they made; return how many."""
    old = select(DomainEvent.id).where(DomainEvent.created_at < cutoff, DomainEvent.dispatched_at.is_not(None))
    with rt.transaction() as db:
        db.execute(delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(old)))
        db.execute(delete(Notification).where(Notification.event_id.in_(old)))
        return int(db.execute(delete(DomainEvent).where(DomainEvent.id.in_(old))).rowcount)
