"""Versioned configuration documents of a tenant (branding, texts, agenda, scoring...)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from appliance.core.kinds import CONFIG_KINDS
from appliance.infra.db.base import ID_LENGTH, Base, IdMixin, TenantScoped, utcnow


class Config(IdMixin, TenantScoped, Base):
    """One version of one kind of configuration; the highest version is the one in force."""

    __tablename__ = "configs"
    id_prefix = "cf"

    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]]
    created_by: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "version"),
        CheckConstraint(f"kind IN {CONFIG_KINDS}", name="kind"),
    )
