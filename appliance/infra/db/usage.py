"""The usage ledger: what a store's use of paid services (WhatsApp messages, AI calls) costs it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from appliance.infra.db.base import Base, IdMixin, TenantScoped, utcnow


class UsageEntry(IdMixin, TenantScoped, Base):
    """One billable use: its kind (``whatsapp``, ``ai``), category, quantity and price in euros."""

    __tablename__ = "usage_entries"
    id_prefix = "use"

    kind: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    amount_eur: Mapped[Decimal] = mapped_column(Numeric(12, 6), default=Decimal(0))
    # What was used (an outbox message id...): one entry per thing, however often it is recorded.
    reference: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index(None, "tenant_id", "kind", "created_at"),
        UniqueConstraint("tenant_id", "kind", "reference"),
    )
