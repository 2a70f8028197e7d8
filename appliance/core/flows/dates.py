"""A date block asked for other dates: more of them, or those of a day the visitor named."""

from __future__ import annotations

from typing import Any

from appliance.core.flows.answers import Context, Reply
from appliance.core.flows.schema import DateBlock
from appliance.core.flows.texts import system
from appliance.core.flows.turn import Turn

MORE_DATES = "more_dates"


def other_dates_query(reply: Reply, ctx: Context, state: dict[str, Any]) -> dict[str, Any] | None:
    """Return the slot search a reply asks for ("more dates", or a day in free text), else None."""
    if reply.kind == "choice" and reply.value == MORE_DATES:
        last = state.get("slots_last")
        return {"after": last} if last else {"after_day": None}
    if reply.kind == "text" and ctx.day_wish:
        return {"day": ctx.day_wish["day"], "part": ctx.day_wish.get("part")}
    return None


def offer_other_dates(turn: Turn, ctx: Context, block: DateBlock, query: dict[str, Any]) -> None:
    """Say which slots follow and choose the search whose slots the block shows next."""
    s = turn.state
    formal = s["language"] in ctx.formal
    if ctx.slots_for(block.service, query):
        key = "day_slots" if "day" in query else "more_slots"
    else:
        key = "no_slots_day" if "day" in query else "no_more_slots"
        query = {"after_day": query["day"]} if "day" in query else {}
    s["slot_query"] = query or None
    turn.say(system(key, s["language"], formal=formal), block.id)
    turn.note("other_dates", block.id, query=sorted(query))


def date_input(block: DateBlock, ctx: Context, state: dict[str, Any]) -> dict[str, Any]:
    """Return the date block's input: the slots of the current search and a "more dates" action."""
    slots = list(ctx.slots_for(block.service, state.get("slot_query")))
    state["slots_last"] = slots[-1]["start"] if slots else None
    label = system("more_dates_label", state["language"], formal=state["language"] in ctx.formal)
    return {"type": "date", "service": block.service, "slots": slots, "more": {"id": MORE_DATES, "label": label}}
