"""One chat turn: understand, load the session, run the engine, persist — in one transaction.

The visitor's message, the bot's messages, the session's state, the lead, analytics events and
consent records commit together or not at all, and a retried send with the same Idempotency-Key
gets the first answer back without anything being stored twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from appliance import idempotency
from appliance.agenda.availability import next_slots, service_of
from appliance.agenda.booking import BookingRequest, book, busy_between
from appliance.conversations import positions
from appliance.conversations.leads import sync_lead
from appliance.conversations.store import Conversation, lock_conversation, save_conversation
from appliance.db import AnalyticsEvent, ChatSession, Consent, Message, utcnow
from appliance.errors import Conflict, Invalid, NotFound, Unavailable
from appliance.flows.answers import Context, Reply
from appliance.flows.engine import Turn, step
from appliance.flows.personalise import CLOSING_VARIABLE, formal_languages, personalised
from appliance.flows.schema import ButtonsBlock, FlowDocument
from appliance.flows.service import documents
from appliance.ids import new_id
from appliance.observability import mask_text
from appliance.runtime import Runtime
from appliance.security.visitor import VisitorClaims
from appliance.tenants.directory import TenantInfo, tenant_config, tenant_info
from appliance.understanding import understand

FACT_KEYS = ("project_type", "budget_min_eur", "budget_max_eur", "area_m2", "style", "urgency", "email", "phone")
MESSAGE_FIELDS = ("id", "role", "text", "block_id", "created_at")
# Which block each bot message asked and each visitor message answered is in the transcript
# (messages carry their block_id), so these engine events are not stored a second time.
IN_MESSAGES = frozenset({"block_entered", "answered"})


@dataclass(frozen=True)
class Visit:
    """One turn's request: who, which conversation, and what they sent."""

    claims: VisitorClaims
    reply: Reply
    language: str | None = None


def start(rt: Runtime, claims: VisitorClaims, language: str | None) -> dict[str, Any]:
    """Begin the conversation (its first bot messages) or, if begun, return where it stands."""
    info = _live_tenant(rt, claims.tenant_id)
    known = positions.recall(rt, claims.session_id, info.id)
    if known and known["state"].get("started"):
        return _standing(rt, info, claims.session_id, known)
    with rt.engine.begin() as db:
        chat = lock_conversation(db, info.id, claims.session_id)
        if not chat.state.get("started") and language in info.languages:
            chat.state = {**chat.state, "language": language, "language_source": "visitor"}
        answer = _turn(rt, db, info, chat, Reply("start"), visitor=None)
    positions.remember(rt, chat)
    return answer


def send(rt: Runtime, visit: Visit, idempotency_key: str | None, body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Take one visitor reply; return the turn answer and whether it was replayed."""
    info = _live_tenant(rt, visit.claims.tenant_id)
    # Reading free text is the costliest step and needs no lock, so it happens before the transaction.
    understood = _read_text(rt, info, visit)
    turned: list[Conversation] = []

    def turn(db: Connection) -> dict[str, Any]:
        chat = lock_conversation(db, info.id, visit.claims.session_id)
        turned.append(chat)
        return _send(rt, db, info, chat, visit, understood)

    scope = f"chat.send:{visit.claims.session_id}"
    answer, replayed = idempotency.run_once(rt.engine, info.id, scope, idempotency_key, body, turn)
    if not replayed:
        positions.remember(rt, turned[-1])
    return answer, replayed


def transcript(rt: Runtime, claims: VisitorClaims) -> dict[str, Any]:
    """Return the whole conversation, for the widget to restore after a reload."""
    info = _live_tenant(rt, claims.tenant_id)
    with rt.sessions() as db:
        chat = db.scalar(
            select(ChatSession).where(ChatSession.id == claims.session_id, ChatSession.tenant_id == info.id)
        )
        if chat is None:
            raise NotFound("This conversation does not exist.")
        rows = db.scalars(
            select(Message).where(Message.tenant_id == info.id, Message.session_id == chat.id).order_by(Message.seq)
        )
        messages = [{field: getattr(row, field) for field in MESSAGE_FIELDS} for row in rows]
        waiting = None
        if chat.state.get("started"):
            # "start" on a started conversation says nothing and tells what it waits for.
            state = {**chat.state, "vars": dict(chat.variables)}
            waiting = _waiting(rt, db, info, chat.flow_id, state)
        return turn_answer(chat.id, chat.language, chat.status, chat.state, messages, waiting)


def _live_tenant(rt: Runtime, tenant_id: str) -> TenantInfo:
    info = tenant_info(rt, tenant_id)
    if info is None or info.status != "active":
        raise Unavailable("This chat is not available right now.", code="store_unavailable")
    return info


def _standing(rt: Runtime, info: TenantInfo, session_id: str, known: dict[str, Any]) -> dict[str, Any]:
    """Answer a repeated start from the cached position: nothing new said, the same input."""
    state = known["state"]
    with rt.sessions() as db:
        waiting = _waiting(rt, db, info, known["flow_id"], {**state, "vars": {}})
    return turn_answer(session_id, known["language"], known["status"], state, [], waiting)


def _waiting(
    rt: Runtime, db: Session | Connection, info: TenantInfo, flow_id: str, state: dict[str, Any]
) -> dict[str, Any] | None:
    """Return what a started conversation waits for ("start" again says nothing new)."""
    texts = tenant_config(rt, db, info.id, "texts")
    flow = personalised.get(flow_id, documents.get(db, info.id, flow_id), texts)
    return step(flow, state, Reply("start"), _context(rt, db, info, state, texts)).input


def _read_text(rt: Runtime, info: TenantInfo, visit: Visit) -> dict[str, Any] | None:
    """Understand a free-text reply, in the conversation's language as last cached."""
    if visit.reply.kind != "text" or not isinstance(visit.reply.value, str):
        return None
    known = positions.recall(rt, visit.claims.session_id, info.id)
    language = visit.language or (known["language"] if known else info.default_language)
    return understand(visit.reply.value, default_language=language, default_country=info.country)


def _send(
    rt: Runtime, db: Connection, info: TenantInfo, chat: Conversation, visit: Visit, understood: dict[str, Any] | None
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
    understood: dict[str, Any] | None = None,
) -> dict[str, Any]:
    texts = tenant_config(rt, db, info.id, "texts")
    flow = personalised.get(chat.flow_id, documents.get(db, info.id, chat.flow_id), texts)
    facts = _facts(chat, info, understood)
    # The store's chosen closing (book a visit, call back, send a quote) steers the flow's ending.
    variables = {**chat.variables, CLOSING_VARIABLE: texts.get("closing", "book_visit")}
    state = {**chat.state, "vars": variables}
    turn = step(flow, state, reply, _context(rt, db, info, chat.state, texts, booking_for=chat), facts)
    now = utcnow()
    rows = _messages(flow, chat, turn, visitor, now)
    if rows:
        db.execute(insert(Message), rows)
    before = state["vars"]
    _save_state(rt, chat, turn, now)
    events = turn.events + sync_lead(db, rt, chat, before)
    save_conversation(db, chat, now)
    _record(db, chat, events, now)
    bot = [row for row in rows if row["role"] == "bot"]
    return turn_answer(chat.id, chat.language, chat.status, chat.state, bot, turn.input)


def _facts(chat: Conversation, info: TenantInfo, understood: dict[str, Any] | None) -> dict[str, Any]:
    """Take what the text said: the first free text may set the language; every one fills variables."""
    if not understood:
        return {}
    if chat.state.get("language_source") in {"default", "hint"} and understood["language"] in info.languages:
        chat.state = {**chat.state, "language": understood["language"], "language_source": "text"}
        chat.language = understood["language"]
    return {k: understood[k] for k in FACT_KEYS if understood.get(k) is not None}


def _context(
    rt: Runtime,
    db: Session | Connection,
    info: TenantInfo,
    state: dict[str, Any],
    texts: dict[str, Any],
    booking_for: Conversation | None = None,
) -> Context:
    """Return what the engine may know this turn; with ``booking_for``, a chosen slot is booked."""

    def slots(service: str) -> list[dict[str, str]]:
        agenda = tenant_config(rt, db, info.id, "agenda")
        now = utcnow()
        horizon = now + timedelta(days=int(agenda.get("max_days_ahead", 60)) + 2)
        busy = busy_between(db, info.id, service, now - timedelta(days=1), horizon)  # type: ignore[arg-type]
        return next_slots(agenda, service, now, busy=busy)

    return Context(
        country=info.country,
        slot_source=slots,
        attachments=frozenset(state.get("attachments", [])),
        store={
            "store_name": info.branding.get("store_name") or info.name,
            "address": info.branding.get("address"),
        },
        formal=formal_languages(texts),
        book=_booker(rt, db, info, booking_for) if booking_for is not None else None,
    )


def _booker(rt: Runtime, db: Any, info: TenantInfo, chat: Conversation) -> Any:
    def book_slot(service: str, slot: dict[str, str]) -> dict[str, Any] | None:
        agenda = tenant_config(rt, db, info.id, "agenda")
        known = chat.variables
        request = BookingRequest(
            service=service,
            start=datetime.fromisoformat(slot["start"]),
            name=known.get("name") or "Chat visitor",
            email=known.get("email"),
            phone=known.get("phone"),
            postal_code=known.get("postal_code"),
            lead_id=(chat.state.get("lead") or {}).get("id"),
            actor="visitor",
        )
        try:
            appointment = book(db, info.id, agenda, request)
        except (Conflict, Invalid):
            return None  # taken, or no longer offered: the engine apologises and offers fresh slots
        return appointment | {"location": (service_of(agenda, service) or {}).get("location", "showroom")}

    return book_slot


def _messages(
    flow: FlowDocument, chat: Conversation, turn: Turn, visitor: Reply | None, now: datetime
) -> list[dict[str, Any]]:
    seq = int(chat.state.get("seq", 0))
    common = {"tenant_id": chat.tenant_id, "session_id": chat.id, "created_at": now, "channel_message_id": None}
    rows = []
    if visitor is not None:
        seq += 1
        text, data = _visitor_record(flow, chat, turn, visitor)
        row = {"id": new_id("m"), "seq": seq, "role": "visitor", "text": text, "data": data}
        rows.append(common | row | {"block_id": chat.current_block})
    for message in turn.messages:
        seq += 1
        row = {"id": new_id("m"), "seq": seq, "role": "bot", "text": message["text"], "data": None}
        rows.append(common | row | {"block_id": message["block_id"]})
    turn.state["seq"] = seq
    return rows


def _visitor_record(flow: FlowDocument, chat: Conversation, turn: Turn, reply: Reply) -> tuple[str | None, Any]:
    """Return what the transcript keeps of the visitor's reply (contacts masked without consent)."""
    block = flow.block(chat.current_block) if chat.current_block else None
    if reply.kind == "choice" and isinstance(block, ButtonsBlock):
        option = next((o for o in block.options if o.id == reply.value), None)
        label = option.label.get(turn.state["language"]) if option else None
        return label or str(reply.value), {"choice": reply.value}
    if reply.kind == "skip":
        return None, {"skip": True}
    text = reply.value if isinstance(reply.value, str) else None
    data = None if isinstance(reply.value, str) or reply.kind == "text" else {"value": reply.value}
    if not _may_keep_contacts(flow, turn.state):
        text = mask_text(text) if text else text
        data = {"value": mask_text(str(reply.value))} if data else None
    return text, data


def _may_keep_contacts(flow: FlowDocument, state: dict[str, Any]) -> bool:
    asks = any(isinstance(b, ButtonsBlock) and b.consent for b in flow.blocks)
    return not asks or bool(state.get("consent", {}).get("lead_contact"))


def _save_state(rt: Runtime, chat: Conversation, turn: Turn, now: datetime) -> None:
    state = dict(turn.state)
    chat.variables = state.pop("vars")
    chat.state = state
    chat.current_block = state["block"]
    chat.language = state["language"]
    chat.status = "completed" if state["status"] == "completed" else "active"
    chat.last_activity_at = now
    chat.expires_at = now + timedelta(days=rt.settings.session_idle_days)


def _record(db: Connection, chat: Conversation, events: list[dict[str, Any]], now: datetime) -> None:
    lead_id = (chat.state.get("lead") or {}).get("id")
    rows = [
        {
            "id": new_id("ev"),
            "tenant_id": chat.tenant_id,
            "name": event["name"],
            "session_id": chat.id,
            "lead_id": lead_id,
            "block_id": event.get("block_id"),
            "data": _safe(event["data"]),
            "created_at": now,
        }
        for event in events
        if event["name"] not in IN_MESSAGES
    ]
    if rows:
        db.execute(insert(AnalyticsEvent), rows)
    consents = [_consent(chat, lead_id, event, now) for event in events if event["name"] == "consent"]
    if consents:
        db.execute(insert(Consent), consents)


def _safe(data: dict[str, Any]) -> dict[str, Any]:
    # Analytics keep ids and codes only; the consent wording goes to the consent record instead.
    return {k: v for k, v in data.items() if k != "text"}


def _consent(chat: Conversation, lead_id: str | None, event: dict[str, Any], now: datetime) -> dict[str, Any]:
    data = event["data"]
    return {
        "id": new_id("cn"),
        "tenant_id": chat.tenant_id,
        "session_id": chat.id,
        "lead_id": lead_id,
        "purpose": data["purpose"],
        "granted": data["granted"],
        "text_version": data["version"],
        "language": data["language"],
        "channel": chat.channel,
        "created_at": now,
        "withdrawn_at": None,
        "text_hash": hashlib.sha256(data["text"].encode("utf-8")).hexdigest(),
        "evidence": {"block_id": event["block_id"], "origin": chat.origin, "text": data["text"]},
    }


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


def message_json(message: dict[str, Any]) -> dict[str, Any]:
    """Return one message as the API shows it."""
    return {
        "id": message["id"],
        "role": message["role"],
        "text": message["text"],
        "block_id": message["block_id"],
        "created_at": message["created_at"].isoformat(),
    }
