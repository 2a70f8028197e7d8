"""A date block asked for other dates: more of them, the free slot a typed time names, or those
nearest the day, part of the day or time the visitor wrote (read by understanding.wishes)."""

from __future__ import annotations

from datetime import date
from typing import Any

from appliance.core.agenda.nearest import starts_at
from appliance.core.flows.answers import Context, Reply
from appliance.core.flows.schema import DateBlock
from appliance.core.flows.texts import system
from appliance.core.flows.turn import Turn

MORE_DATES = "more_dates"


def dated_reply(turn: Turn, ctx: Context, block: DateBlock, reply: Reply) -> Reply | None:
    """Return the reply to read as the block's answer, or None when this turn offers other slots.

    "More dates" pages forward. Free text that names a moment (ctx.day_wish) either picks the free
    slot at exactly the time it names, which the visitor then books like a click, or offers the
    free slots nearest to it, saying why when the moment itself is not free or has passed.
    """
    s = turn.state
    if reply.kind == "choice" and reply.value == MORE_DATES:
        last = s.get("slots_last")
        _offer_more(turn, ctx, block, {"after": last} if last else {"after_day": None})
        return None
    wish = ctx.day_wish if reply.kind == "text" else None
    if not wish:
        return reply
    shown = ctx.slots_for(block.service, s.get("slot_query"))
    if picked := _named_slot(wish, shown):
        return Reply("value", picked["start"])
    near = wish["day"] or (s.get("slot_query") or {}).get("near") or (shown[0]["start"][:10] if shown else None)
    if near is None:
        _say(turn, ctx, block, "no_slots_soon")
        return None
    query = {"near": near, "part": wish.get("part"), "time": wish.get("time")}
    slots = ctx.slots_for(block.service, query)
    if (picked := _named_slot(wish | {"day": near}, slots)) is not None:
        s["slot_query"] = query
        return Reply("value", picked["start"])
    s["slot_query"] = query if slots else None
    _say(turn, ctx, block, _why(wish, near, slots))
    turn.note("other_dates", block.id, query=sorted(k for k, v in query.items() if v))
    return None


def _named_slot(wish: dict[str, Any], slots: tuple[dict[str, str], ...]) -> dict[str, str] | None:
    """Return the slot that starts at exactly the time the wish names (on its day, if it names one)."""
    if not wish.get("time") or wish.get("approx") or wish.get("past"):
        return None
    hours, minutes = wish["time"].split(":")
    minute = int(hours) * 60 + int(minutes)
    day = date.fromisoformat(wish["day"]) if wish.get("day") else None
    same = [s for s in slots if starts_at(s, day or date.fromisoformat(s["start"][:10]), minute)]
    return same[0] if same else None


def _why(wish: dict[str, Any], near: str, slots: tuple[dict[str, str], ...]) -> str:
    """Return the key of the sentence that introduces the slots offered for a wish."""
    if not slots:
        return "no_slots_soon"
    if wish.get("past"):
        return "past_day" if wish["past"] == "day" else "past_time"
    if slots[0]["start"][:10] != near and not any(s["start"][:10] == near for s in slots):
        return "nearest_days" if wish.get("part") or wish.get("time") else "no_slots_day"
    return "day_slots" if wish.get("day") and not wish.get("time") else "wish_slots"


def _offer_more(turn: Turn, ctx: Context, block: DateBlock, query: dict[str, Any]) -> None:
    """Say which slots follow the ones shown and choose the search whose slots the block shows next."""
    if ctx.slots_for(block.service, query):
        key = "more_slots"
    else:
        key, query = "no_more_slots", {}
    turn.state["slot_query"] = query or None
    _say(turn, ctx, block, key)
    turn.note("other_dates", block.id, query=sorted(query))


def nothing_free(turn: Turn, ctx: Context, block: DateBlock) -> bool:
    """Tell whether the agenda has no free slot to offer at all; if so, say so and what happens next."""
    if ctx.slots_for(block.service):
        return False
    _say(turn, ctx, block, "no_slots_soon")
    turn.note("no_slots", block.id, service=block.service)
    return True


def _say(turn: Turn, ctx: Context, block: DateBlock, key: str) -> None:
    s = turn.state
    phone = ctx.store.get("phone")
    turn.say(system(key, s["language"], formal=s["language"] in ctx.formal, phone=phone or ""), block.id)
    if key == "no_slots_soon" and phone:
        turn.say(system("call_us", s["language"], formal=s["language"] in ctx.formal, phone=phone), block.id)


def date_input(block: DateBlock, ctx: Context, state: dict[str, Any]) -> dict[str, Any]:
    """Return the date block's input: the slots of the current search and a "more dates" action."""
    slots = list(ctx.slots_for(block.service, state.get("slot_query")))
    state["slots_last"] = max(s["start"] for s in slots) if slots else None
    label = system("more_dates_label", state["language"], formal=state["language"] in ctx.formal)
    return {"type": "date", "service": block.service, "slots": slots, "more": {"id": MORE_DATES, "label": label}}
