"""Leads: what a conversation produced for the store's staff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from appliance.core.kinds import LEAD_STATUSES, TEMPERATURES
from appliance.infra.db.base import ID_LENGTH, Base, EncryptedJSON, EncryptedText, IdMixin, TenantScoped, Timestamps


class Lead(IdMixin, TenantScoped, Timestamps, Base):
    """A qualified prospect: understood fields, a score with its breakdown, and encrypted contact."""

    __tablename__ = "leads"
    id_prefix = "l"

    session_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("sessions.id", ondelete="SET NULL"), unique=True
    )
    status: Mapped[str] = mapped_column(String(16), default="new")
    score: Mapped[int] = mapped_column(Integer, default=0)
    temperature: Mapped[str] = mapped_column(String(16), default="cold")
    score_breakdown: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    project_type: Mapped[str | None] = mapped_column(String(32))
    contact: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)
    # Keyed hashes of the normalised email and phone, so staff can search encrypted contacts.
    email_hash: Mapped[str | None] = mapped_column(String(64))
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="es")
    channel: Mapped[str] = mapped_column(String(16), default="web")
    notes: Mapped[str | None] = mapped_column(EncryptedText)
    assignee_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"))
    # The preliminary proposal of the conversation's end (appliance.ai.proposal): its text, whether the
    # model or the template wrote it, and the price range it quotes. It holds no personal data.
    proposal: Mapped[dict[str, Any] | None]
    # A follow-up message staff may send a lead that did not book (appliance.ai.follow_up): its text
    # with {name} left as a placeholder, and who wrote it. It holds no personal data either.
    follow_up: Mapped[dict[str, Any] | None]
    # Set when the person was erased (GDPR art. 17): the anonymous fields stay for the aggregates.
    erased_at: Mapped[datetime | None]

    # The list pages by (created_at, id) and (score, id); see migration 0013i for what EXPLAIN showed.
    __table_args__ = (
        Index(None, "tenant_id", "created_at", "id"),
        Index(None, "tenant_id", "temperature", "created_at"),
        Index(None, "tenant_id", "status", "created_at"),
        Index(None, "tenant_id", "score", "id"),
        Index(None, "tenant_id", "email_hash"),
        Index(None, "tenant_id", "phone_hash"),
        CheckConstraint(f"status IN {LEAD_STATUSES}", name="status"),
        CheckConstraint(f"temperature IN {TEMPERATURES}", name="temperature"),
    )
