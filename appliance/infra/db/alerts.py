"""Operator alerts: one de-duplication window per condition and scope, and a store's Teams channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from appliance.infra.db.base import Base, EncryptedText, IdMixin, TenantScoped, utcnow


class AlertWindow(Base):
    """When a condition (for a store, or the platform) was last reported, and what was held back since.

    Shared by every process through the database, so the five-minute quiet period holds across
    web nodes and workers alike; a conditional update claims the right to send.
    """

    __tablename__ = "alert_windows"

    condition: Mapped[str] = mapped_column(String(48), primary_key=True)
    # A store's id, or "platform" for conditions of the whole platform.
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_sent_at: Mapped[datetime | None] = mapped_column()
    # Repeats held back since the last alert, and how many the last alert reported.
    suppressed: Mapped[int] = mapped_column(Integer, default=0)
    reported: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoreAlertRoute(IdMixin, TenantScoped, Base):
    """Where a store's own alerts also go: its Microsoft Teams incoming webhook (set by the operator)."""

    __tablename__ = "store_alert_routes"
    id_prefix = "ar"

    # The URL carries its own secret, so it is encrypted at rest like other credentials.
    teams_url: Mapped[str | None] = mapped_column(EncryptedText)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("tenant_id"),)
