"""Where each conversation stands, cached (Redis on the platform, in-process in the appliance).

Every page load of a returning visitor resumes its session and asks the bot where it stands;
the cache answers both without touching the database. It holds no personal data (no answers,
no contact details) and is written only after a turn commits, so losing it loses nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from appliance.conversations.sessions import is_preview
from appliance.infra.db import ChatSession, utcnow
from appliance.infra.runtime import Runtime

TTL_SECONDS = 3600


def remember(rt: Runtime, chat: ChatSession) -> None:
    """Cache the position of ``chat`` (call after its turn committed)."""
    snapshot = {
        "tenant_id": chat.tenant_id,
        "flow_id": chat.flow_id,
        "channel": chat.channel,
        "preview": is_preview(chat.origin),
        "status": chat.status,
        "language": chat.language,
        "state": chat.state,
        "expires_at": chat.expires_at.isoformat(),
    }
    rt.cache.set(_key(chat.id), json.dumps(snapshot), TTL_SECONDS)


def recall(rt: Runtime, session_id: str, tenant_id: str) -> dict[str, Any] | None:
    """Return the cached position of a live session of ``tenant_id``, or None."""
    raw = rt.cache.get(_key(session_id))
    if raw is None:
        return None
    snapshot = json.loads(raw)
    if snapshot["tenant_id"] != tenant_id or datetime.fromisoformat(snapshot["expires_at"]) <= utcnow():
        return None
    return snapshot


def forget(rt: Runtime, session_id: str) -> None:
    """Drop a session's cached position (erasure, expiry)."""
    rt.cache.delete(_key(session_id))


def _key(session_id: str) -> str:
    return f"chat:{session_id}"
