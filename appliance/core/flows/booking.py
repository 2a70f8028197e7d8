"""A slot chosen at a date block: the engine asks for it to be booked and takes what came of it."""

from __future__ import annotations

from typing import Any

from appliance.core.flows.answers import Answer, Context, Rejection
from appliance.core.flows.intents import Booked, BookSlot, Outcome
from appliance.core.flows.schema import DateBlock
from appliance.core.flows.summary import when
from appliance.core.flows.texts import system
from appliance.core.flows.turn import Answering, Turn


def ask_to_book(turn: Turn, block: DateBlock, answer: Answer, taking: Answering) -> None:
    """Stop the turn with a BookSlot intent for the slot ``answer`` chose; resume() goes on."""
    chosen = answer[block.variable or block.id]
    turn.intents = [BookSlot(block.service, chosen["start"], chosen["end"])]
    turn.paused = taking


def booked_answer(block: DateBlock, intent: BookSlot, outcome: Outcome, ctx: Context) -> Answer | Rejection:
    """Return the answer a slot makes once booked, or why it cannot be taken."""
    if not isinstance(outcome, Booked):
        # Someone else took it a moment ago: say so, and offer the slots that are free now.
        ctx.forget_slots(block.service)
        return Rejection("slot_taken")
    chosen = {"start": intent.start, "end": intent.end, "service": intent.service}
    return {block.variable or block.id: chosen | {"id": outcome.appointment_id, "location": outcome.location}}


def confirm_booking(turn: Turn, ctx: Context, booked: dict[str, Any]) -> None:
    """Tell the visitor when and where their visit is."""
    s = turn.state
    address = ctx.store.get("address")
    key = (
        "booked_home" if booked.get("location") == "home" else "booked_showroom" if address else "booked_showroom_plain"
    )
    formal = s["language"] in ctx.formal
    turn.say(
        system(key, s["language"], formal=formal, when=when(booked["start"], s["language"]), address=address), None
    )
