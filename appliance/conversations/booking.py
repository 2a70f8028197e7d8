"""Carrying out what the engine asks of a turn: booking the slot the visitor chose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from appliance.agenda.booking import BookingRequest, book
from appliance.conversations.context import TurnSetting
from appliance.conversations.persistence import Conversation
from appliance.core.agenda.availability import service_of
from appliance.core.flows.intents import Booked, Intent, Outcome, SlotTaken
from appliance.errors import Conflict, Invalid
from appliance.operator.alerts import mark_booking_failed


def carry_out(db: Connection, setting: TurnSetting, chat: Conversation, intent: Intent) -> Outcome:
    """Book the slot of ``intent`` for the visitor of ``chat``, in the turn's transaction; return what came of it."""
    known = chat.variables
    request = BookingRequest(
        service=intent.service,
        start=datetime.fromisoformat(intent.start),
        name=known.get("name") or "Chat visitor",
        email=known.get("email"),
        phone=known.get("phone"),
        postal_code=known.get("postal_code"),
        address=known.get("address"),
        lead_id=(chat.state.get("lead") or {}).get("id"),
        actor="visitor",
    )
    try:
        appointment = book(db, setting.info.id, setting.agenda, request)
    except (Conflict, Invalid):
        return SlotTaken()  # taken, or no longer offered: the engine apologises and offers fresh slots
    except Exception:
        mark_booking_failed()  # the operator hears of it once the turn's transaction is over
        raise
    # Invitations go out after the commit (see turns.send).
    chat.booked.append(appointment["id"])
    return Booked(appointment["id"], (service_of(setting.agenda, intent.service) or {}).get("location", "showroom"))
