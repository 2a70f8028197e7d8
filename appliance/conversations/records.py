"""What a turn writes besides the session: messages, analytics events and consent records."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from appliance.conversations.persistence import Conversation
from appliance.core.flows.answers import Reply
from appliance.core.flows.dates import MORE_DATES
from appliance.core.flows.schema import ButtonsBlock, DateBlock, FlowDocument, MediaBlock
from appliance.core.flows.summary import when
from appliance.core.flows.texts import system
from appliance.core.flows.turn import Turn
from appliance.core.ids import new_id
from appliance.core.lead_fields import CONTACT_FIELDS
from appliance.infra.db import AnalyticsEvent, Consent
from appliance.infra.observability import mask_text

MESSAGE_FIELDS = ("id", "role", "text", "block_id", "created_at")
# Which block each bot message asked and each visitor message answered is in the transcript
# (messages carry their block_id), so these engine events are not stored a second time.
IN_MESSAGES = frozenset({"block_entered", "answered"})
# The hot path's statements are built once (see docs/performance.md).
_INSERT_EVENTS = insert(AnalyticsEvent)
_INSERT_CONSENTS = insert(Consent)


def messages(
    flow: FlowDocument,
    chat: Conversation,
    turn: Turn,
    visitor: Reply | None,
    now: datetime,
    from_model: frozenset[tuple[str, str]] = frozenset(),
) -> list[dict[str, Any]]:
    """Return the turn's message rows; a bot message whose text the store's model wrote says so."""
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
        data = {"source": "model"} if (message["block_id"], turn.state["language"]) in from_model else None
        row = {"id": new_id("m"), "seq": seq, "role": "bot", "text": message["text"], "data": data}
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
    language = turn.state["language"]
    if isinstance(block, DateBlock) and reply.kind == "choice" and reply.value == MORE_DATES:
        return system("more_dates_label", language), {"choice": MORE_DATES}
    if isinstance(block, MediaBlock) and reply.kind == "value":
        # Files are shown by their names and thumbnails (from their rows), never by their ids.
        return None, {"value": reply.value}
    text = _shown(block, reply, language)
    data = None if isinstance(reply.value, str) and reply.kind == "text" else {"value": reply.value}
    if not _may_keep_contacts(flow, turn.state):
        text = mask_text(text) if text else text
        data = {"value": mask_text(str(reply.value))} if data else None
    return text, data


def _shown(block: Any, reply: Reply, language: str) -> str | None:
    """Return the visitor's reply as the transcript shows it: a chosen time in words, numbers as typed."""
    value = reply.value
    if isinstance(block, DateBlock) and isinstance(value, str):
        try:
            return when(value, language)
        except ValueError:
            return value
    if isinstance(value, str):
        return value
    if isinstance(value, list) and len(value) == 2:
        return f"{value[0]}–{value[1]}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return None


def _may_keep_contacts(flow: FlowDocument, state: dict[str, Any]) -> bool:
    asks = any(isinstance(b, ButtonsBlock) and b.consent for b in flow.blocks)
    return not asks or bool(state.get("consent", {}).get("lead_contact"))


def record(db: Connection, chat: Conversation, events: list[dict[str, Any]], now: datetime) -> None:
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
        db.execute(_INSERT_EVENTS, rows)
    consents = [_consent(chat, lead_id, event, now) for event in events if event["name"] == "consent"]
    if consents:
        db.execute(_INSERT_CONSENTS, consents)


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


def masked_messages(rows: list[dict[str, Any]], variables: dict[str, Any]) -> list[dict[str, Any]]:
    """Return a finished conversation's messages as its widget may show them again: the contact
    details said in it masked (the name partly, e-mail, phone and address), staff see them whole.

    Once a conversation is over, nobody needs them back in the widget, while anyone who came to hold
    its id (a shared computer, a leaked link) should not read them (docs/security.md).
    """
    said = _contact_values(variables)
    return [row | {"text": _masked(row["text"], said)} if row["text"] else row for row in rows]


def _contact_values(variables: dict[str, Any]) -> list[tuple[str, str]]:
    """Return each contact detail the visitor gave and what the transcript shows instead, longest first."""
    pairs = []
    for name, value in variables.items():
        if not isinstance(value, str) or len(value.strip()) < 2:
            continue
        if name == "name":
            pairs.append((value.strip(), _partly(value)))
        elif name in CONTACT_FIELDS or "address" in name or "street" in name:
            pairs.append((value.strip(), "***"))
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _partly(name: str) -> str:
    """Return a name with only its first word whole: "Laura García Puig" -> "Laura G. P."."""
    first, *rest = name.split()
    return " ".join([first, *(f"{word[0]}." for word in rest)])


def _masked(text: str, said: list[tuple[str, str]]) -> str:
    for value, shown in said:
        text = re.sub(re.escape(value), shown, text, flags=re.IGNORECASE)
    return mask_text(text)


def message_json(message: dict[str, Any]) -> dict[str, Any]:
    """Return one message as the API shows it."""
    return {
        "id": message["id"],
        "role": message["role"],
        "text": message["text"],
        "block_id": message["block_id"],
        "created_at": message["created_at"].isoformat(),
        "attachments": message.get("attachments", []),
    }
