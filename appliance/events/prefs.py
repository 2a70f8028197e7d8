"""Each staff member's notification preferences in one store (defaults until they save theirs)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, insert, select, update

from appliance.core.ids import new_id
from appliance.errors import Invalid
from appliance.events.notices import DEFAULT_PREFS
from appliance.infra.db import NotificationPrefs, utcnow
from appliance.infra.db.events import EMAIL_CHOICES, NEW_LEAD_CHOICES
from appliance.infra.runtime import Runtime

_PREFS = NotificationPrefs.__table__
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def read_prefs(rt: Runtime, tenant_id: str, user_id: str) -> dict[str, Any]:
    """Return the person's preferences in the store (the defaults if they never saved any)."""
    with rt.transaction() as db:
        return prefs_by_user(db.connection(), tenant_id).get(user_id, dict(DEFAULT_PREFS))


def prefs_by_user(conn: Connection, tenant_id: str) -> dict[str, dict[str, Any]]:
    """Return the saved preferences of the store's people, by user id."""
    rows = conn.execute(select(_PREFS).where(_PREFS.c.tenant_id == tenant_id)).mappings()
    return {row["user_id"]: {key: row[key] for key in DEFAULT_PREFS} for row in rows}


def save_prefs(rt: Runtime, tenant_id: str, user_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """Check and save the person's preferences (422 lists every problem); return them."""
    prefs = dict(DEFAULT_PREFS) | {k: v for k, v in values.items() if k in DEFAULT_PREFS}
    _check(prefs)
    now = utcnow()
    with rt.transaction() as db:
        conn = db.connection()
        mine = (_PREFS.c.tenant_id == tenant_id) & (_PREFS.c.user_id == user_id)
        if conn.scalar(select(_PREFS.c.id).where(mine)) is None:
            row = {"id": new_id(NotificationPrefs.id_prefix), "tenant_id": tenant_id, "user_id": user_id}
            conn.execute(insert(_PREFS).values(**row, **prefs, created_at=now, updated_at=now))
        else:
            conn.execute(update(_PREFS).where(mine).values(**prefs, updated_at=now))
    return prefs


def _check(prefs: dict[str, Any]) -> None:
    problems = []
    if prefs["new_lead"] not in NEW_LEAD_CHOICES:
        problems.append({"path": "new_lead", "message": f"must be one of {', '.join(NEW_LEAD_CHOICES)}"})
    if prefs["email"] not in EMAIL_CHOICES:
        problems.append({"path": "email", "message": f"must be one of {', '.join(EMAIL_CHOICES)}"})
    for key in ("appointments", "photos"):
        if not isinstance(prefs[key], bool):
            problems.append({"path": key, "message": "must be true or false"})
    quiet = [prefs["quiet_start"] or None, prefs["quiet_end"] or None]
    prefs["quiet_start"], prefs["quiet_end"] = quiet
    if (quiet[0] is None) != (quiet[1] is None):
        problems.append({"path": "quiet_end", "message": "set both ends of the quiet hours, or neither"})
    for key, value in zip(("quiet_start", "quiet_end"), quiet, strict=True):
        if value is not None and not CLOCK.match(str(value)):
            problems.append({"path": key, "message": "must be a time like 21:30"})
    if problems:
        raise Invalid(problems)
