"""The newest version of a store's configuration of one kind: the query every reader of it shares.

It imports no service, so the tenant directory, analytics and privacy read configurations without
the saving side (configs.service, which itself imports the tenant directory).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, select
from sqlalchemy.orm import Session

from appliance.infra.db import Config


def newest_first(tenant_id: str, kind: str) -> Select[tuple[Config]]:
    """Return the query of a tenant's ``kind`` config versions, newest first."""
    return select(Config).where(Config.tenant_id == tenant_id, Config.kind == kind).order_by(Config.version.desc())


def newest_config(db: Session, tenant_id: str, kind: str) -> Config | None:
    """Return the newest version of a tenant's ``kind`` config, if any."""
    return db.scalars(newest_first(tenant_id, kind).limit(1)).first()


def latest_config(db: Session | Connection, tenant_id: str, kind: str) -> dict[str, Any] | None:
    """Return the payload of the newest version of a tenant's ``kind`` config, if any."""
    # Only the payload is selected, so a bare Connection (the chat turn, the purge) reads it too.
    return db.scalar(newest_first(tenant_id, kind).with_only_columns(Config.payload).limit(1))
