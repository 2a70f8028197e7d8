"""A visitor's page opening the chat: which store, whether its website may, which conversation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from appliance.conversations import positions
from appliance.conversations.sessions import open_web_session
from appliance.errors import Forbidden, NotFound, Unavailable
from appliance.infra.db import ChatSession
from appliance.infra.runtime import Runtime
from appliance.security.origins import origin_allowed
from appliance.security.visitor import LIFETIME_SECONDS, VisitorClaims, issue_visitor_token
from appliance.tenants.directory import TenantInfo, tenant_by_widget_key, tenant_config
from appliance.tenants.maintenance import refuse_closed_visit


@dataclass(frozen=True)
class Resume:
    """The conversation a page asks to resume: its id and the secret the widget kept (or none)."""

    session_id: str | None = None
    secret: str | None = None


def open_visit(
    rt: Runtime,
    widget_key: str,
    origin: str | None,
    asked: Resume,
    lang: str | None,
    accept_language: str | None = None,
) -> dict[str, Any]:
    """Return a visitor token, the conversation id and the widget's look, or refuse the page
    (503 ``maintenance`` with the store's message in the visitor's language while it is closed).

    The answer carries ``session_secret`` when the conversation was just given one (a new
    conversation): the widget keeps it beside the id and sends both to resume (see sessions).
    """
    info = tenant_by_widget_key(rt, widget_key)
    if info is None:
        raise NotFound("This chat is not set up (unknown widget key).", code="unknown_widget_key")
    if info.status != "active":
        raise Unavailable("This chat is not available right now.", code="store_unavailable")
    if not origin_allowed(origin, info.allowed_origins):
        raise Forbidden("This website is not allowed to open this store's chat.", code="origin_not_allowed")
    known = positions.recall(rt, asked.session_id, info.id) if asked.session_id else None
    try:
        refuse_closed_visit(info, lang, known["language"] if known else None, accept_language)
    except Unavailable as closed:
        # The widget still wears the store's name and colours while it says the store is closed.
        closed.details["config"] = widget_config(info, closed.details["language"])
        raise
    with rt.transaction() as db:
        days = rt.settings.session_idle_days
        opened = open_web_session(db, info, origin or "", days, asked.session_id, lang, asked.secret)
    token = issue_visitor_token(rt.settings.secret_key or "", VisitorClaims(opened.id, info.id, origin or ""))
    answer = {
        "token": token,
        "expires_in": LIFETIME_SECONDS,
        "session_id": opened.id,
        "config": widget_config(info, opened.language, _opening(rt, info.id)),
    }
    return answer | ({"session_secret": opened.secret} if opened.secret else {})


def conversation_language(rt: Runtime, claims: VisitorClaims) -> str | None:
    """Return the language of the visitor's conversation (as last cached, else as stored), or None."""
    known = positions.recall(rt, claims.session_id, claims.tenant_id)
    if known:
        return str(known["language"])
    with rt.transaction() as db:
        return db.scalar(
            select(ChatSession.language).where(
                ChatSession.id == claims.session_id, ChatSession.tenant_id == claims.tenant_id
            )
        )


def _opening(rt: Runtime, tenant_id: str) -> dict[str, Any]:
    # A transaction connects only when used: a cached config costs no database round trip.
    with rt.transaction() as db:
        return tenant_config(rt, db, tenant_id, "widget")


def widget_config(info: TenantInfo, language: str, opening: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return what the widget needs to look like the store and greet in the visitor's language."""
    branding = info.branding
    greeting = branding.get("greeting") or {}
    return {
        "store_name": branding.get("store_name") or info.name,
        "colors": branding.get("colors") or {"primary": "#0f766e", "text": "#ffffff"},
        "logo_url": branding.get("logo_url"),
        "greeting": greeting.get(language) or greeting.get(info.default_language) or "",
        "position": branding.get("position", "right"),
        "languages": info.languages,
        "default_language": info.default_language,
        "language": language,
        # The store's "widget" settings: open the chat by itself, after a delay (never in a preview).
        "open_on_load": bool((opening or {}).get("open_on_load", False)),
        "open_delay_seconds": int((opening or {}).get("open_delay_seconds", 0)),
    }
