"""Properties of the engine over random valid flows and random (often absurd) visitor replies.

Flows are valid by construction: blocks in a row, each `next` going to the following block, extra
exits (options, branches) jumping forward to any block or back to a question, and an end block
last. So every block is reachable and every loop passes through a question.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance.core.flows.answers import Context, Reply
from appliance.core.flows.engine import new_state, step
from appliance.core.flows.schema import FlowDocument, is_question
from appliance.core.flows.turn import Turn
from appliance.core.flows.validation import validate_flow

LANGUAGES = ("es", "ca", "pt", "en")
# Names the summary and the consent rules treat specially, mixed with plain ones, for every block type.
VARIABLES = ("a", "b", "project_type", "area_m2", "budget_max_eur", "style", "urgency", "name", "email", "phone")
SLOTS = ({"start": "2026-12-01T10:00:00+01:00", "end": "2026-12-01T11:00:00+01:00"},)
PHOTO = "att_1"
QUESTION_TYPES = ("buttons", "input", "date", "range", "media")
BLOCK_TYPES = ("message", "condition", *QUESTION_TYPES)

# Fast enough for every run; no example database, so no .hypothesis folder is left behind.
FAST = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

words = st.text(alphabet="abcxyz áçñ€😀{}_", min_size=1, max_size=12) | st.sampled_from(
    ["{name}", "{summary}", "{store_name}", "{a}", "{nope}", "Hola {name}, {summary}"]
)
garbage = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(alphabet="9", min_size=310, max_size=400),
    st.just("x" * 20_000),
    st.sampled_from(["😀", "👍🏽", "", " ", "1", "2", "8.000-12.000 €", "612 34 56 78", "A@B.ES", "08001", "1000-001"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["min", "max", "x"]), st.integers() | st.text(max_size=5), max_size=3),
)
json_values = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=10) | st.just(12.5)


@st.composite
def conditions(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    if depth < 2 and draw(st.booleans()):
        kind = draw(st.sampled_from(["all", "any", "not"]))
        if kind == "not":
            return {"not": draw(conditions(depth + 1))}
        return {kind: draw(st.lists(conditions(depth + 1), min_size=1, max_size=3))}
    op = draw(st.sampled_from(["equals", "not_equals", "in", "gt", "gte", "lt", "lte", "exists"]))
    value = draw(st.lists(json_values, max_size=3) if op == "in" else json_values)
    return {"var": draw(st.sampled_from(VARIABLES)), "op": op, "value": value}


def texts(draw: st.DrawFn, languages: Sequence[str]) -> dict[str, str]:
    return {lang: draw(words) for lang in languages}


@st.composite
def blocks(draw: st.DrawFn, index: int, count: int, back: list[str], languages: Sequence[str]) -> dict[str, Any]:
    """Draw block ``index`` of ``count``: its next is the following block; other exits jump.

    Conditions jump only forward; options may also go ``back`` to a question already placed (a
    loop, but one that waits for the visitor).
    """
    kind = draw(st.sampled_from(BLOCK_TYPES))
    forward = [f"b{j}" for j in range(index + 1, count)]
    block: dict[str, Any] = {"id": f"b{index}", "type": kind, "next": forward[0]}
    if kind == "message":
        return block | {"text": texts(draw, languages)}
    if kind == "condition":
        branches = draw(st.lists(conditions(), min_size=1, max_size=3))
        return block | {"branches": [{"if": c, "next": draw(st.sampled_from(forward))} for c in branches]}
    block |= {
        "text": texts(draw, languages),
        "variable": draw(st.none() | st.sampled_from(VARIABLES)),
        "optional": draw(st.booleans()),
        "skip_if_known": draw(st.booleans()),
    }
    return block | draw(question_details(kind, forward + back, languages))


@st.composite
def question_details(draw: st.DrawFn, kind: str, targets: list[str], languages: Sequence[str]) -> dict[str, Any]:
    if kind == "buttons":
        option_ids = st.sampled_from(["yes", "no", "kitchen", "wardrobe", "o1", "o2"])
        ids = draw(st.lists(option_ids, min_size=1, max_size=4, unique=True))
        options = [{"id": i, "label": texts(draw, languages)} for i in ids]
        for option in options:
            if draw(st.booleans()):
                option["next"] = draw(st.sampled_from(targets))
        consent = {"purpose": "lead_contact", "version": "v1", "grant_option": ids[0]}
        return {"options": options, **({"consent": consent} if draw(st.booleans()) else {})}
    if kind == "input":
        details: dict[str, Any] = {"kind": draw(st.sampled_from(["text", "number", "email", "phone", "postal_code"]))}
        if draw(st.booleans()):
            low = draw(st.integers(-100, 100))
            details |= {"min": low, "max": low + draw(st.integers(1, 1000)), "unit": "m2"}
        return details
    if kind == "range":
        low = draw(st.integers(0, 10_000))
        return {"min": low, "max": low + draw(st.integers(1, 100_000)), "step": 500, "variable_min": "budget_min_eur"}
    if kind == "date":
        return {"service": draw(st.sampled_from(["showroom_visit", "measuring"]))}
    return {}


@st.composite
def flows(draw: st.DrawFn, loops: bool = True) -> FlowDocument:
    languages = draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=4, unique=True))
    count = draw(st.integers(2, 12))  # the blocks before the end block
    drawn: list[dict[str, Any]] = []
    questions: list[str] = []
    for index in range(count):
        block = draw(blocks(index, count + 1, questions if loops else [], languages))
        drawn.append(block)
        if block["type"] in QUESTION_TYPES:
            questions.append(block["id"])
    end: dict[str, Any] = {"id": f"b{count}", "type": "end"}
    if draw(st.booleans()):
        end["text"] = texts(draw, languages)
    document = {"languages": languages, "default_language": languages[0], "start": "b0", "blocks": [*drawn, end]}
    flow, problems = validate_flow(document)
    assert problems == [], problems  # the generator must build only valid flows
    assert flow is not None
    return flow


def replies(flow: FlowDocument) -> st.SearchStrategy[Reply]:
    """Draw replies that are sometimes right for the flow and often nonsense."""
    ids = sorted({o.id for b in flow.blocks for o in getattr(b, "options", [])})
    sensible = st.sampled_from([*ids, SLOTS[0]["start"], PHOTO, 20, 5000, "hola", "ana@example.com", *LANGUAGES])
    kinds = st.sampled_from(["start", "text", "choice", "value", "skip", "language", "", "bogus"])
    return st.builds(Reply, kinds, sensible | garbage)


facts = st.none() | st.dictionaries(
    st.sampled_from(
        ["project_type", "budget_min_eur", "budget_max_eur", "area_m2", "style", "urgency", "email", "phone"]
    ),
    json_values,
    max_size=3,
)


def context(country: str = "ES", every_service: bool = False) -> Context:
    """Return a turn's context; only the showroom has free slots unless ``every_service``."""
    return Context(
        country=country,
        slot_source=lambda service: SLOTS if every_service or service == "showroom_visit" else (),
        attachments=frozenset({PHOTO}),
        store={"store_name": "Cuines Puig"},
    )


def check_turn(flow: FlowDocument, turn: Turn) -> None:
    state = turn.state
    json.dumps(state, allow_nan=False)  # storable as JSON, in SQLite and in PostgreSQL alike
    assert all(isinstance(m["text"], str) and m["text"].strip() for m in turn.messages)
    if turn.input is None:
        assert state["status"] == "completed"
        assert state["block"] is None
        return
    assert state["status"] == "active"
    assert turn.input["block_id"] == state["block"]
    assert is_question(flow.block(state["block"]))  # never left waiting on a message or a condition


@FAST
@given(flow=flows(), data=st.data(), language=st.sampled_from(LANGUAGES), country=st.sampled_from(["ES", "PT", "XX"]))
def test_any_sequence_of_replies_keeps_the_conversation_sound(
    flow: FlowDocument, data: st.DataObject, language: str, country: str
) -> None:
    state = new_state(language)
    for reply in data.draw(st.lists(replies(flow), min_size=1, max_size=15)):
        turn = step(flow, state, reply, context(country), data.draw(facts))
        check_turn(flow, turn)
        state = turn.state


@st.composite
def good_reply(draw: st.DrawFn, spec: dict[str, Any]) -> Reply:
    """Draw a reply that answers the input ``spec`` correctly."""
    kind = spec["type"]
    if kind == "buttons":
        return Reply("choice", draw(st.sampled_from([o["id"] for o in spec["options"]])))
    if kind == "number":
        low = -1000 if spec["min"] is None else int(spec["min"])
        high = 1000 if spec["max"] is None else int(spec["max"])
        return Reply("value", draw(st.integers(low, high)))
    if kind == "range":
        return Reply(
            "value",
            draw(st.sampled_from([[spec["min"], spec["max"]], spec["max"], {"min": spec["min"], "max": spec["max"]}])),
        )
    if kind == "date":
        return Reply("value", draw(st.sampled_from([s["start"] for s in spec["slots"]])))
    typed = {"text": "Ana", "email": "Ana@Example.com", "phone": "+34 612 345 678", "postal_code": "08001"}
    return Reply("value", PHOTO) if kind == "media" else Reply("text", typed[kind])


@FAST
@given(flow=flows(loops=False), data=st.data())
def test_a_visitor_who_answers_every_question_reaches_the_end(flow: FlowDocument, data: st.DataObject) -> None:
    # With slots for every service, every question can be answered; without loops, each answer moves forward.
    turn = step(flow, new_state(flow.default_language), Reply("start"), context(every_service=True))
    for _ in range(len(flow.blocks)):
        check_turn(flow, turn)
        if turn.input is None:
            break
        turn = step(flow, turn.state, data.draw(good_reply(turn.input)), context(every_service=True))
        assert "invalid_answer" not in [e["name"] for e in turn.events]
    assert turn.state["status"] == "completed"
