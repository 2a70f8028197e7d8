"""Idempotency-Key: the same key with the same body within 24 h replays the first answer;
the same key with another body is a 409. Both checks run inside the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from appliance.core.ids import new_id
from appliance.errors import BadRequest, Conflict
from appliance.infra.db import IdempotencyKey, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task

WINDOW = timedelta(hours=24)
_TABLE = IdempotencyKey.__table__
MAX_KEY_LENGTH = 255
# Every chat turn runs both statements: they are built once, with bound parameters.
_FIND = select(_TABLE.c.id, _TABLE.c.request_hash, _TABLE.c.status_code, _TABLE.c.response, _TABLE.c.expires_at).where(
    _TABLE.c.tenant_id == bindparam("tenant_id"), _TABLE.c.scope == bindparam("scope"), _TABLE.c.key == bindparam("key")
)


def _upsert(dialect_insert: Any) -> Any:
    # A key whose window has passed is taken over in place (its new created_at is "now").
    statement = dialect_insert(_TABLE)
    taken_over = ("request_hash", "status_code", "response", "created_at", "expires_at")
    return statement.on_conflict_do_update(
        index_elements=["tenant_id", "scope", "key"],
        set_={name: statement.excluded[name] for name in taken_over},
        where=_TABLE.c.expires_at <= statement.excluded.created_at,
    ).returning(_TABLE.c.id)  # RETURNING, not rowcount: psycopg reports no rowcount for this statement.


_REMEMBER = {"postgresql": _upsert(pg_insert), "sqlite": _upsert(sqlite_insert)}


@dataclass(frozen=True)
class Stored:
    """A first answer, to send again."""

    status: int
    body: Any


def body_hash(body: Any) -> str:
    """Return a stable hash of a JSON body (key order does not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_key(key: str | None) -> str | None:
    """Return the key, or raise if it is malformed."""
    if key is not None and not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise BadRequest("Idempotency-Key must have 1 to 255 characters.", code="invalid_idempotency_key")
    return key


def replay(conn: Connection, tenant_id: str, scope: str, key: str, request_hash: str) -> Stored | None:
    """Return the stored answer for this key, None if it is new; 409 if it came with another body."""
    found = conn.execute(_FIND, {"tenant_id": tenant_id, "scope": scope, "key": key}).one_or_none()
    if found is None:
        return None
    if found.expires_at <= utcnow():
        # Past its window the key is free again; the hourly purge may simply not have run yet.
        conn.execute(delete(_TABLE).where(_TABLE.c.id == found.id))
        return None
    if found.request_hash != request_hash:
        raise Conflict("This Idempotency-Key was used with a different request.", code="idempotency_conflict")
    return Stored(found.status_code or 200, found.response)


def remember(conn: Connection, tenant_id: str, scope: str, key: str, request_hash: str, status: int, body: Any) -> bool:
    """Keep the answer to this key for the replay window; False if a live answer is already kept.

    run_once looks the key up before its work, but two attempts that start together both find
    nothing; this insert is what tells the later one, so it must still be checked (a False tells
    the caller to roll back and replay). A key whose window has passed is taken over in place.
    """
    now = utcnow()
    values = {
        "id": new_id("ik"),
        "tenant_id": tenant_id,
        "scope": scope,
        "key": key,
        "request_hash": request_hash,
        "status_code": status,
        "response": body,
        "created_at": now,
        "expires_at": now + WINDOW,
    }
    return conn.execute(_REMEMBER[conn.dialect.name], values).scalar_one_or_none() is not None


class _AlreadyAnswered(Exception):
    """This key already has a live answer: undo this attempt and replay that one."""


def run_once(
    rt: Runtime,
    tenant_id: str,
    scope: str,
    key: str | None,
    body: Any,
    work: Callable[[Connection], Any],
    status: int = 200,
) -> tuple[Any, bool]:
    """Run ``work`` in one transaction unless ``key`` already answered; return (answer, replayed).

    The stored answer is looked up first, in the same transaction and before ``work``: a retry
    must replay what the first attempt answered, not run the business checks again (a booking
    retried on its slot's last place would otherwise be refused as taken). ``status`` is what
    the caller answers on success, kept with the answer. The key is also recorded at the end
    of the transaction (see remember): a retry that arrives while the first attempt runs waits
    on the first one's locks, then finds its answer.
    """
    request_hash = body_hash(body)
    try:
        with rt.transaction() as db:
            conn = db.connection()
            stored = replay(conn, tenant_id, scope, key, request_hash) if key else None
            if stored is not None:
                return stored.body, True
            answer = work(conn)
            if key and not remember(conn, tenant_id, scope, key, request_hash, status, answer):
                raise _AlreadyAnswered
    except _AlreadyAnswered:
        return _replay_after_race(rt, tenant_id, scope, key or "", request_hash), True
    return answer, False


def _replay_after_race(rt: Runtime, tenant_id: str, scope: str, key: str, request_hash: str) -> Any:
    # A fresh transaction: the one that lost the race was rolled back, and on PostgreSQL its
    # snapshot may predate the winner's commit.
    with rt.transaction() as db:
        stored = replay(db.connection(), tenant_id, scope, key, request_hash)
    if stored is None:
        raise RuntimeError("an idempotency key vanished between two transactions")
    return stored.body


@task
def purge_expired_idempotency_keys(rt: Runtime) -> int:
    """Delete idempotency records older than their 24 h window."""
    with rt.transaction() as db:
        result = db.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at < utcnow()))
    count = result.rowcount or 0
    structlog.get_logger(__name__).info("idempotency_keys_purged", count=count)
    return count
