"""Appointments booked in a store's agenda."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from appliance.core.kinds import APPOINTMENT_STATUSES
from appliance.infra.db.base import ID_LENGTH, Base, EncryptedJSON, EncryptedText, IdMixin, TenantScoped, Timestamps


class Appointment(IdMixin, TenantScoped, Timestamps, Base):
    """A showroom or measuring visit: when, for which service, with whom (encrypted)."""

    __tablename__ = "appointments"
    id_prefix = "a"

    lead_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("leads.id", ondelete="SET NULL"))
    service: Mapped[str] = mapped_column(String(64))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    # Travel buffers widen the time a home visit blocks in the agenda beyond the visit itself.
    blocked_start_at: Mapped[datetime]
    blocked_end_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="booked")
    contact: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)
    notes: Mapped[str | None] = mapped_column(EncryptedText)
    postal_code: Mapped[str | None] = mapped_column(String(16))
    ics_uid: Mapped[str] = mapped_column(String(255), unique=True)
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0)
    reminder_24h_sent_at: Mapped[datetime | None]
    reminder_2h_sent_at: Mapped[datetime | None]
    # Per e-mail kind (invitation, cancellation, reminder_24h, reminder_2h): its status, when, and a
    # failure's code, for staff to see (appliance.agenda.reminders.note_mail).
    mail_log: Mapped[dict[str, Any] | None]
    created_by: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        Index(None, "tenant_id", "start_at"),
        Index(None, "tenant_id", "created_at"),  # the KPIs' appointments booked in a period (0013i)
        Index(None, "tenant_id", "service", "blocked_start_at"),
        Index(None, "tenant_id", "lead_id"),
        Index(None, "status", "start_at"),
        CheckConstraint(f"status IN {APPOINTMENT_STATUSES}", name="status"),
    )
