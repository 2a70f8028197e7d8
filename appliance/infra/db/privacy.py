"""Consent records and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from appliance.infra.db.base import ID_LENGTH, Base, IdMixin, TenantScoped, utcnow


class Consent(IdMixin, TenantScoped, Base):
    """One answer to one consent question, append-only, as GDPR art. 7(1) asks us to prove."""

    __tablename__ = "consents"
    id_prefix = "cn"

    session_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("sessions.id", ondelete="SET NULL"))
    lead_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("leads.id", ondelete="SET NULL"))
    purpose: Mapped[str] = mapped_column(String(32))
    granted: Mapped[bool] = mapped_column(Boolean)
    text_version: Mapped[str] = mapped_column(String(64))
    text_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]

    __table_args__ = (Index(None, "tenant_id", "session_id"), Index(None, "tenant_id", "lead_id"))


class Audit(IdMixin, Base):
    """Who changed what, when and from where. Platform actions have no tenant, and the trail of
    a purged tenant outlives it, so tenant_id is nullable here and set to NULL on purge."""

    __tablename__ = "audits"
    id_prefix = "au"

    tenant_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("tenants.id", ondelete="SET NULL"))
    actor_user_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"))
    actor_token_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("api_tokens.id", ondelete="SET NULL")
    )
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    impersonated: Mapped[bool] = mapped_column(Boolean, default=False)
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index(None, "tenant_id", "created_at"), Index(None, "created_at"))


class ErrorEvent(IdMixin, Base):
    """A request or task that failed on our side (5xx), kept for the operator's recent-errors view.
    Never holds request bodies: only where it happened and the error's code."""

    __tablename__ = "error_events"
    id_prefix = "er"

    tenant_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("tenants.id", ondelete="CASCADE"))
    request_id: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255))
    status: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index(None, "tenant_id", "created_at"), Index(None, "created_at"))
