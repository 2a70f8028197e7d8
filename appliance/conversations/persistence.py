"""The hot path's storage: one conversation row read for update and written back, in Core.

A chat turn touches a handful of rows; going through SQLAlchemy Core on one connection instead
of the ORM's unit of work makes a turn several times cheaper (see docs/performance.md), while the
column types (encryption, UTC times) still apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from appliance.errors import NotFound
from appliance.infra.db import ChatSession

_TABLE = ChatSession.__table__
_COLUMNS = (
    "id",
    "tenant_id",
    "channel",
    "language",
    "status",
    "flow_id",
    "current_block",
    "state",
    "variables",
    "origin",
    "expires_at",
)
# Built once with bound parameters: building and keying a statement on every turn cost more than
# running it on SQLite.
_LOCK = (
    select(*(_TABLE.c[name] for name in _COLUMNS))
    .where(_TABLE.c.id == bindparam("session_id"), _TABLE.c.tenant_id == bindparam("tenant_id"))
    .with_for_update()
)
_SAVE = update(_TABLE).where(_TABLE.c.id == bindparam("b_id"), _TABLE.c.tenant_id == bindparam("b_tenant_id"))


@dataclass
class Conversation:
    """A session row as a turn works on it."""

    id: str
    tenant_id: str
    channel: str
    language: str
    status: str
    flow_id: str
    current_block: str | None
    state: dict[str, Any]
    variables: dict[str, Any]
    origin: str | None
    expires_at: datetime
    # Appointments booked during this turn (not stored): invitations go out after the commit.
    booked: list[str] = field(default_factory=list)


def lock_conversation(conn: Connection, tenant_id: str, session_id: str) -> Conversation:
    """Return the conversation for update (one turn at a time per conversation), or 404."""
    row = conn.execute(_LOCK, {"session_id": session_id, "tenant_id": tenant_id}).mappings().one_or_none()
    if row is None:
        raise NotFound("This conversation does not exist.")
    return Conversation(**row)


def save_conversation(conn: Connection, chat: Conversation, now: datetime) -> None:
    """Write back what a turn changed."""
    conn.execute(
        _SAVE,
        {
            "b_id": chat.id,
            "b_tenant_id": chat.tenant_id,
            "language": chat.language,
            "status": chat.status,
            "current_block": chat.current_block,
            "state": chat.state,
            "variables": chat.variables,
            "expires_at": chat.expires_at,
            "last_activity_at": now,
            "updated_at": now,
        },
    )
