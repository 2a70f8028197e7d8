"""Texts a model wrote for a store, to say its welcome and closing in more than one way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from appliance.infra.db.base import Base, IdMixin, TenantScoped, utcnow


class AIText(IdMixin, TenantScoped, Base):
    """One variation of a flow block's text in one language, for the text it was written from.

    ``source_hash`` names the store's own text at the time: when the store changes it, the old
    variations no longer match and new ones are written. They hold no personal data.
    """

    __tablename__ = "ai_texts"
    id_prefix = "axt"

    block_id: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8))
    source_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index(None, "tenant_id", "block_id", "language"),)
