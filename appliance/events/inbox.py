"""The bell: a person's notifications in one store, how many are unread, marking them read."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from appliance.events.mailing import link, notice_line
from appliance.infra.db import Notification, Tenant, utcnow
from appliance.infra.runtime import Runtime

_NOTICES = Notification.__table__


def unread_count(rt: Runtime, tenant_id: str, user_id: str) -> int:
    """Return how many of the person's notifications in the store are unread."""
    with rt.transaction() as db:
        mine = (_NOTICES.c.tenant_id == tenant_id) & (_NOTICES.c.user_id == user_id)
        return int(db.scalar(select(func.count()).where(mine, _NOTICES.c.read_at.is_(None))) or 0)


def recent(rt: Runtime, tenant_id: str, user_id: str, language: str, limit: int = 50) -> list[dict[str, Any]]:
    """Return the person's latest notifications, newest first, in ``language`` with their links."""
    with rt.transaction() as db:
        zone = ZoneInfo(db.get(Tenant, tenant_id).timezone)  # type: ignore[union-attr]
        rows = db.execute(
            select(_NOTICES)
            .where(_NOTICES.c.tenant_id == tenant_id, _NOTICES.c.user_id == user_id)
            .order_by(_NOTICES.c.created_at.desc(), _NOTICES.c.id.desc())
            .limit(limit)
        ).mappings()
        notices = [dict(row) for row in rows]
    return [_shown(n, language, zone, rt.settings.public_url) for n in notices]


def _shown(notice: dict[str, Any], language: str, zone: ZoneInfo, base: str) -> dict[str, Any]:
    return {
        "id": notice["id"],
        "kind": notice["kind"],
        "text": notice_line(notice, language, zone),
        "link": link(base, notice).removeprefix(base),
        "created_at": notice["created_at"].astimezone(zone).strftime("%d/%m/%Y %H:%M"),
        "unread": notice["read_at"] is None,
    }


def mark_all_read(rt: Runtime, tenant_id: str, user_id: str) -> int:
    """Mark every unread notification of the person in the store read; return how many."""
    with rt.transaction() as db:
        done = db.execute(
            update(_NOTICES)
            .where(_NOTICES.c.tenant_id == tenant_id, _NOTICES.c.user_id == user_id, _NOTICES.c.read_at.is_(None))
            .values(read_at=utcnow())
        )
        return int(done.rowcount)
