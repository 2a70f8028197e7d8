"""Domain events and what goes out because of them: the event outbox, webhooks and their
deliveries, and staff notifications with each person's preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from appliance.infra.db.base import ID_LENGTH, Base, EncryptedText, IdMixin, TenantScoped, Timestamps, utcnow

DELIVERY_STATUSES = ("pending", "sending", "delivered", "failed")
NEW_LEAD_CHOICES = ("off", "all", "hot")
EMAIL_CHOICES = ("off", "immediate", "digest")


class DomainEvent(IdMixin, TenantScoped, Base):
    """Something that happened in a store, written in the same transaction as the change (an outbox).

    ``data`` holds ids, codes and scores only, never a person's contact details: it is kept in
    clear and copied into webhook bodies."""

    __tablename__ = "domain_events"
    id_prefix = "evt"

    name: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set once the event has been fanned out to webhooks and notifications.
    dispatched_at: Mapped[datetime | None]

    __table_args__ = (Index(None, "dispatched_at", "created_at"), Index(None, "tenant_id", "created_at"))


class Webhook(IdMixin, TenantScoped, Timestamps, Base):
    """An address of a store's integrator that receives the events it subscribed to, signed."""

    __tablename__ = "webhooks"
    id_prefix = "wh"

    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[Any]] = mapped_column(default=list)
    secret: Mapped[str] = mapped_column(EncryptedText)

    __table_args__ = (Index(None, "tenant_id", "created_at"),)


class WebhookDelivery(IdMixin, TenantScoped, Timestamps, Base):
    """One event for one webhook: claimed before each attempt, retried with backoff, every attempt kept."""

    __tablename__ = "webhook_deliveries"
    id_prefix = "whd"

    webhook_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("webhooks.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("domain_events.id", ondelete="CASCADE"))
    event_name: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    # [{"at", "status_code", "error", "ms"}] of every attempt, newest last.
    log: Mapped[list[Any]] = mapped_column(default=list)
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id"),
        Index(None, "tenant_id", "webhook_id", "created_at"),
        Index(None, "status", "next_attempt_at"),
        CheckConstraint(f"status IN {DELIVERY_STATUSES}", name="status"),
    )


class Notification(IdMixin, TenantScoped, Base):
    """One event for one staff member: shown under the bell, and e-mailed at once or in a digest."""

    __tablename__ = "notifications"
    id_prefix = "ntf"

    user_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("domain_events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    lead_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # "none" (panel only), "immediate" or "digest" while waiting, then "sent".
    mail: Mapped[str] = mapped_column(String(16), default="none")
    mailed_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("user_id", "event_id"),
        Index(None, "tenant_id", "user_id", "read_at"),
        Index(None, "mail", "created_at"),
    )


class NotificationPrefs(IdMixin, TenantScoped, Timestamps, Base):
    """What one staff member of one store wants to hear about, how, and when not to be mailed."""

    __tablename__ = "notification_prefs"
    id_prefix = "ntp"

    user_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"))
    new_lead: Mapped[str] = mapped_column(String(8), default="all")
    appointments: Mapped[bool] = mapped_column(Boolean, default=True)
    photos: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[str] = mapped_column(String(16), default="immediate")
    # Local wall-clock "HH:MM" in the store's zone; both set or neither. Mail waits until the end.
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))

    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        CheckConstraint(f"new_lead IN {NEW_LEAD_CHOICES}", name="new_lead"),
        CheckConstraint(f"email IN {EMAIL_CHOICES}", name="email"),
    )
