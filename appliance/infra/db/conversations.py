"""Conversations: sessions, their messages, and the idempotency keys of retried writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from appliance.core.kinds import CHANNELS, MESSAGE_ROLES, SESSION_STATUSES
from appliance.infra.db.base import (
    ID_LENGTH,
    Base,
    EncryptedJSON,
    EncryptedText,
    IdMixin,
    SealedJSON,
    TenantScoped,
    Timestamps,
    utcnow,
)

# What the KPIs' drop-off reads of each conversation of a period (appliance.analytics.kpis), kept in
# the index on PostgreSQL so that a year of a large store is counted without reading the table.
DROP_OFF_COLUMNS = ("status", "current_block", "last_activity_at", "origin")


class ChatSession(IdMixin, TenantScoped, Timestamps, Base):
    """One visitor's conversation, pinned to the flow version it started on."""

    __tablename__ = "sessions"
    id_prefix = "s"

    channel: Mapped[str] = mapped_column(String(16), default="web")
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="active")
    flow_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("flows.id", ondelete="SET NULL"))
    flow_version: Mapped[int | None] = mapped_column(Integer)
    current_block: Mapped[str | None] = mapped_column(String(100))
    # The engine's own bookkeeping (positions, retries); no personal data goes here.
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The visitor's answers, which include contact details, so they are encrypted.
    variables: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)
    origin: Mapped[str | None] = mapped_column(String(255))
    channel_user_hash: Mapped[str | None] = mapped_column(String(64))
    # The SHA-256 of the secret the widget keeps beside the session id: resuming needs both.
    secret_hash: Mapped[str | None] = mapped_column(String(64))
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    __table_args__ = (
        Index(None, "tenant_id", "status", "last_activity_at"),
        # The KPIs' conversations of a period and where they stopped, from the index alone (0013i).
        Index(None, "tenant_id", "created_at", postgresql_include=list(DROP_OFF_COLUMNS)),
        Index(None, "tenant_id", "channel", "channel_user_hash"),
        Index(None, "expires_at"),
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        CheckConstraint(f"status IN {SESSION_STATUSES}", name="status"),
    )


class Message(IdMixin, TenantScoped, Base):
    """One message of a conversation, in order; its text is encrypted (visitors type contacts)."""

    __tablename__ = "messages"
    id_prefix = "m"

    session_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(EncryptedText)
    data: Mapped[Any] = mapped_column(EncryptedJSON, nullable=True)
    block_id: Mapped[str | None] = mapped_column(String(100))
    channel_message_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        UniqueConstraint("tenant_id", "channel_message_id"),
        Index(None, "tenant_id", "session_id", "seq"),
        Index(None, "tenant_id", "created_at"),
        CheckConstraint(f"role IN {MESSAGE_ROLES}", name="role"),
    )


class IdempotencyKey(IdMixin, TenantScoped, Base):
    """The first answer to a retried write, replayed for the same key and body within 24 h."""

    __tablename__ = "idempotency_keys"
    id_prefix = "ik"

    scope: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    # The first answer can repeat what a visitor typed (their name, a booking's contact), so it is sealed.
    response: Mapped[Any] = mapped_column(SealedJSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("tenant_id", "scope", "key"), Index(None, "expires_at"))
