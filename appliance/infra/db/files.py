"""Stored files: visitors' photos and plans, logos, generated PDFs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from appliance.core.kinds import FILE_KINDS
from appliance.infra.db.base import ID_LENGTH, Base, EncryptedText, IdMixin, TenantScoped, utcnow


class File(IdMixin, TenantScoped, Base):
    """Metadata of one stored object; the bytes live in the storage backend under storage_key."""

    __tablename__ = "files"
    id_prefix = "f"

    kind: Mapped[str] = mapped_column(String(16))
    session_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("sessions.id", ondelete="SET NULL"))
    lead_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("leads.id", ondelete="SET NULL"))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    original_name: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index(None, "tenant_id", "session_id"),
        Index(None, "tenant_id", "lead_id"),
        CheckConstraint(f"kind IN {FILE_KINDS}", name="kind"),
    )
