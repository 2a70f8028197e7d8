"""Analytics events and the AI spending ledger."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from appliance.infra.db.base import ID_LENGTH, Base, IdMixin, TenantScoped, utcnow


class AnalyticsEvent(IdMixin, TenantScoped, Base):
    """Something that happened in a conversation or to a lead, counted by the dashboards."""

    __tablename__ = "analytics_events"
    id_prefix = "ev"

    name: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("sessions.id", ondelete="SET NULL"))
    lead_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("leads.id", ondelete="SET NULL"))
    block_id: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index(None, "tenant_id", "name", "created_at"), Index(None, "tenant_id", "session_id"))


class AIUsage(IdMixin, TenantScoped, Base):
    """One call to an AI provider and what it cost, for the caps and the operator's spend view."""

    __tablename__ = "ai_usage"
    id_prefix = "ai"

    session_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("sessions.id", ondelete="SET NULL"))
    provider: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(32))
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    cost_eur: Mapped[Decimal] = mapped_column(Numeric(12, 6), default=Decimal(0))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index(None, "tenant_id", "created_at"), Index(None, "created_at"))
