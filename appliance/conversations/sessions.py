"""Opening, resuming and locking visitors' conversations."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from appliance.core.flows.engine import new_state
from appliance.errors import Unavailable
from appliance.flows.versions import published_flow
from appliance.infra.db import ChatSession, Flow, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.tenants.directory import TenantInfo


def pick_language(info: TenantInfo, wanted: str | None) -> str:
    """Return ``wanted`` if the store speaks it, else the store's default language."""
    return wanted if wanted in info.languages else info.default_language


def open_web_session(
    db: Session, info: TenantInfo, origin: str, idle_days: int, session_id: str | None, lang: str | None
) -> tuple[ChatSession, bool]:
    """Resume the visitor's conversation if it is theirs and alive; else start a new one.

    Return the session and whether it is new. An unknown, foreign or expired id starts afresh,
    revealing nothing about the one asked for.
    """
    if session_id:
        found = db.scalar(select(ChatSession).where(ChatSession.id == session_id, ChatSession.tenant_id == info.id))
        alive = found is not None and found.expires_at > utcnow() and found.status != "expired"
        if alive and found.channel == "web" and not is_preview(found.origin):
            return found, False
    flow = published_flow(db, info.id)
    if flow is None:
        raise Unavailable("This chat is not available right now.", code="no_published_flow")
    return start_session(db, info, flow, lang, origin, utcnow() + timedelta(days=idle_days)), True


# Staff previews (appliance.conversations.preview) are sessions marked by this stored origin: they
# live a day, count for nothing, and the public widget never resumes one.
PREVIEW_ORIGIN = "panel-preview"
PREVIEW_LIFETIME = timedelta(days=1)


def is_preview(origin: str | None) -> bool:
    """Return whether a session with this stored origin is a staff preview."""
    return origin == PREVIEW_ORIGIN


def start_session(
    db: Session, info: TenantInfo, flow: Flow, lang: str | None, origin: str, expires_at: datetime
) -> ChatSession:
    """Start a new web conversation on ``flow``, in ``lang`` if the store speaks it."""
    language = pick_language(info, lang)
    state = new_state(language) | {"language_source": "hint" if lang == language else "default", "seq": 0}
    del state["vars"]
    chat = ChatSession(
        tenant_id=info.id,
        channel="web",
        language=language,
        flow_id=flow.id,
        flow_version=flow.version,
        state=state,
        variables={},
        origin=origin,
        expires_at=expires_at,
    )
    db.add(chat)
    db.flush()
    return chat


@task
def expire_idle_sessions(rt: Runtime) -> int:
    """Mark conversations idle past their expiry as expired (a resume then starts afresh)."""
    with rt.transaction() as db:
        result = db.execute(
            update(ChatSession)
            .where(ChatSession.status != "expired", ChatSession.expires_at < utcnow())
            .values(status="expired")
        )
    count = result.rowcount or 0
    structlog.get_logger(__name__).info("sessions_expired", count=count)
    return count
