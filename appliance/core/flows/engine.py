"""The flow engine: a pure step function over plain data.

    step(flow, state, reply, ctx, facts) -> Turn(messages, input, state, events, intents)
    resume(flow, turn, outcome, ctx) -> Turn   (only for a turn that stopped at an intent)

`state` is a JSON-serialisable dict (see new_state); `facts` are what understanding read in the
visitor's free text (project, budget, area...), which fill variables at any block. The engine never
raises on a visitor's reply: a reply it cannot use is explained, and the same question stays open.

The engine writes nowhere. When an answer needs the world changed (a chosen slot booked, with
ctx.book_slots), step() stops there with the intent in ``Turn.intents`` (see intents.py); the caller
carries it out and calls resume() with the outcome, which finishes the turn as if uninterrupted.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from appliance.core.flows import early
from appliance.core.flows.answers import Answer, Context, Rejection, Reply, read_answer
from appliance.core.flows.booking import ask_to_book, booked_answer, confirm_booking
from appliance.core.flows.conditions import holds
from appliance.core.flows.dates import dated_reply, nothing_free
from appliance.core.flows.ending import refusal_text, refuses_contact
from appliance.core.flows.inputs import current_input, input_spec
from appliance.core.flows.intents import Outcome
from appliance.core.flows.schema import (
    AnyBlock,
    ButtonsBlock,
    ConditionBlock,
    DateBlock,
    EndBlock,
    FlowDocument,
    MessageBlock,
    Question,
)
from appliance.core.flows.summary import SUMMARY_FIELDS, describe
from appliance.core.flows.texts import fill, pick, system
from appliance.core.flows.turn import Answering, Turn
from appliance.core.lead_fields import CONTACT_FIELDS

# Contact details are kept only after the visitor has agreed, when the flow asks for consent.
CONTACT_VARIABLES = frozenset(CONTACT_FIELDS)
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
        formal = s["language"] in ctx.formal
        refused = s.get("ending") == "refused"
        turn.say(
            refusal_text(ctx.store, s["language"], formal)
            if refused
            else system("finished", s["language"], formal=formal),
            None,
        )
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
        turn.input = current_input(flow, s, ctx)
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
        turn.input = current_input(flow, s, ctx)


def _answer(flow: FlowDocument, turn: Turn, ctx: Context, reply: Reply, facts: dict[str, Any]) -> None:
    s = turn.state
    block: Question = flow.block(s["block"])  # type: ignore[assignment]
    taking = Answering(reply.kind, tuple(_apply_facts(flow, turn, block.id, facts)), facts)
    if reply.kind == "skip":
        _skip(flow, turn, ctx, block, taking.noted)
        return
    if isinstance(block, DateBlock):
        dated = dated_reply(turn, ctx, block, reply)
        if dated is None:
            turn.input = input_spec(flow, block, s, ctx)
            return
        reply = dated
    answer = read_answer(block, reply, ctx, s.get("slot_query"), language=s["language"], facts=facts)
    if isinstance(answer, Rejection) and answer.reason == "dont_know" and block.optional:
        # "No lo sé" at an optional question passes it over instead of asking it again.
        _skip(flow, turn, ctx, block, taking.noted)
        return
    if isinstance(block, DateBlock) and ctx.book_slots and not isinstance(answer, Rejection):
        # Booking writes to the agenda, which only the caller may do; it resumes the turn after.
        ask_to_book(turn, block, answer, taking)
        return
    _take(flow, turn, ctx, block, answer, taking)


def resume(flow: FlowDocument, turn: Turn, outcome: Outcome, ctx: Context | None = None) -> Turn:
    """Finish a turn that step() stopped at its BookSlot intent, with what came of it.

    ``ctx`` is the context the turn began with: a slot just taken makes it offer fresh slots.
    """
    if turn.paused is None or not turn.intents:
        raise ValueError("resume() takes a turn that step() stopped at an intent")
    ctx = ctx or Context()
    resumed = Turn(messages=list(turn.messages), state=copy.deepcopy(turn.state), events=list(turn.events))
    block: DateBlock = flow.block(resumed.state["block"])  # type: ignore[assignment]
    answer = booked_answer(block, turn.intents[0], outcome, ctx)
    _take(flow, resumed, ctx, block, answer, turn.paused)
    return resumed


def _take(
    flow: FlowDocument, turn: Turn, ctx: Context, block: Question, answer: Answer | Rejection, taking: Answering
) -> None:
    """Store ``answer`` to ``block`` and walk on to the next question, or explain why it is not taken."""
    s = turn.state
    if isinstance(answer, Rejection) and _filled_by(block, taking.noted):
        answer = {}
    if isinstance(answer, Rejection):
        _reject(flow, turn, ctx, block, answer, taking.noted)
        return
    _store(flow, turn, block, answer)
    if refuses_contact(block, s["vars"]):
        _end_refused(flow, turn, ctx, block, taking)
        return
    if ctx.derive is not None:
        s["vars"].update(ctx.derive(s["vars"]))
    if isinstance(block, DateBlock) and ctx.book_slots:
        confirm_booking(turn, ctx, answer.get(block.variable or block.id) or {})
    if isinstance(block, ButtonsBlock) and block.consent:
        # Contact details said before consent, or in the very reply that grants it, may be kept now
        # (release() forgets those held before when consent is refused).
        contacts = early.release(s) | {k: v for k, v in taking.facts.items() if k in CONTACT_VARIABLES}
        _apply_facts(flow, turn, block.id, contacts)
    _confirm(turn, taking.noted, ctx)
    turn.note("answered", block.id, via=taking.via)
    _walk(flow, _next_after(block, s["vars"]), turn, ctx)


def _end_refused(flow: FlowDocument, turn: Turn, ctx: Context, block: Question, taking: Answering) -> None:
    """End the conversation after a refused consent, in any store's flow: nothing more is asked,
    and the last message says how to reach the store without leaving personal data."""
    s = turn.state
    early.release(s)  # what the visitor said before refusing is forgotten, not kept
    turn.note("answered", block.id, via=taking.via)
    turn.say(refusal_text(ctx.store, s["language"], s["language"] in ctx.formal), block.id)
    s["ending"] = "refused"
    _finish(flow, turn, ctx, None)


def _apply_facts(flow: FlowDocument, turn: Turn, block_id: str | None, facts: dict[str, Any]) -> list[str]:
    """Fill variables with what the visitor said in free text; return the ones that changed."""
    s = turn.state
    changed = []
    for name, value in facts.items():
        if value is None or s["vars"].get(name) == value:
            continue
        if not _may_keep(flow, s, name):
            early.hold(s, name, value)
            continue
        s["vars"][name] = value
        changed.append(name)
        turn.note("fact_understood", block_id, variable=name)
    return changed


def _filled_by(block: Question, noted: Sequence[str]) -> bool:
    names = {block.variable, getattr(block, "variable_min", None)} - {None}
    return bool(names & set(noted))


def _confirm(turn: Turn, noted: Sequence[str], ctx: Context) -> None:
    shown = [n for n in noted if n in SUMMARY_FIELDS]
    if shown:
        s = turn.state
        summary = describe({n: s["vars"].get(n) for n in shown}, s["language"])
        formal = s["language"] in ctx.formal
        turn.say(system("understood", s["language"], formal=formal, summary=summary), s["block"])


def _reject(
    flow: FlowDocument, turn: Turn, ctx: Context, block: Question, why: Rejection, noted: Sequence[str]
) -> None:
    s = turn.state
    if any(n in SUMMARY_FIELDS for n in noted):
        # The visitor told us something else useful: say so, and ask this question again.
        _confirm(turn, noted, ctx)
        turn.say(_text(flow, s, block.text, ctx), block.id)
    else:
        turn.say(system(why.reason, s["language"], formal=s["language"] in ctx.formal, **why.params), block.id)
        turn.note("invalid_answer", block.id, reason=why.reason)
    turn.input = input_spec(flow, block, s, ctx)


def _skip(flow: FlowDocument, turn: Turn, ctx: Context, block: Question, noted: Sequence[str]) -> None:
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
        elif early.already_told(block, s["vars"]):  # type: ignore[arg-type]
            early.confirm_told(turn, block, s["language"] in ctx.formal)  # type: ignore[arg-type]
            block_id = _next_after(block, s["vars"])
        elif block.skip_if_known and _known(block, s["vars"]):  # type: ignore[union-attr]
            turn.note("skipped_known", block.id)
            block_id = _next_after(block, s["vars"])
        elif isinstance(block, DateBlock) and nothing_free(turn, ctx, block):
            block_id = block.next  # nothing to offer: said so, and the conversation goes on without a visit
        else:
            _ask(flow, turn, ctx, block)  # type: ignore[arg-type]
            return
    turn.note("loop_guard", block_id)
    _finish(flow, turn, ctx, None)


def ask_again(flow: FlowDocument, state: dict[str, Any], ctx: Context, preface: str) -> Turn:
    """Say ``preface`` and ask the current question once more, the reply taken as unsaid (moderation flagged it)."""
    if not state.get("started") or state.get("status") != "active":
        turn = step(flow, state, Reply("start"), ctx)
        turn.messages.insert(0, {"text": preface, "block_id": turn.state.get("block")})
        return turn
    turn = Turn(state=copy.deepcopy(state))
    turn.say(preface, state.get("block"))
    block = flow.block(state["block"]) if state.get("block") else None
    if isinstance(block, Question):
        _ask(flow, turn, ctx, block)
        turn.events.clear()  # the block was entered before; nothing new happened to count
    return turn


def _ask(flow: FlowDocument, turn: Turn, ctx: Context, block: Question) -> None:
    s = turn.state
    s["block"] = block.id
    s.pop("slot_query", None)
    turn.say(_text(flow, s, block.text, ctx), block.id)
    turn.input = input_spec(flow, block, s, ctx)
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
