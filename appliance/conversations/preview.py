"""Staff trying a flow version from the panel: a preview conversation that changes nothing real.

A preview is an ordinary web session pinned to any version of the flow (a draft too), marked by
its origin, so the chat runtime runs it exactly as it runs a visitor's conversation. It books no
appointment, makes no lead and records no analytics (see runtime._turn), so testing a draft never
shows up in the store's agenda, leads or numbers. Only the panel opens one, for its own staff: the
public widget API cannot ask for a version.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.conversations.sessions import PREVIEW_LIFETIME, PREVIEW_ORIGIN, is_preview, start_session
from appliance.conversations.visitors import widget_config
from appliance.errors import NotFound, Unavailable
from appliance.flows.versions import get_version, published_flow
from appliance.infra.db import ChatSession, Flow, utcnow
from appliance.infra.runtime import Runtime
from appliance.security.visitor import LIFETIME_SECONDS, VisitorClaims, issue_visitor_token
from appliance.tenants.directory import tenant_info


def open_preview(
    rt: Runtime,
    tenant_id: str,
    page_origin: str,
    version: int | None = None,
    lang: str | None = None,
    session_id: str | None = None,
) -> dict[str, Any]:
    """Return a visitor token, session and widget look for a preview of ``version`` (None: the published one).

    ``session_id`` resumes an earlier preview of the same version; anything else starts afresh.
    The token is bound to ``page_origin``, the panel page that runs the widget.
    """
    info = tenant_info(rt, tenant_id)
    if info is None:
        raise NotFound("This store does not exist.")
    with rt.transaction() as db:
        flow = _flow(db, tenant_id, version)
        chat = _resumable(db, tenant_id, flow, session_id) or start_session(
            db, info, flow, lang, PREVIEW_ORIGIN, utcnow() + PREVIEW_LIFETIME
        )
        session_id, language = chat.id, chat.language
    token = issue_visitor_token(rt.settings.secret_key or "", VisitorClaims(session_id, tenant_id, page_origin))
    return {
        "token": token,
        "expires_in": LIFETIME_SECONDS,
        "session_id": session_id,
        "config": widget_config(info, language),
        "flow_version": flow.version,
    }


def _flow(db: Session, tenant_id: str, version: int | None) -> Flow:
    if version is not None:
        return get_version(db, tenant_id, version)
    flow = published_flow(db, tenant_id)
    if flow is None:
        raise Unavailable("No version of the flow is published, so there is nothing to try.", code="no_published_flow")
    return flow


def _resumable(db: Session, tenant_id: str, flow: Flow, session_id: str | None) -> ChatSession | None:
    if not session_id:
        return None
    found = db.scalar(select(ChatSession).where(ChatSession.id == session_id, ChatSession.tenant_id == tenant_id))
    usable = found is not None and is_preview(found.origin) and found.flow_id == flow.id
    return found if usable and found.expires_at > utcnow() and found.status == "active" else None
