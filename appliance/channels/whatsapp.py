"""The WhatsApp channel: Meta's webhook events in, the one conversation turn, the outbox out.

A webhook request only verifies and stores the event (appliance.whatsapp.webhook); this task does
the rest. Every entry, change, message and status of a batch is handled: statuses move outbox
messages forward, each visitor message is claimed once (a repeated delivery is not answered twice)
and taken through the same turn as the widget's (appliance.conversations.turns) with its message
id as the idempotency key, and the answer is rendered (appliance.channels.whatsapp_render) and
queued in the outbox. Types the bot has no use for (reactions, stickers, locations...) are ignored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import structlog

from appliance.ai.provider import Ask
from appliance.ai.rules import RULES
from appliance.channels.base import Inbound
from appliance.channels.whatsapp_render import SKIP_ID, render
from appliance.channels.whatsapp_texts import say
from appliance.conversations import turns
from appliance.core.flows.answers import Reply
from appliance.core.flows.dates import MORE_DATES
from appliance.errors import AppError
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.security.visitor import VisitorClaims
from appliance.tenants.directory import TenantInfo, tenant_info
from appliance.tenants.maintenance import in_maintenance, messages_for
from appliance.whatsapp import contacts, webhook
from appliance.whatsapp.config import Credentials, credentials_of
from appliance.whatsapp.graph import GraphError
from appliance.whatsapp.media import MediaRefused, receive_media
from appliance.whatsapp.outbox import Outgoing, apply_status, queue_messages

log = structlog.get_logger(__name__)
MEDIA_TYPES = ("image", "document")


class WhatsAppChannel:
    """Parses WhatsApp messages into the visitor's reply and renders turn answers as messages."""

    name = "whatsapp"

    def parse(self, payload: dict[str, Any], waiting: dict[str, Any] | None = None) -> Inbound:
        """Return the reply a text or a tapped button or list row makes (an unknown type: no reply)."""
        kind = payload.get("type")
        if kind == "text":
            return Inbound(Reply("text", str((payload.get("text") or {}).get("body") or "")))
        if kind == "interactive":
            interactive = payload.get("interactive") or {}
            picked = interactive.get("button_reply") or interactive.get("list_reply") or {}
            return Inbound(_tapped(str(picked.get("id") or ""), waiting or {}))
        return Inbound(Reply("none", None))

    def render(self, answer: dict[str, Any]) -> list[dict[str, Any]]:
        """Return the turn answer as WhatsApp messages (see whatsapp_render)."""
        return render(answer)


WHATSAPP = WhatsAppChannel()


def _tapped(picked: str, waiting: dict[str, Any]) -> Reply:
    """Return the answer a tapped id means: skip, more dates, a slot start, or an option id."""
    if picked == SKIP_ID:
        return Reply("skip", True)
    if picked == MORE_DATES:
        return Reply("choice", MORE_DATES)
    if waiting.get("type") == "date":
        return Reply("value", picked)
    return Reply("choice", picked)


@task
def process_whatsapp_event(rt: Runtime, event_id: str, tenant_id: str) -> int:
    """Handle every status and message of a stored webhook event; return how many messages were answered."""
    event = webhook.load_event(rt, event_id, tenant_id)
    creds = credentials_of(rt, tenant_id)
    info = tenant_info(rt, tenant_id)
    if event is None or creds is None or info is None:
        return 0
    answered = 0
    for value in _values(event, creds.phone_number_id):
        for status in value.get("statuses") or []:
            apply_status(rt, tenant_id, status)
        for message in value.get("messages") or []:
            answered += _handle(rt, info, creds, message, _contact_of(value, message))
    webhook.mark_processed(rt, event_id, tenant_id)
    return answered


def _values(event: dict[str, Any], number: str) -> list[dict[str, Any]]:
    """Return the ``value`` of every change of every entry that is about this store's number."""
    found = []
    for entry in event.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            if str((value.get("metadata") or {}).get("phone_number_id")) == number:
                found.append(value)
    return found


def _contact_of(value: dict[str, Any], message: dict[str, Any]) -> str:
    """Return the sender's WhatsApp id (wa_id), or their business-scoped id when there is no number."""
    sender = str(message.get("from") or "")
    if sender:
        return sender
    users = [c for c in value.get("contacts") or [] if isinstance(c, dict)]
    return str(users[0].get("wa_id") or users[0].get("user_id") or "") if users else ""


def _handle(rt: Runtime, info: TenantInfo, creds: Credentials, message: dict[str, Any], user_key: str) -> int:
    wamid = str(message.get("id") or "")
    if not wamid or not user_key or not webhook.claim_inbound(rt, info.id, wamid):
        return 0
    try:
        answered = _answer(rt, info, creds, message, user_key, wamid)
    except AppError as exc:
        # A paused store or a conversation without a flow: nothing to say, and nothing to retry.
        log.warning("whatsapp_not_answered", tenant_id=info.id, code=exc.code)
        answered = 0
    webhook.finish_inbound(rt, info.id, wamid)
    return answered


def _answer(
    rt: Runtime, info: TenantInfo, creds: Credentials, message: dict[str, Any], user_key: str, wamid: str
) -> int:
    at = _sent_at(message)
    arrival = contacts.arrive(rt, info, user_key, at)
    if in_maintenance(info):
        # As the widget does, the store's maintenance message answers, in the person's language.
        closed = messages_for(info)[arrival.language if arrival.language in info.languages else info.default_language]
        _queue(rt, info.id, arrival.contact_id, wamid, [_text(closed)])
        return 1
    claims = VisitorClaims(arrival.session_id, info.id, contacts.ORIGIN)
    kind = message.get("type")
    if kind in MEDIA_TYPES:
        reply = _media_reply(rt, creds, claims, message)
        if reply is None:
            return _say_only(rt, info, arrival, wamid, "media_refused")
    else:
        reply = WHATSAPP.parse(message, arrival.waiting).reply
    if reply.kind == "none":
        log.info("whatsapp_ignored", tenant_id=info.id, type=str(kind)[:32])
        return 0
    said = [] if arrival.started else [turns.start(rt, claims, info, _first_language(info, reply))]
    visit = turns.Visit(claims=claims, reply=reply, tenant=info)
    answer, _replayed = turns.send(rt, visit, wamid, {"whatsapp": wamid})
    merged = {**answer, "messages": [m for a in [*said, answer] for m in a["messages"]]}
    _queue(rt, info.id, arrival.contact_id, wamid, WHATSAPP.render(merged))
    waiting = {"type": answer["input"]["type"], "block_id": answer["input"]["block_id"]} if answer["input"] else {}
    contacts.remember_turn(rt, info.id, arrival.contact_id, waiting, (answer.get("lead") or {}).get("id"))
    return 1


def _first_language(info: TenantInfo, reply: Reply) -> str | None:
    """Return the language of a first message's text, so the greeting is already in it.

    On the web the page's language greets before the visitor types; on WhatsApp the first words
    come before any greeting, so the greeting can speak them.
    """
    if reply.kind != "text" or not isinstance(reply.value, str):
        return None
    return str(RULES.understand(Ask(reply.value, info.default_language, info.country))["language"])


def _media_reply(rt: Runtime, creds: Credentials, claims: VisitorClaims, message: dict[str, Any]) -> Reply | None:
    """Store the image or document and answer with it (its caption, when the bot waits for no file)."""
    media = dict(message.get(message["type"]) or {})
    try:
        file_id = receive_media(rt, creds, claims, media)
    except (MediaRefused, GraphError) as exc:
        log.warning("whatsapp_media_refused", tenant_id=claims.tenant_id, reason=getattr(exc, "reason", "graph"))
        return None
    return Reply("value", file_id)


def _say_only(rt: Runtime, info: TenantInfo, arrival: contacts.Arrival, wamid: str, key: str) -> int:
    language = arrival.language if arrival.language in info.languages else info.default_language
    _queue(rt, info.id, arrival.contact_id, wamid, [_text(say(key, language))])
    return 1


def _text(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def _queue(rt: Runtime, tenant_id: str, contact_id: str, wamid: str, payloads: list[dict[str, Any]]) -> None:
    items = [Outgoing(f"re:{wamid}:{n}", p["type"], p) for n, p in enumerate(payloads)]
    queue_messages(rt, tenant_id, contact_id, items)


def _sent_at(message: dict[str, Any]) -> datetime:
    """Return when the visitor sent the message (it opens the 24-hour window), never later than now."""
    now = datetime.now(UTC)
    try:
        sent = datetime.fromtimestamp(int(message["timestamp"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        return now
    return min(sent, now)
