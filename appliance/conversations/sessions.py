"""Opening, resuming and locking visitors' conversations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Row, or_, select, update
from sqlalchemy.orm import Session

from appliance.core.flows.engine import new_state
from appliance.errors import Unavailable
from appliance.flows.versions import published_flow
from appliance.infra.db import ChatSession, Flow, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.security.visitor import new_session_secret, session_secret_matches
from appliance.tenants.directory import TenantInfo


def pick_language(info: TenantInfo, wanted: str | None) -> str:
    """Return ``wanted`` if the store speaks it, else the store's default language."""
    return wanted if wanted in info.languages else info.default_language


@dataclass(frozen=True)
class Opened:
    """A visitor's conversation as the widget opened it: which one, and the secret to keep.

    ``secret`` is given only when it was just made (a new conversation, or an old one that had
    none): the server keeps its hash alone, so it can never be told again.
    """

    id: str
    language: str
    secret: str | None


def open_web_session(
    db: Session,
    info: TenantInfo,
    origin: str,
    idle_days: int,
    session_id: str | None,
    lang: str | None,
    secret: str | None = None,
) -> Opened:
    """Resume the visitor's conversation if it is theirs (its secret matches) and alive; else start
    a new one. An unknown, foreign, expired or unproven id starts afresh, revealing nothing about
    the one asked for, so a visitor's own reload (which sends the secret) always resumes.
    """
    found = _resumable(db, info, session_id) if session_id else None
    if found is not None:
        if found.secret_hash is None:
            # Opened before conversations had secrets: the first resume claims it with one.
            issued, digest = new_session_secret()
            db.execute(update(ChatSession).where(ChatSession.id == found.id).values(secret_hash=digest))
            return Opened(found.id, found.language, issued)
        if session_secret_matches(found.secret_hash, secret):
            return Opened(found.id, found.language, None)
    flow = published_flow(db, info.id)
    if flow is None:
        raise Unavailable("This chat is not available right now.", code="no_published_flow")
    issued, digest = new_session_secret()
    chat = start_session(db, info, flow, lang, origin, utcnow() + timedelta(days=idle_days), digest)
    return Opened(chat.id, chat.language, issued)


def _resumable(db: Session, info: TenantInfo, session_id: str) -> Row[Any] | None:
    """Return the few columns of a live web conversation of this store with id ``session_id``."""
    columns = (ChatSession.id, ChatSession.language, ChatSession.secret_hash)
    return db.execute(
        select(*columns).where(
            ChatSession.id == session_id,
            ChatSession.tenant_id == info.id,
            ChatSession.channel == "web",
            ChatSession.status != "expired",
            ChatSession.expires_at > utcnow(),
            or_(ChatSession.origin.is_(None), ChatSession.origin != PREVIEW_ORIGIN),
        )
    ).one_or_none()


# Staff previews (appliance.conversations.preview) are sessions marked by this stored origin: they
# live a day, count for nothing, and the public widget never resumes one.
PREVIEW_ORIGIN = "panel-preview"
PREVIEW_LIFETIME = timedelta(days=1)


def is_preview(origin: str | None) -> bool:
    """Return whether a session with this stored origin is a staff preview."""
    return origin == PREVIEW_ORIGIN


def start_session(
    db: Session,
    info: TenantInfo,
    flow: Flow,
    lang: str | None,
    origin: str,
    expires_at: datetime,
    secret_hash: str | None = None,
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
        secret_hash=secret_hash,
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
