"""Idempotency-Key: the same key with the same body within 24 h replays the first answer;
the same key with another body is a 409. Both checks run inside the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from appliance.db import IdempotencyKey, utcnow
from appliance.errors import BadRequest, Conflict
from appliance.ids import new_id

WINDOW = timedelta(hours=24)
MAX_KEY_LENGTH = 255


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


def replay(db: Session, tenant_id: str, scope: str, key: str, request_hash: str) -> Stored | None:
    """Return the stored answer for this key, None if it is new; 409 if it came with another body."""
    found = db.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.tenant_id == tenant_id, IdempotencyKey.scope == scope, IdempotencyKey.key == key
        )
    )
    if found is None:
        return None
    if found.expires_at <= utcnow():
        # Past its window the key is free again; the hourly purge may simply not have run yet.
        db.delete(found)
        db.flush()
        return None
    if found.request_hash != request_hash:
        raise Conflict("This Idempotency-Key was used with a different request.", code="idempotency_conflict")
    return Stored(found.status_code or 200, found.response)


def remember(db: Session, tenant_id: str, scope: str, key: str, request_hash: str, status: int, body: Any) -> None:
    """Keep the answer to this key for the replay window (in the same transaction as the work)."""
    db.execute(
        insert(IdempotencyKey),
        [
            {
                "id": new_id("ik"),
                "tenant_id": tenant_id,
                "scope": scope,
                "key": key,
                "request_hash": request_hash,
                "status_code": status,
                "response": body,
                "created_at": utcnow(),
                "expires_at": utcnow() + WINDOW,
            }
        ],
    )
