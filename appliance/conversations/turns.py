"""One chat turn: understand, load the session, run the engine, persist — in one transaction.

The visitor's message, the bot's messages, the session's state, the lead, analytics events and
consent records commit together or not at all, and a retried send with the same Idempotency-Key
gets the first answer back without anything being stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from appliance.ai.assist import Reading, read_text
from appliance.ai.provider import Ask
from appliance.ai.texts import with_variations
from appliance.conversations import positions
from appliance.conversations.attachments import with_attachments
from appliance.conversations.booking import carry_out
from appliance.conversations.context import TurnSetting, read_setting, served_area, turn_context, wished_day
from appliance.conversations.leads import emit_completion, sync_lead
from appliance.conversations.persistence import Conversation, lock_conversation, save_conversation
from appliance.conversations.records import MESSAGE_FIELDS, masked_messages, message_json, messages, record
from appliance.conversations.sessions import PREVIEW_LIFETIME, is_preview
from appliance.core.flows.answers import Context, Reply
from appliance.core.flows.engine import ask_again, resume, step
from appliance.core.flows.personalise import CLOSING_VARIABLE
from appliance.core.flows.texts import system
from appliance.core.flows.turn import Turn
from appliance.core.lead_fields import PROJECT_FIELDS
from appliance.errors import NotFound, Unauthorized, Unavailable
from appliance.infra import idempotency, metrics
from appliance.infra.db import ChatSession, Message, utcnow
from appliance.infra.runtime import Runtime
from appliance.security.visitor import VisitorClaims
from appliance.tenants.directory import TenantInfo, tenant_info

# What free text may fill at any block: the project, and the contact details a message states.
FACT_KEYS = (*PROJECT_FIELDS, "email", "phone", "name")
_INSERT_MESSAGES = insert(Message)


@dataclass(frozen=True)
class Visit:
    """One turn's request: who, which conversation, and what they sent."""

    claims: VisitorClaims
    reply: Reply
    language: str | None = None
    # The store as the channel already read it for this request (None: read it here).
    tenant: TenantInfo | None = None


def start(rt: Runtime, claims: VisitorClaims, tenant: TenantInfo | None, language: str | None) -> dict[str, Any]:
    """Begin the conversation (its first bot messages) or, if begun, return where it stands."""
    info = _live_tenant(rt, claims.tenant_id, tenant)
    known = positions.recall(rt, claims.session_id, info.id)
    if known and known["state"].get("started"):
        return _standing(rt, info, claims.session_id, known)
    with rt.transaction() as db:
        conn = db.connection()
        chat = _still_open(lock_conversation(conn, info.id, claims.session_id))
        if not chat.state.get("started") and language in info.languages:
            chat.state = {**chat.state, "language": language, "language_source": "visitor"}
        had_lead = bool(chat.state.get("lead"))
        answer = _turn(rt, conn, info, chat, Reply("start"), visitor=None)
    positions.remember(rt, chat)
    _count_turn(chat, had_lead)
    return answer


def send(rt: Runtime, visit: Visit, idempotency_key: str | None, body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Take one visitor reply; return the turn answer and whether it was replayed."""
    info = _live_tenant(rt, visit.claims.tenant_id, visit.tenant)
    # Reading free text is the costliest step and needs no lock, so it happens before the transaction.
    understood = _read_text(rt, info, visit)
    turned: list[Conversation] = []
    had_lead: list[bool] = []

    def turn(db: Connection) -> dict[str, Any]:
        chat = _still_open(lock_conversation(db, info.id, visit.claims.session_id))
        turned.append(chat)
        had_lead.append(bool(chat.state.get("lead")))
        return _send(rt, db, info, chat, visit, understood)

    scope = f"chat.send:{visit.claims.session_id}"
    answer, replayed = idempotency.run_once(rt, info.id, scope, idempotency_key, body, turn)
    if not replayed:
        chat = turned[-1]
        positions.remember(rt, chat)
        _count_turn(chat, had_lead[-1])
        for appointment_id in chat.booked:
            rt.queue.enqueue("send_invitation", appointment_id, info.id)
        lead = chat.state.get("lead") or {}
        if chat.status == "completed" and lead.get("id") and rt.settings.ai_base_url:
            # The preliminary proposal from the store's catalogue, where the operator offers a model
            # (once per lead; a task, so no model call holds up the visitor's last turn).
            rt.queue.enqueue("write_proposal", info.id, lead["id"])
    return answer, replayed


def _count_turn(chat: Conversation, had_lead: bool) -> None:
    """Count a committed turn, the lead it created and the visits it booked (/metrics)."""
    metrics.CHAT_TURNS.labels(chat.channel).inc()
    if not had_lead and chat.state.get("lead"):
        metrics.LEADS.labels(chat.channel).inc()
    if chat.booked:
        metrics.BOOKINGS.labels("chat").inc(len(chat.booked))


def transcript(rt: Runtime, claims: VisitorClaims, tenant: TenantInfo | None = None) -> dict[str, Any]:
    """Return the whole conversation, for the widget to restore after a reload."""
    info = _live_tenant(rt, claims.tenant_id, tenant)
    with rt.transaction() as db:
        chat = db.scalar(
            select(ChatSession).where(ChatSession.id == claims.session_id, ChatSession.tenant_id == info.id)
        )
        if chat is None:
            raise NotFound("This conversation does not exist.")
        rows = db.scalars(
            select(Message).where(Message.tenant_id == info.id, Message.session_id == chat.id).order_by(Message.seq)
        )
        stored = [{field: getattr(row, field) for field in (*MESSAGE_FIELDS, "data")} for row in rows]
        messages = with_attachments(db, rt.settings.secret_key or "", info.id, stored)
        if chat.status != "active":
            # A finished conversation shows its files by name only: like its contacts, the photos
            # of a home are not for whoever comes to hold the conversation's id later.
            messages = [
                m | {"attachments": [a | {"url": None, "thumbnail_url": None} for a in m["attachments"]]}
                for m in masked_messages(messages, dict(chat.variables))
            ]
        waiting = None
        if chat.state.get("started"):
            # "start" on a started conversation says nothing and tells what it waits for.
            state = {**chat.state, "vars": dict(chat.variables)}
            waiting = _waiting(rt, db, info, chat.flow_id, state)
        return turn_answer(chat.id, chat.language, chat.status, chat.state, messages, waiting)


def _still_open(chat: Conversation) -> Conversation:
    # An expired or erased conversation takes no more turns, even from a tab left open with a valid
    # token: the 401 makes the widget open a session again, which begins a new conversation.
    if chat.expires_at <= utcnow():
        raise Unauthorized("This conversation has ended; a new one will begin.", code="session_expired")
    return chat


def _live_tenant(rt: Runtime, tenant_id: str, known: TenantInfo | None) -> TenantInfo:
    info = known if known is not None and known.id == tenant_id else tenant_info(rt, tenant_id)
    if info is None or info.status != "active":
        raise Unavailable("This chat is not available right now.", code="store_unavailable")
    return info


def _standing(rt: Runtime, info: TenantInfo, session_id: str, known: dict[str, Any]) -> dict[str, Any]:
    """Answer a repeated start from the cached position: nothing new said, the same input."""
    state = known["state"]
    with rt.transaction() as db:
        waiting = _waiting(rt, db, info, known["flow_id"], {**state, "vars": {}})
    return turn_answer(session_id, known["language"], known["status"], state, [], waiting)


def _waiting(
    rt: Runtime, db: Session | Connection, info: TenantInfo, flow_id: str, state: dict[str, Any]
) -> dict[str, Any] | None:
    """Return what a started conversation waits for ("start" again says nothing new)."""
    setting = read_setting(rt, db, info, flow_id)
    return step(setting.flow, state, Reply("start"), turn_context(db, setting, state)).input


def _read_text(rt: Runtime, info: TenantInfo, visit: Visit) -> Reading | None:
    """Understand a free-text reply, in the conversation's language as last cached (the rules, and
    the store's model where it has one: appliance.ai.assist)."""
    if visit.reply.kind != "text" or not isinstance(visit.reply.value, str):
        return None
    known = positions.recall(rt, visit.claims.session_id, info.id)
    language = visit.language or (known["language"] if known else info.default_language)
    return read_text(rt, info.id, visit.claims.session_id, Ask(visit.reply.value, language, info.country))


def _send(
    rt: Runtime, db: Connection, info: TenantInfo, chat: Conversation, visit: Visit, understood: Reading | None
) -> dict[str, Any]:
    if visit.language in info.languages:
        chat.state = {**chat.state, "language_source": "visitor"}
        if visit.reply.kind == "language":
            return _turn(rt, db, info, chat, Reply("language", visit.language), visitor=None)
        chat.state = {**chat.state, "language": visit.language}
    return _turn(rt, db, info, chat, visit.reply, visitor=visit.reply, understood=understood)


def _turn(
    rt: Runtime,
    db: Connection,
    info: TenantInfo,
    chat: Conversation,
    reply: Reply,
    visitor: Reply | None,
    understood: Reading | None = None,
) -> dict[str, Any]:
    setting = read_setting(rt, db, info, chat.flow_id)
    # The welcome and closing this conversation hears, where the store's model wrote variations.
    flow, from_model = with_variations(rt, db, info.id, setting.flow, chat.id)
    setting = replace(setting, flow=flow)
    facts = _facts(chat, info, understood.facts if understood else None)
    # The store's chosen closing (book a visit, call back, send a quote) steers the flow's ending;
    # whether a postal code already known is served steers home visits (the engine also re-derives
    # it after each answer, for a code given in this very turn).
    variables = {**chat.variables, CLOSING_VARIABLE: setting.texts.get("closing", "book_visit")}
    variables |= served_area(setting.agenda, variables)
    state = {**chat.state, "vars": variables}
    # A staff preview (appliance.conversations.preview) books nothing, makes no lead, counts for nothing.
    real = not is_preview(chat.origin)
    ctx = turn_context(db, setting, chat.state, book_slots=real, day_wish=wished_day(setting, chat, reply))
    if understood is not None and understood.flagged:
        # Moderation flagged the text: nothing of it is taken, and the same question is asked again.
        preface = system("flagged", chat.language, formal=chat.language in ctx.formal)
        turn = ask_again(setting.flow, state, ctx, preface)
    else:
        turn = _carry_out(db, setting, chat, ctx, step(setting.flow, state, reply, ctx, facts))
    now = utcnow()
    rows = messages(setting.flow, chat, turn, visitor, now, from_model)
    if rows:
        db.execute(_INSERT_MESSAGES, rows)
    before = state["vars"]
    _save_state(rt, chat, turn, now)
    # A preview makes no lead and records nothing: it has no events.
    events = (turn.events + sync_lead(db, rt, chat, before)) if real else []
    save_conversation(db, chat, now)
    record(db, chat, events, now)
    emit_completion(db, chat, events)
    bot = [row for row in rows if row["role"] == "bot"]
    return turn_answer(chat.id, chat.language, chat.status, chat.state, bot, turn.input)


def _carry_out(db: Connection, setting: TurnSetting, chat: Conversation, ctx: Context, turn: Turn) -> Turn:
    """Do what the engine asks (book the chosen slot) in this transaction, and let it finish the turn."""
    while turn.intents:
        turn = resume(setting.flow, turn, carry_out(db, setting, chat, turn.intents[0]), ctx)
    return turn


def _facts(chat: Conversation, info: TenantInfo, understood: dict[str, Any] | None) -> dict[str, Any]:
    """Take what the text said: the first free text may set the language; every one fills variables."""
    if not understood:
        return {}
    if chat.state.get("language_source") in {"default", "hint"} and understood["language"] in info.languages:
        chat.state = {**chat.state, "language": understood["language"], "language_source": "text"}
        chat.language = understood["language"]
    return {k: understood[k] for k in FACT_KEYS if understood.get(k) is not None}


def _save_state(rt: Runtime, chat: Conversation, turn: Turn, now: datetime) -> None:
    state = dict(turn.state)
    chat.variables = state.pop("vars")
    chat.state = state
    chat.current_block = state["block"]
    chat.language = state["language"]
    chat.status = "completed" if state["status"] == "completed" else "active"
    chat.last_activity_at = now
    chat.expires_at = now + (
        PREVIEW_LIFETIME if is_preview(chat.origin) else timedelta(days=rt.settings.session_idle_days)
    )


def turn_answer(
    session_id: str,
    language: str,
    status: str,
    state: dict[str, Any],
    messages: list[dict[str, Any]],
    input_spec: dict[str, Any] | None,
) -> dict[str, Any]:
    """Return the turn answer of API.md."""
    return {
        "session_id": session_id,
        "language": language,
        "status": status,
        "messages": [message_json(m) for m in messages],
        "input": input_spec,
        "lead": state.get("lead"),
    }
