"""The declarative base, the column types every model shares, and the tenant-scoping mixin."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, MetaData, String, Text, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from appliance.core.ids import new_id
from appliance.core.moments import utcnow
from appliance.infra.crypto import current_keyring

# Named constraints are what lets Alembic's batch mode rebuild SQLite tables reliably.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 32


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes in UTC; SQLite keeps no offset, so it is restored on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give an offset")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL (indexable, compact); plain JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class EncryptedText(TypeDecorator[str]):
    """A text column encrypted at rest with the process key ring (personal data)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else current_keyring().encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else current_keyring().decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document encrypted at rest as one token (contact details, typed answers)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return current_keyring().encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(current_keyring().decrypt(value))


SEALED = "sealed"


class SealedJSON(TypeDecorator[Any]):
    """A JSON column whose document is encrypted as ``{"sealed": token}``.

    For JSON columns that turned out to hold personal data (stored answers that repeat what a
    visitor typed): the column stays JSON, so no migration is needed, but what it holds is a
    ciphertext. Documents written before sealing are returned as they are.
    """

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return {SEALED: current_keyring().encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))}

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, dict) and set(value) == {SEALED}:
            return json.loads(current_keyring().decrypt(value[SEALED]))
        return value


# The column types whose stored values are ciphertexts (key rotation re-encrypts exactly these).
ENCRYPTED_TYPES = (EncryptedText, EncryptedJSON, SealedJSON)


class Base(DeclarativeBase):
    """The declarative base of every Ebanista table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
    }


class IdMixin:
    """A prefixed, time-ordered string primary key (see appliance.core.ids)."""

    id_prefix: str = "x"

    @declared_attr
    def id(cls) -> Mapped[str]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(String(ID_LENGTH), primary_key=True, default=lambda: new_id(cls.id_prefix), sort_order=-20)


class Timestamps:
    """Creation and update times, in UTC."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TenantScoped:
    """A business row that belongs to exactly one tenant; deleting the tenant deletes it."""

    @declared_attr
    def tenant_id(cls) -> Mapped[str]:  # noqa: N805
        return mapped_column(
            String(ID_LENGTH), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, sort_order=-10
        )
