"""WhatsApp: a store's channel settings, the raw webhook events, contacts, and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from appliance.infra.db.base import (
    ID_LENGTH,
    Base,
    EncryptedJSON,
    EncryptedText,
    IdMixin,
    TenantScoped,
    Timestamps,
    utcnow,
)

# The life of an outbound message: ours (queued, sending, accepted by Meta, unknown after an
# ambiguous timeout), then Meta's statuses, which only move forward (sent < delivered < read).
OUTBOX_STATUSES = ("queued", "sending", "accepted", "sent", "delivered", "read", "failed", "unknown")
OUTBOX_KINDS = ("text", "interactive", "template")


class WhatsAppChannel(IdMixin, TenantScoped, Timestamps, Base):
    """A store's WhatsApp Business number and the secrets to speak through it (encrypted)."""

    __tablename__ = "whatsapp_channels"
    id_prefix = "wch"

    phone_number_id: Mapped[str] = mapped_column(String(64), unique=True)
    access_token: Mapped[str] = mapped_column(EncryptedText)
    app_secret: Mapped[str] = mapped_column(EncryptedText)
    # A keyed hash of the verify token: Meta's handshake names only the token, so it is looked up.
    verify_token_hash: Mapped[str] = mapped_column(String(64))
    # Template names and languages, prices per category: nothing secret.
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (UniqueConstraint("tenant_id"), Index(None, "verify_token_hash"))


class WhatsAppEvent(IdMixin, TenantScoped, Base):
    """One webhook delivery exactly as it arrived (encrypted: it carries names and messages)."""

    __tablename__ = "whatsapp_events"
    id_prefix = "wev"

    body: Mapped[str] = mapped_column(EncryptedText)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]

    __table_args__ = (Index(None, "tenant_id", "received_at"), Index(None, "processed_at"))


class WhatsAppContact(IdMixin, TenantScoped, Timestamps, Base):
    """A person who wrote to the store on WhatsApp: their conversation, lead and service window."""

    __tablename__ = "whatsapp_contacts"
    id_prefix = "wac"

    # A keyed hash of the WhatsApp user id (wa_id, or the business-scoped id when there is none).
    user_hash: Mapped[str] = mapped_column(String(64))
    wa_id: Mapped[str] = mapped_column(EncryptedText)
    session_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("sessions.id", ondelete="SET NULL"))
    lead_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("leads.id", ondelete="SET NULL"))
    # The 24-hour customer service window opens (again) with each message the person sends.
    last_inbound_at: Mapped[datetime | None]
    # What the conversation waits for (input type and block), to read a tapped button correctly.
    waiting: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (UniqueConstraint("tenant_id", "user_hash"), Index(None, "tenant_id", "lead_id"))


class WhatsAppInbound(IdMixin, TenantScoped, Base):
    """A visitor's message id, claimed once: a repeated delivery of it is not answered twice."""

    __tablename__ = "whatsapp_inbound"
    id_prefix = "win"

    wamid: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("tenant_id", "wamid"),)


class WhatsAppOutbox(IdMixin, TenantScoped, Timestamps, Base):
    """One message to send, under our own key (the Send API has none), and what became of it."""

    __tablename__ = "whatsapp_outbox"
    id_prefix = "wao"

    key: Mapped[str] = mapped_column(String(200))
    contact_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("whatsapp_contacts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    # Meta's pricing category: service (free in the window), utility, marketing, authentication.
    category: Mapped[str] = mapped_column(String(16), default="service")
    payload: Mapped[Any] = mapped_column(EncryptedJSON)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    wamid: Mapped[str | None] = mapped_column(String(255))
    error_code: Mapped[int | None] = mapped_column(Integer)
    accepted_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("tenant_id", "key"),
        UniqueConstraint("tenant_id", "wamid"),
        Index(None, "tenant_id", "status", "next_attempt_at"),
        Index(None, "tenant_id", "accepted_at"),
        Index(None, "status", "next_attempt_at"),
        CheckConstraint(f"status IN {OUTBOX_STATUSES}", name="status"),
        CheckConstraint(f"kind IN {OUTBOX_KINDS}", name="kind"),
    )
