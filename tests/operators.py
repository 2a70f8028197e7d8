"""The platform operator in tests: platform api tokens and what their calls leave in the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from appliance.infra.db import Audit
from appliance.infra.runtime import Runtime
from appliance.tenants.registry import create_api_token, upsert_user

ROOT_EMAIL = "root@ebanista.test"


def platform_token(rt: Runtime, role: str = "SUPER_ADMIN", email: str = ROOT_EMAIL) -> str:
    """Return a new platform api token of ``role`` belonging to a platform user."""
    with rt.transaction() as db:
        user = upsert_user(db, email, "correct horse battery", platform_role=role)
        return create_api_token(db, None, role, name="tests", user=user)[1]


def auth(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def audits(rt: Runtime, action: str) -> list[dict[str, Any]]:
    """Return the audit entries of ``action``, oldest first, as plain dicts."""
    with rt.sessions() as db:
        rows = db.scalars(select(Audit).where(Audit.action == action).order_by(Audit.id))
        return [
            {
                "tenant_id": r.tenant_id,
                "target_id": r.target_id,
                "details": r.details,
                "actor_token_id": r.actor_token_id,
                "actor_label": r.actor_label,
                "impersonated": r.impersonated,
            }
            for r in rows
        ]
