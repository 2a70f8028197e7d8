"""The scheduled job that pauses stores whose grace period after a failed or cancelled payment ended.

Pausing keeps every datum: the widget and WhatsApp stop answering, staff still sign in and export.
The job is idempotent (a conditional update of stores not yet paused), so it may run twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import select

from appliance.billing.state import forget_notice
from appliance.infra import audit
from appliance.infra.audit import Actor
from appliance.infra.db import Tenant, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.tenants.directory import forget

log = structlog.get_logger(__name__)
BILLING = Actor(label="billing")


@task
def pause_unpaid_stores(rt: Runtime, now: datetime | None = None) -> int:
    """Pause every store still unpaid (past_due or canceled) after the grace period; return how many."""
    if not rt.settings.is_platform:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=rt.settings.billing_grace_days)
    with rt.transaction() as db:
        due = db.scalars(
            select(Tenant).where(
                Tenant.billing_status.in_(("past_due", "canceled")),
                Tenant.past_due_since <= cutoff,
                Tenant.status == "active",
            )
        ).all()
        for tenant in due:
            tenant.status = "paused"
            details = {"billing_status": tenant.billing_status}
            audit.record(
                db,
                "billing.paused",
                tenant_id=tenant.id,
                target_type="tenant",
                target_id=tenant.id,
                details=details,
                actor=BILLING,
            )
    for tenant in due:
        forget(rt, tenant)
        forget_notice(rt, tenant.id)
    if due:
        log.info("unpaid_stores_paused", count=len(due))
    return len(due)
