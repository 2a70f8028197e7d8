"""Versions of a tenant's conversation flow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from appliance.core.kinds import FLOW_STATES
from appliance.infra.db.base import ID_LENGTH, Base, IdMixin, TenantScoped, utcnow


class Flow(IdMixin, TenantScoped, Base):
    """One immutable version of a flow document; at most one version per tenant is published."""

    __tablename__ = "flows"
    id_prefix = "fl"

    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16), default="draft")
    document: Mapped[dict[str, Any]]
    created_by: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    published_by: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        UniqueConstraint("tenant_id", "version"),
        Index(None, "tenant_id", "state"),
        CheckConstraint(f"state IN {FLOW_STATES}", name="state"),
    )
