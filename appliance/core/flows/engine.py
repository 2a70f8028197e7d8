"""The flow engine: a pure step function over plain data.

    step(flow, state, reply, ctx, facts) -> Turn(messages, input, state, events)

`state` is a JSON-serialisable dict (see new_state); `facts` are what understanding read in the
visitor's free text (project, budget, area...), which fill variables at any block. The engine never
raises on a visitor's reply: a reply it cannot use is explained, and the same question stays open.
"""

from __future__ import annotations

import copy
from typing import Any

from appliance.core.flows.answers import Context, Rejection, Reply, read_answer
from appliance.core.flows.conditions import holds
from appliance.core.flows.dates import date_input, offer_other_dates, other_dates_query
from appliance.core.flows.schema import (
    AnyBlock,
    ButtonsBlock,
    ConditionBlock,
    DateBlock,
    EndBlock,
    FlowDocument,
    InputBlock,
    MediaBlock,
    MessageBlock,
    Question,
    RangeBlock,
)
from appliance.core.flows.summary import SUMMARY_FIELDS, describe, when
from appliance.core.flows.texts import fill, pick, system
from appliance.core.flows.turn import Turn

# Contact details are kept only after the visitor has agreed, when the flow asks for consent.
CONTACT_VARIABLES = frozenset({"name", "email", "phone", "address"})
MAX_WALK = 500


def new_state(language: str) -> dict[str, Any]:
    """Return the state of a conversation that has not started."""
    return {"block": None, "language": language, "status": "active", "started": False, "vars": {}, "consent": {}}


def step(
    flow: FlowDocument,
    state: dict[str, Any],
    reply: Reply,
    ctx: Context | None = None,
    facts: dict[str, Any] | None = None,
) -> Turn:
    """Advance the conversation by one visitor reply (or start it)."""
    ctx = ctx or Context()
    turn = Turn(state=copy.deepcopy(state))
    s = turn.state
    if reply.kind == "start":
        _start(flow, turn, ctx, facts or {})
    elif s["status"] != "active":
        turn.say(system("finished", s["language"], formal=s["language"] in ctx.formal), None)
    elif not s["started"]:
        _start_on_first_reply(flow, turn, ctx, reply, facts or {})
    elif reply.kind == "language":
        _switch_language(flow, turn, ctx, reply.value)
    else:
        _answer(flow, turn, ctx, reply, facts or {})
    return turn


def _start(flow: FlowDocument, turn: Turn, ctx: Context, facts: dict[str, Any]) -> None:
    s = turn.state
    if s["started"]:
        turn.input = _current_input(flow, s, ctx)
        return
    s["started"] = True
    turn.note("conversation_started")
    # What the first message already said fills variables before walking, so it is not asked.
    _apply_facts(flow, turn, None, facts)
    _walk(flow, flow.start, turn, ctx)


def _start_on_first_reply(flow: FlowDocument, turn: Turn, ctx: Context, reply: Reply, facts: dict[str, Any]) -> None:
    """Start a conversation whose first reply came before "start" (there is no question to answer yet)."""
    if reply.kind == "language" and reply.value in flow.languages:
        turn.state["language"] = reply.value
    _start(flow, turn, ctx, facts)


def _switch_language(flow: FlowDocument, turn: Turn, ctx: Context, language: Any) -> None:
    s = turn.state
    if language in flow.languages and language != s["language"]:
        s["language"] = language
        turn.note("language_changed", s["block"], language=language)
    if s["block"]:
        block = flow.block(s["block"])
        turn.say(_text(flow, s, block.text, ctx), block.id)  # type: ignore[union-attr]
        turn.input = _current_input(flow, s, ctx)


def _answer(flow: FlowDocument, turn: Turn, ctx: Context, reply: Reply, facts: dict[str, Any]) -> None:
    s = turn.state
    block: Question = flow.block(s["block"])  # type: ignore[assignment]
    noted = _apply_facts(flow, turn, block.id, facts)
    if reply.kind == "skip":
        _skip(flow, turn, ctx, block, noted)
        return
    if isinstance(block, DateBlock) and (query := other_dates_query(reply, ctx, s)) is not None:
        offer_other_dates(turn, ctx, block, query)
        turn.input = _input_spec(flow, block, s, ctx)
        return
    answer = read_answer(block, reply, ctx, s.get("slot_query"))
    if isinstance(answer, Rejection) and _filled_by(block, noted):
        answer = {}
    if isinstance(answer, Rejection):
        _reject(flow, turn, ctx, block, answer, noted)
        return
    _store(flow, turn, block, answer)
    if ctx.derive is not None:
        s["vars"].update(ctx.derive(s["vars"]))
    if isinstance(block, DateBlock) and ctx.book is not None:
        _confirm_booking(turn, ctx, answer.get(block.variable or block.id) or {})
    if isinstance(block, ButtonsBlock) and block.consent:
        # Contact details said in the very reply that grants consent may be kept now.
        _apply_facts(flow, turn, block.id, {k: v for k, v in facts.items() if k in CONTACT_VARIABLES})
    _confirm(turn, noted, ctx)
    turn.note("answered", block.id, via=reply.kind)
    _walk(flow, _next_after(block, s["vars"]), turn, ctx)


def _apply_facts(flow: FlowDocument, turn: Turn, block_id: str | None, facts: dict[str, Any]) -> list[str]:
    """Fill variables with what the visitor said in free text; return the ones that changed."""
    s = turn.state
    changed = []
    for name, value in facts.items():
        if value is None or s["vars"].get(name) == value or not _may_keep(flow, s, name):
            continue
        s["vars"][name] = value
        changed.append(name)
        turn.note("fact_understood", block_id, variable=name)
    return changed


def _confirm_booking(turn: Turn, ctx: Context, booked: dict[str, Any]) -> None:
    s = turn.state
    address = ctx.store.get("address")
    key = (
        "booked_home" if booked.get("location") == "home" else "booked_showroom" if address else "booked_showroom_plain"
    )
    formal = s["language"] in ctx.formal
    turn.say(
        system(key, s["language"], formal=formal, when=when(booked["start"], s["language"]), address=address), None
    )


def _filled_by(block: Question, noted: list[str]) -> bool:
    names = {block.variable, getattr(block, "variable_min", None)} - {None}
    return bool(names & set(noted))


def _confirm(turn: Turn, noted: list[str], ctx: Context) -> None:
    shown = [n for n in noted if n in SUMMARY_FIELDS]
    if shown:
        s = turn.state
        summary = describe({n: s["vars"].get(n) for n in shown}, s["language"])
        formal = s["language"] in ctx.formal
        turn.say(system("understood", s["language"], formal=formal, summary=summary), s["block"])


def _reject(flow: FlowDocument, turn: Turn, ctx: Context, block: Question, why: Rejection, noted: list[str]) -> None:
    s = turn.state
    if any(n in SUMMARY_FIELDS for n in noted):
        # The visitor told us something else useful: say so, and ask this question again.
        _confirm(turn, noted, ctx)
        turn.say(_text(flow, s, block.text, ctx), block.id)
    else:
        turn.say(system(why.reason, s["language"], formal=s["language"] in ctx.formal, **why.params), block.id)
        turn.note("invalid_answer", block.id, reason=why.reason)
    turn.input = _input_spec(flow, block, s, ctx)


def _skip(flow: FlowDocument, turn: Turn, ctx: Context, block: Question, noted: list[str]) -> None:
    if not block.optional and not _filled_by(block, noted):
        _reject(flow, turn, ctx, block, Rejection("required"), noted)
        return
    _confirm(turn, noted, ctx)
    turn.note("skipped", block.id)
    _walk(flow, _next_after(block, turn.state["vars"]), turn, ctx)


def _store(flow: FlowDocument, turn: Turn, block: Question, answer: dict[str, Any]) -> None:
    s = turn.state
    for name, value in answer.items():
        if _may_keep(flow, s, name):
            s["vars"][name] = value
    if isinstance(block, ButtonsBlock) and block.consent:
        granted = answer.get(block.variable or block.id) == block.consent.grant_option
        s["consent"][block.consent.purpose] = granted
        text = pick(block.text, s["language"], flow.default_language)
        turn.note(
            "consent",
            block.id,
            purpose=block.consent.purpose,
            granted=granted,
            version=block.consent.version,
            language=s["language"],
            text=text,
        )


def _may_keep(flow: FlowDocument, s: dict[str, Any], name: str) -> bool:
    if name not in CONTACT_VARIABLES:
        return True
    asks_consent = any(isinstance(b, ButtonsBlock) and b.consent for b in flow.blocks)
    return not asks_consent or bool(s["consent"].get("lead_contact"))


def _next_after(block: AnyBlock, variables: dict[str, Any]) -> str | None:
    if isinstance(block, ButtonsBlock):
        chosen = variables.get(block.variable or block.id)
        for option in block.options:
            if option.id == chosen and option.next:
                return option.next
    return block.next


def _walk(flow: FlowDocument, block_id: str | None, turn: Turn, ctx: Context) -> None:
    """Go from ``block_id`` through messages and conditions to the next question or the end."""
    s = turn.state
    for _ in range(MAX_WALK):
        block = flow.block(block_id) if block_id else None
        if block is None or isinstance(block, EndBlock):
            _finish(flow, turn, ctx, block)
            return
        if isinstance(block, MessageBlock):
            turn.say(_text(flow, s, block.text, ctx), block.id)
            block_id = block.next
        elif isinstance(block, ConditionBlock):
            block_id = next((b.next for b in block.branches if holds(b.if_, s["vars"])), block.next)
        elif block.skip_if_known and _known(block, s["vars"]):  # type: ignore[union-attr]
            turn.note("skipped_known", block.id)
            block_id = _next_after(block, s["vars"])
        else:
            _ask(flow, turn, ctx, block)  # type: ignore[arg-type]
            return
    turn.note("loop_guard", block_id)
    _finish(flow, turn, ctx, None)


def _ask(flow: FlowDocument, turn: Turn, ctx: Context, block: Question) -> None:
    s = turn.state
    s["block"] = block.id
    s.pop("slot_query", None)
    turn.say(_text(flow, s, block.text, ctx), block.id)
    turn.input = _input_spec(flow, block, s, ctx)
    turn.note("block_entered", block.id)


def _finish(flow: FlowDocument, turn: Turn, ctx: Context, block: EndBlock | None) -> None:
    s = turn.state
    if block is not None and block.text:
        turn.say(_text(flow, s, block.text, ctx), block.id)
    s["block"], s["status"] = None, "completed"
    turn.input = None
    turn.note("completed", block.id if block else None)


def _known(block: Question, variables: dict[str, Any]) -> bool:
    names = [block.variable or block.id, getattr(block, "variable_min", None)]
    return any(name and variables.get(name) is not None for name in names)


def _text(flow: FlowDocument, s: dict[str, Any], texts: dict[str, str] | None, ctx: Context) -> str:
    template = pick(texts, s["language"], flow.default_language)
    values = {**ctx.store, **s["vars"], "summary": describe(s["vars"], s["language"])}
    return fill(template, values)


def _current_input(flow: FlowDocument, s: dict[str, Any], ctx: Context) -> dict[str, Any] | None:
    if s["status"] != "active" or not s["block"]:
        return None
    return _input_spec(flow, flow.block(s["block"]), s, ctx)  # type: ignore[arg-type]


def _input_spec(flow: FlowDocument, block: Question, s: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Describe what the widget should offer for ``block`` (the turn answer's `input`)."""
    spec: dict[str, Any] = {"block_id": block.id, "required": not block.optional}
    if isinstance(block, ButtonsBlock):
        labels = [{"id": o.id, "label": pick(o.label, s["language"], flow.default_language)} for o in block.options]
        return spec | {"type": "buttons", "options": labels}
    if isinstance(block, InputBlock):
        spec["type"] = block.kind
        if block.kind == "number":
            spec |= {"min": block.min, "max": block.max, "unit": block.unit}
        return spec
    if isinstance(block, RangeBlock):
        return spec | {"type": "range", "min": block.min, "max": block.max, "step": block.step, "unit": block.unit}
    if isinstance(block, DateBlock):
        return spec | date_input(block, ctx, s)
    if isinstance(block, MediaBlock):
        return spec | {"type": "media", "accept": list(block.accept), "max_bytes": block.max_bytes}
    raise AssertionError(f"not a question: {block.id}")
