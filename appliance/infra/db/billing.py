"""Plans (what each one gives a store) and the Stripe events already handled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from appliance.infra.db.base import ID_LENGTH, Base, Timestamps, utcnow


class Plan(Timestamps, Base):
    """One plan's limits: the operator edits them; every check that depends on the plan reads them."""

    __tablename__ = "plans"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    ai_cap_eur: Mapped[int] = mapped_column(Integer)
    requests_per_minute: Mapped[int] = mapped_column(Integer)
    whatsapp_numbers: Mapped[int] = mapped_column(Integer)
    staff_seats: Mapped[int] = mapped_column(Integer)
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)


class StripeEvent(Base):
    """A Stripe webhook event handled once: its id is the key, so a replay finds it and changes nothing."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    # Which store it concerned, when one was found (no foreign key: a purged store keeps the trace).
    tenant_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When Stripe says the event happened: deliveries may arrive out of order, and an older one
    # must not undo a newer one.
    created_at: Mapped[datetime | None] = mapped_column(default=None)
