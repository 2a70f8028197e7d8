"""The flow engine: one visitor reply in, the bot's messages, the next input and the new state out."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from typing import Any

import pytest

from appliance.core.flows.answers import Context, Reply
from appliance.core.flows.conditions import holds
from appliance.core.flows.engine import new_state, resume, step
from appliance.core.flows.intents import Booked, BookSlot
from appliance.core.flows.presets import preset
from appliance.core.flows.schema import Branch, FlowDocument
from appliance.core.flows.turn import Turn
from appliance.core.flows.validation import validate_flow

STORE = {"store_name": "Cuines Puig"}
SLOTS = (
    {"start": "2026-12-01T10:00:00+01:00", "end": "2026-12-01T11:00:00+01:00"},
    {"start": "2026-12-02T17:00:00+01:00", "end": "2026-12-02T18:00:00+01:00"},
)
PHOTO = "att_7f3a"


def base_flow() -> FlowDocument:
    flow, problems = validate_flow(preset("base"))
    assert problems == []
    assert flow is not None
    return flow


def slot_source(service: str) -> Sequence[dict[str, str]]:
    return SLOTS if service == "showroom_visit" else ()


class Chat:
    """A conversation driven turn by turn, with a fresh Context each turn as the runtime builds it."""

    def __init__(self, flow: FlowDocument, language: str = "es", country: str = "ES") -> None:
        self.flow, self.country = flow, country
        self.state = new_state(language)
        self.turns: list[Turn] = []

    def send(self, kind: str, value: Any = None, facts: dict[str, Any] | None = None) -> Turn:
        ctx = Context(country=self.country, slot_source=slot_source, attachments=frozenset({PHOTO}), store=STORE)
        turn = step(self.flow, self.state, Reply(kind, value), ctx, facts)
        self.state = turn.state
        self.turns.append(turn)
        return turn

    def start(self) -> Turn:
        return self.send("start")

    def text(self, value: Any, facts: dict[str, Any] | None = None) -> Turn:
        return self.send("text", value, facts)

    @property
    def vars(self) -> dict[str, Any]:
        return self.state["vars"]


def said(turn: Turn) -> list[str]:
    return [m["text"] for m in turn.messages]


def at(chat: Chat, block_id: str) -> Chat:
    """Bring a base-flow conversation to ``block_id`` with consent granted and simple answers."""
    answers = {
        "consent": ("choice", "yes"),
        "project": ("choice", "kitchen"),
        "area": ("value", 20),
        "budget": ("value", [8000, 12000]),
        "style": ("choice", "modern"),
        "urgency": ("choice", "soon"),
        "photos": ("skip", None),
        "name": ("text", "Lucía"),
        "contact_method": ("choice", "email"),
        "email": ("text", "lucia@example.com"),
        "visit_type": ("choice", "showroom"),
    }
    chat.start()
    while chat.state["block"] != block_id:
        kind, value = answers[chat.state["block"]]
        chat.send(kind, value)
    return chat


def small_flow(question: dict[str, Any], languages: Sequence[str] = ("es", "en")) -> FlowDocument:
    """Return a valid flow that asks ``question`` and ends."""
    question = {"id": "q", "text": {lang: f"question ({lang})" for lang in languages}, "next": "end", **question}
    flow, problems = validate_flow(
        {
            "languages": list(languages),
            "default_language": languages[0],
            "start": "q",
            "blocks": [question, {"id": "end", "type": "end", "text": dict.fromkeys(languages, "bye")}],
        }
    )
    assert problems == []
    assert flow is not None
    return flow


# Starting


def test_it_starts_with_the_welcome_and_the_first_question() -> None:
    chat = Chat(base_flow())

    turn = chat.start()

    assert [m["block_id"] for m in turn.messages] == ["welcome", "consent"]
    assert "Cuines Puig" in turn.messages[0]["text"]
    assert turn.messages[1]["text"].startswith("Antes de empezar")
    assert turn.input == {
        "block_id": "consent",
        "required": True,
        "type": "buttons",
        "options": [{"id": "yes", "label": "Sí, de acuerdo"}, {"id": "no", "label": "No, gracias"}],
    }
    assert chat.state["block"] == "consent"
    assert chat.state["started"] is True
    assert [e["name"] for e in turn.events] == ["conversation_started", "block_entered"]


def test_it_repeats_nothing_when_started_again_but_reoffers_the_open_input() -> None:
    chat = Chat(base_flow())
    first = chat.start()

    again = chat.start()

    assert again.messages == []
    assert again.events == []
    assert again.input == first.input
    assert again.state == first.state


def test_it_leaves_the_state_it_was_given_untouched() -> None:
    flow = base_flow()
    state = new_state("es")
    before = copy.deepcopy(state)

    step(flow, state, Reply("start"), Context(store=STORE))

    assert state == before


def test_it_starts_when_the_first_reply_comes_before_start_and_keeps_its_facts() -> None:
    chat = Chat(base_flow())

    turn = chat.text("hola, quiero una cocina", facts={"project_type": "kitchen"})

    assert [m["block_id"] for m in turn.messages] == ["welcome", "consent"]
    assert turn.input is not None
    assert turn.input["block_id"] == "consent"
    assert chat.vars == {"project_type": "kitchen"}


def test_it_starts_in_the_language_asked_for_before_start() -> None:
    chat = Chat(base_flow())

    turn = chat.send("language", "ca")

    assert chat.state["language"] == "ca"
    assert turn.messages[1]["text"].startswith("Abans de començar")


# Buttons


def test_it_takes_a_button_by_its_id() -> None:
    chat = at(Chat(base_flow()), "project")

    turn = chat.send("choice", "wardrobe")

    assert chat.vars["project_type"] == "wardrobe"
    assert turn.input is not None
    assert turn.input["block_id"] == "area"


@pytest.mark.parametrize(
    ("typed", "option"),
    [
        ("Roupeiro", "wardrobe"),  # Portuguese label in a Spanish conversation
        ("cuina", "kitchen"),  # Catalan, lower case
        ("custom furniture", "furniture"),
        ("MUEBLES A MEDIDA!", "furniture"),
        ("wardrobe", "wardrobe"),  # the option id
        ("quiero una cocina", "kitchen"),  # the label inside a sentence
    ],
)
def test_it_takes_a_button_by_a_label_typed_in_any_language(typed: str, option: str) -> None:
    chat = at(Chat(base_flow()), "project")

    chat.text(typed)

    assert chat.vars["project_type"] == option
    assert chat.state["block"] == "area"


def test_it_takes_a_button_by_its_number() -> None:
    chat = at(Chat(base_flow()), "urgency")

    chat.text("3")

    assert chat.vars["urgency"] == "later"


@pytest.mark.parametrize(
    ("language", "typed", "option"),
    [("es", "sí", "yes"), ("es", "No", "no"), ("ca", "si", "yes"), ("pt", "não", "no"), ("en", "yes", "yes")],
)
def test_it_takes_a_bare_yes_or_no_typed_to_the_consent(language: str, typed: str, option: str) -> None:
    chat = Chat(base_flow(), language)
    chat.start()

    chat.text(typed)

    assert chat.vars["consent"] == option
    assert chat.state["consent"] == {"lead_contact": option == "yes"}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es", "Perdona, no lo he entendido. ¿Puedes elegir una de las opciones?"),
        ("ca", "Perdona, no ho he entès. Pots triar una de les opcions?"),
        ("pt", "Desculpe, não percebi. Pode escolher uma das opções?"),
        ("en", "Sorry, I didn't catch that. Could you pick one of the options?"),
    ],
)
def test_it_reasks_a_button_question_in_the_visitors_language_when_no_option_is_named(
    language: str, message: str
) -> None:
    chat = at(Chat(base_flow(), language), "project")
    asked = chat.turns[-1].input

    for reply in (Reply("choice", "bathroom"), Reply("value", 2)):
        turn = chat.send(reply.kind, reply.value)
        assert said(turn) == [message]
        assert turn.input == asked
        assert chat.state["block"] == "project"
        assert "project_type" not in chat.vars


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es", "Perdona, no lo he entendido. Puedes elegir «Cocina», «Armario» o «Muebles a medida»."),
        ("ca", "Perdona, no ho he entès. Pots triar «Cuina», «Armari» o «Mobles a mida»."),
        ("pt", "Desculpe, não percebi. Pode escolher «Cozinha», «Roupeiro» ou «Móveis por medida»."),
        ("en", "Sorry, I didn't catch that. You can choose “Kitchen”, “Wardrobe” or “Custom furniture”."),
    ],
)
def test_it_reasks_typed_text_that_names_no_option_showing_the_options(language: str, message: str) -> None:
    chat = at(Chat(base_flow(), language), "project")
    asked = chat.turns[-1].input

    turn = chat.text("a garden shed")

    assert said(turn) == [message]
    assert turn.input == asked
    assert "project_type" not in chat.vars


# Typed answers and their re-asks


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es", "Tiene que estar entre 1 y 500 m²."),
        ("ca", "Ha d'estar entre 1 i 500 m²."),
        ("pt", "Tem de estar entre 1 e 500 m²."),
        ("en", "It needs to be between 1 and 500 m²."),
    ],
)
def test_it_reasks_a_number_out_of_range_in_the_visitors_language(language: str, message: str) -> None:
    chat = at(Chat(base_flow(), language), "area")
    asked = chat.turns[-1].input

    turn = chat.text("900 m2")

    assert said(turn) == [message]
    assert turn.input == asked
    assert turn.input is not None
    assert (turn.input["type"], turn.input["min"], turn.input["max"]) == ("number", 1, 500)
    assert "area_m2" not in chat.vars
    assert turn.events[-1]["name"] == "invalid_answer"


@pytest.mark.parametrize("reply", ["bastantes", "", 10**400, "9" * 400, None, {"m2": 3}])
def test_it_reasks_a_number_when_the_reply_holds_no_usable_number(reply: Any) -> None:
    chat = at(Chat(base_flow(), "pt"), "area")

    turn = chat.send("value", reply)

    assert chat.state["block"] == "area"
    assert said(turn) in (
        ["Escreva só o número, por exemplo 12."],
        ["Preciso desta resposta para continuar. Pode escrevê-la?"],
    )


@pytest.mark.parametrize(("typed", "area"), [("unos 12,5 m2", 12.5), ("20", 20), ("about 15 square metres", 15)])
def test_it_reads_the_number_in_a_typed_area(typed: str, area: float) -> None:
    chat = at(Chat(base_flow()), "area")

    chat.text(typed)

    assert chat.vars["area_m2"] == area
    assert chat.state["block"] == "budget"


@pytest.mark.parametrize(
    ("reply", "low", "high"),
    [
        ("8.000-12.000 €", 8000, 12000),
        ("€8,000–12,000", 8000, 12000),
        ("8 000 – 12 000 €", 8000, 12000),
        ("15000", 15000, 15000),
        ([20000, 5000], 5000, 20000),
        ({"min": 3000, "max": 4500}, 3000, 4500),
    ],
)
def test_it_reads_a_budget_as_a_figure_or_a_range(reply: Any, low: int, high: int) -> None:
    chat = at(Chat(base_flow()), "budget")

    chat.send("value", reply)

    assert (chat.vars["budget_min_eur"], chat.vars["budget_max_eur"]) == (low, high)
    assert chat.state["block"] == "style"


def test_it_reasks_a_budget_outside_the_range() -> None:
    chat = at(Chat(base_flow(), "en"), "budget")

    turn = chat.text("500 euros")

    assert said(turn) == ["It needs to be between 1000 and 100000 EUR."]
    assert chat.state["block"] == "budget"


@pytest.mark.parametrize(
    ("country", "language", "typed", "stored"),
    [
        ("ES", "es", "612 34 56 78", "+34612345678"),
        ("ES", "es", "+351 912 345 678", "+351912345678"),
        ("PT", "pt", "912 345 678", "+351912345678"),
        ("PT", "pt", "0034 612345678", "+34612345678"),
        ("PT", "en", "612 345 678", "+34612345678"),
    ],
)
def test_it_normalises_a_phone_to_e164_with_the_language_and_the_stores_country(
    country: str, language: str, typed: str, stored: str
) -> None:
    chat = Chat(small_flow({"type": "input", "kind": "phone", "variable": "phone"}), language, country=country)
    chat.start()

    chat.text(typed)

    assert chat.vars["phone"] == stored
    assert chat.state["status"] == "completed"


def test_it_reasks_a_phone_it_does_not_recognise() -> None:
    chat = Chat(small_flow({"type": "input", "kind": "phone", "variable": "phone"}))
    chat.start()

    turn = chat.text("12345")

    assert said(turn) == ["No reconozco ese teléfono. Escríbelo con prefijo si no es español, p. ej. +351 912 345 678."]
    assert "phone" not in chat.vars


def test_it_lowercases_an_email_and_reasks_one_that_is_not() -> None:
    chat = Chat(small_flow({"type": "input", "kind": "email", "variable": "email"}), "en")
    chat.start()

    refused = chat.text("ana.garcia@gmail")
    chat.text("  Ana.Garcia@Gmail.COM. ")

    assert said(refused) == ["That email doesn't look right. Could you check it? For example: name@gmail.com"]
    assert chat.vars["email"] == "ana.garcia@gmail.com"


@pytest.mark.parametrize(
    ("country", "typed", "stored"),
    [
        ("ES", "08001", "08001"),
        ("ES", " 28013 ", "28013"),
        ("PT", "1000-001", "1000-001"),
        ("PT", "4050 123", "4050-123"),
    ],
)
def test_it_accepts_postal_codes_of_spain_and_portugal(country: str, typed: str, stored: str) -> None:
    chat = Chat(small_flow({"type": "input", "kind": "postal_code", "variable": "postal_code"}), country=country)
    chat.start()

    chat.text(typed)

    assert chat.vars["postal_code"] == stored


@pytest.mark.parametrize(
    ("country", "typed", "stored"), [("ES", "1000-001", "1000-001"), ("PT", "08001", "08001"), ("ES", "75001", "75001")]
)
def test_it_keeps_well_formed_codes_of_other_countries(country: str, typed: str, stored: str) -> None:
    # Whether the store goes there is the service area's question, not the code's validity.
    chat = Chat(small_flow({"type": "input", "kind": "postal_code", "variable": "postal_code"}), country=country)
    chat.start()

    chat.text(typed)

    assert chat.vars["postal_code"] == stored


@pytest.mark.parametrize(
    ("country", "typed", "example"), [("ES", "123", "28001"), ("ES", "1000-01", "28001"), ("PT", "abc", "1000-001")]
)
def test_it_asks_again_for_a_malformed_postal_code_with_an_example(country: str, typed: str, example: str) -> None:
    chat = Chat(small_flow({"type": "input", "kind": "postal_code", "variable": "postal_code"}), country=country)
    chat.start()

    turn = chat.text(typed)

    assert said(turn) == [f"Ese código postal no parece válido. Escríbelo así: {example}."]
    assert chat.state["block"] == "q"


def test_it_asks_to_shorten_a_text_that_is_too_long() -> None:
    chat = at(Chat(base_flow()), "name")

    turn = chat.text("x" * 501)

    assert said(turn) == ["Es un poco largo. ¿Puedes resumirlo en menos de 500 caracteres?"]
    assert "name" not in chat.vars


# Skipping


def test_it_skips_an_optional_question() -> None:
    chat = at(Chat(base_flow()), "area")

    turn = chat.send("skip")

    assert "area_m2" not in chat.vars
    assert chat.state["block"] == "budget"
    assert turn.events[0]["name"] == "skipped"


def test_it_refuses_to_skip_a_required_question() -> None:
    chat = at(Chat(base_flow(), "ca"), "project")
    asked = chat.turns[-1].input

    turn = chat.send("skip")

    assert said(turn) == ["Necessito aquesta resposta per continuar. Me l'escrius?"]
    assert turn.input == asked
    assert asked is not None
    assert asked["required"] is True


def test_it_lets_a_required_question_be_skipped_when_facts_answered_it() -> None:
    chat = at(Chat(base_flow()), "urgency")

    turn = chat.send("skip", facts={"urgency": "urgent"})

    assert chat.vars["urgency"] == "urgent"
    assert said(turn)[0] == "Anotado: lo antes posible."
    assert chat.state["block"] == "photos"


# Facts understood from free text


def test_it_skips_questions_whose_variables_facts_already_filled() -> None:
    chat = Chat(base_flow())
    chat.start()

    turn = chat.text("sí", facts={"project_type": "kitchen", "budget_max_eur": 15000, "style": "nordic"})
    assert turn.input is not None
    assert turn.input["block_id"] == "area"  # the project question is not asked

    turn = chat.send("value", 12)

    assert chat.vars["area_m2"] == 12
    assert [e["block_id"] for e in turn.events if e["name"] == "skipped_known"] == ["budget", "style"]
    assert turn.input is not None
    assert turn.input["block_id"] == "urgency"
    assert [m["block_id"] for m in turn.messages] == ["urgency"]


def test_it_confirms_facts_understood_at_any_block_and_keeps_going() -> None:
    chat = at(Chat(base_flow()), "area")

    turn = chat.text("unos 20 m2, y me gusta el estilo nórdico", facts={"area_m2": 20, "style": "nordic"})

    assert said(turn)[0] == "Anotado: 20\u00a0m² · estilo nórdico."
    assert chat.vars["style"] == "nordic"
    assert chat.state["block"] == "budget"
    chat.send("skip")
    assert chat.state["block"] == "urgency"  # the style question is not asked


def test_it_moves_on_when_facts_answer_the_open_question_the_reply_itself_does_not() -> None:
    chat = at(Chat(base_flow(), "en"), "project")

    turn = chat.text("we are redoing the place where we cook", facts={"project_type": "kitchen"})

    assert chat.vars["project_type"] == "kitchen"
    assert said(turn)[0] == "Noted: kitchen."
    assert chat.state["block"] == "area"


def test_it_confirms_other_facts_then_asks_the_open_question_again() -> None:
    chat = at(Chat(base_flow()), "project")

    turn = chat.text("tengo unos 20.000 euros", facts={"budget_max_eur": 20000})

    assert said(turn) == [
        "Anotado: hasta 20.000\u00a0€.",
        "¿Qué proyecto tienes en mente? Cocina, armario o muebles a medida (salón, baño, despacho, estanterías…).",
    ]
    assert chat.state["block"] == "project"
    assert chat.vars["budget_max_eur"] == 20000


# Consent


def test_a_declined_consent_ends_the_conversation_at_once_with_how_to_reach_the_store() -> None:
    chat = Chat(base_flow())
    chat.start()
    turn = chat.send("choice", "no", facts={"email": "ana@example.com", "name": "Ana"})

    assert chat.state["consent"] == {"lead_contact": False}
    assert not {"name", "email", "phone", "address"} & set(chat.vars)
    assert [m["block_id"] for m in turn.messages] == ["consent"]
    assert turn.messages[0]["text"].startswith("Entendido: no guardaremos ningún dato tuyo.")
    assert turn.input is None
    assert chat.state["status"] == "completed"
    assert chat.state["ending"] == "refused"
    consent = next(e for t in chat.turns for e in t.events if e["name"] == "consent")
    assert consent["data"]["granted"] is False
    assert consent["data"]["version"] == "2026-11"
    # Whatever is sent afterwards asks nothing: the same way to reach the store is said again.
    again = chat.send("text", "quiero una cocina")
    assert again.input is None
    assert again.messages[0]["text"] == turn.messages[0]["text"]


def test_contact_details_given_before_consent_are_dropped_and_after_it_kept() -> None:
    chat = Chat(base_flow())
    chat.send("start", facts={"email": "early@example.com"})
    chat.send("choice", "yes")
    chat.send("choice", "kitchen", facts={"email": "Later@example.com".lower()})

    assert chat.vars["email"] == "later@example.com"


def test_contact_details_said_in_the_reply_that_grants_consent_are_kept() -> None:
    chat = Chat(base_flow())
    chat.start()

    chat.text("Sí, de acuerdo. Mi correo es ana@example.com", facts={"email": "ana@example.com"})

    assert chat.state["consent"] == {"lead_contact": True}
    assert chat.vars["email"] == "ana@example.com"


def test_a_flow_without_consent_keeps_contact_details() -> None:
    chat = Chat(small_flow({"type": "input", "kind": "text", "variable": "name"}))
    chat.start()

    chat.text("Ana")

    assert chat.vars["name"] == "Ana"


# Language


def test_it_switches_language_and_asks_the_open_question_again_in_it() -> None:
    chat = at(Chat(base_flow()), "project")

    turn = chat.send("language", "pt")

    assert chat.state["language"] == "pt"
    assert said(turn) == [
        "Que projeto tem em mente? Cozinha, roupeiro ou móveis por medida (sala, casa de banho, escritório, estantes…)."
    ]
    assert turn.input is not None
    assert [o["label"] for o in turn.input["options"]] == ["Cozinha", "Roupeiro", "Móveis por medida"]
    assert chat.text("xyz").messages[0]["text"].startswith("Desculpe, não percebi. Pode escolher «Cozinha»")


def test_it_keeps_its_language_when_asked_for_one_the_flow_does_not_speak() -> None:
    chat = at(Chat(base_flow()), "project")

    turn = chat.send("language", "fr")

    assert chat.state["language"] == "es"
    assert said(turn)[0].startswith("¿Qué proyecto")
    assert not [e for e in turn.events if e["name"] == "language_changed"]


# Conditions


def check(condition: dict[str, Any], variables: dict[str, Any]) -> bool:
    branch = Branch.model_validate({"if": condition, "next": "x"})
    return holds(branch.if_, variables)


@pytest.mark.parametrize(
    ("condition", "variables", "expected"),
    [
        ({"var": "a", "op": "equals", "value": "yes"}, {"a": "yes"}, True),
        ({"var": "a", "op": "equals", "value": "yes"}, {"a": "no"}, False),
        ({"var": "a", "op": "equals", "value": "yes"}, {}, False),
        ({"var": "a", "op": "not_equals", "value": "yes"}, {}, True),
        ({"var": "a", "op": "in", "value": ["kitchen", "wardrobe"]}, {"a": "wardrobe"}, True),
        ({"var": "a", "op": "in", "value": ["kitchen", "wardrobe"]}, {"a": "furniture"}, False),
        ({"var": "a", "op": "in", "value": "kitchen"}, {"a": "kitchen"}, False),
        ({"var": "a", "op": "gt", "value": 10}, {"a": 11}, True),
        ({"var": "a", "op": "gt", "value": 10}, {"a": 10}, False),
        ({"var": "a", "op": "gte", "value": 10}, {"a": 10}, True),
        ({"var": "a", "op": "lt", "value": 10}, {"a": 9.5}, True),
        ({"var": "a", "op": "lte", "value": 10}, {"a": 11}, False),
        ({"var": "a", "op": "gt", "value": 10}, {"a": "20"}, False),
        ({"var": "a", "op": "lt", "value": 10}, {}, False),
        ({"var": "a", "op": "gt", "value": 0}, {"a": True}, False),
        ({"var": "a", "op": "exists"}, {"a": 0}, True),
        ({"var": "a", "op": "exists"}, {"a": None}, False),
        ({"var": "a", "op": "exists", "value": False}, {}, True),
        ({"all": [{"var": "a", "op": "exists"}, {"var": "b", "op": "gt", "value": 1}]}, {"a": 1, "b": 2}, True),
        ({"all": [{"var": "a", "op": "exists"}, {"var": "b", "op": "gt", "value": 1}]}, {"a": 1, "b": 0}, False),
        ({"any": [{"var": "a", "op": "exists"}, {"var": "b", "op": "exists"}]}, {"b": 1}, True),
        ({"any": [{"var": "a", "op": "exists"}, {"var": "b", "op": "exists"}]}, {}, False),
        ({"not": {"var": "a", "op": "equals", "value": 1}}, {"a": 1}, False),
        (
            {"not": {"any": [{"var": "a", "op": "lt", "value": 1}, {"var": "a", "op": "gt", "value": 9}]}},
            {"a": 5},
            True,
        ),
    ],
)
def test_conditions_compare_variables_and_combine(
    condition: dict[str, Any], variables: dict[str, Any], expected: bool
) -> None:
    assert check(condition, variables) is expected


def branching_flow() -> FlowDocument:
    flow, problems = validate_flow(
        {
            "languages": ["en"],
            "default_language": "en",
            "start": "budget",
            "blocks": [
                {
                    "id": "budget",
                    "type": "input",
                    "kind": "number",
                    "variable": "budget",
                    "text": {"en": "?"},
                    "next": "route",
                },
                {
                    "id": "route",
                    "type": "condition",
                    "branches": [
                        {"if": {"var": "budget", "op": "gte", "value": 20000}, "next": "big"},
                        {
                            "if": {
                                "all": [
                                    {"var": "budget", "op": "gt", "value": 0},
                                    {"not": {"var": "budget", "op": "gte", "value": 5000}},
                                ]
                            },
                            "next": "small",
                        },
                    ],
                    "next": "middle",
                },
                {"id": "big", "type": "end", "text": {"en": "big"}},
                {"id": "small", "type": "end", "text": {"en": "small"}},
                {"id": "middle", "type": "end", "text": {"en": "middle"}},
            ],
        }
    )
    assert flow is not None, problems
    return flow


@pytest.mark.parametrize(
    ("budget", "ending"), [(30000, "big"), (20000, "big"), (4999, "small"), (5000, "middle"), (0, "middle")]
)
def test_a_condition_block_takes_the_first_branch_that_holds_else_its_next(budget: int, ending: str) -> None:
    chat = Chat(branching_flow(), "en")
    chat.start()

    turn = chat.send("value", budget)

    assert turn.messages == [{"text": ending, "block_id": ending}]


# Completion


def test_it_completes_and_then_only_thanks_the_visitor() -> None:
    chat = Chat(small_flow({"type": "input", "kind": "text", "variable": "note"}))
    chat.start()

    done = chat.text("hola")
    after = chat.text("¿sigues ahí?")

    assert said(done) == ["bye"]
    assert done.input is None
    assert chat.state["status"] == "completed"
    assert chat.state["block"] is None
    assert done.events[-1]["name"] == "completed"
    assert said(after) == ["¡Gracias! Ya tenemos todo. Si necesitas algo más, escríbenos cuando quieras."]
    assert after.input is None
    assert after.state == done.state


# Dates and media


def test_a_date_block_offers_the_slots_of_its_service_and_takes_one_of_them() -> None:
    chat = at(Chat(base_flow()), "appointment")
    offered = chat.turns[-1].input

    refused = chat.send("value", "2026-12-03T10:00:00+01:00")
    garbled = chat.send("value", "next tuesday")
    chat.send("value", SLOTS[1]["start"])

    assert offered is not None
    assert (offered["type"], offered["service"], offered["slots"]) == ("date", "showroom_visit", list(SLOTS))
    assert said(refused) == ["Esa hora ya no está disponible. Te propongo estas:"]
    assert said(garbled) == ["Elige una de las horas disponibles, por favor."]
    assert chat.vars["appointment"] == {**SLOTS[1], "service": "showroom_visit"}


def test_a_date_block_asks_the_slot_source_once_per_turn_and_only_when_reached() -> None:
    asked: list[str] = []

    def counting(service: str) -> Sequence[dict[str, str]]:
        asked.append(service)
        return SLOTS

    flow = small_flow({"type": "date", "variable": "visit", "service": "measuring"})
    ctx = Context(slot_source=counting)
    state = new_state("es")
    state = step(flow, state, Reply("start"), ctx).state
    assert asked == ["measuring"]

    turn = step(flow, state, Reply("value", SLOTS[0]["start"]), Context(slot_source=counting))

    assert asked == ["measuring", "measuring"]
    assert turn.state["vars"]["visit"]["service"] == "measuring"


def test_a_slot_to_book_stops_the_turn_with_an_intent_and_resume_confirms_it() -> None:
    flow = small_flow({"type": "date", "variable": "visit", "service": "measuring"})
    ctx = Context(slot_source=lambda _service: SLOTS, store=STORE, book_slots=True)
    state = step(flow, new_state("es"), Reply("start"), ctx).state

    stopped = step(flow, state, Reply("value", SLOTS[1]["start"]), ctx)

    assert stopped.intents == [BookSlot("measuring", SLOTS[1]["start"], SLOTS[1]["end"])]
    assert (stopped.messages, stopped.input, stopped.state["vars"]) == ([], None, {})
    turn = resume(flow, stopped, Booked("ap_1", "home"), ctx)
    assert turn.intents == []
    assert turn.messages[0]["text"].startswith("¡Reservado!")
    assert turn.state["vars"]["visit"] == {**SLOTS[1], "service": "measuring", "id": "ap_1", "location": "home"}
    assert turn.state["status"] == "completed"
    assert stopped.state["vars"] == {}  # resume() leaves the stopped turn as it was
    with pytest.raises(ValueError, match="stopped at an intent"):
        resume(flow, turn, Booked("ap_2"), ctx)


def test_a_media_block_takes_only_an_uploaded_attachment() -> None:
    chat = at(Chat(base_flow(), "en"), "photos")

    refused = chat.send("value", "att_never_uploaded")
    chat.send("value", PHOTO)

    assert said(refused) == ["Attach a photo or a plan (JPG, PNG or PDF) with the upload button, or skip this step."]
    assert chat.vars["photos"] == PHOTO
    assert chat.state["block"] == "name"


# The base flow from start to end


WALKS: dict[str, dict[str, Any]] = {
    "es": {
        "replies": [
            ("text", "Sí"),
            ("text", "cocina"),
            ("text", "unos 12 m2"),
            ("text", "8.000-12.000 €"),
            ("text", "2"),
            ("text", "En 1-3 meses"),
            ("value", PHOTO),
            ("text", "Lucía"),
            ("choice", "phone"),
            ("text", "612 34 56 78"),
            ("choice", "showroom"),
            ("value", SLOTS[0]["start"]),
        ],
        "vars": {
            "consent": "yes",
            "project_type": "kitchen",
            "area_m2": 12,
            "budget_min_eur": 8000,
            "budget_max_eur": 12000,
            "style": "minimalist",
            "urgency": "soon",
            "photos": PHOTO,
            "name": "Lucía",
            "contact_method": "phone",
            "phone": "+34612345678",
            "visit_type": "showroom",
            "appointment": {**SLOTS[0], "service": "showroom_visit"},
        },
        "last": "¡Gracias, Lucía! Esto es lo que hemos anotado: cocina · 12\u00a0m² · 8.000\u00a0€ – 12.000\u00a0€"
        " · estilo minimalista · en 1-3 meses.",
    },
    "ca": {
        "replies": [
            ("text", "d'acord"),
            ("text", "armari"),
            ("skip", None),
            ("value", [5000, 15000]),
            ("text", "nòrdic"),
            ("choice", "urgent"),
            ("skip", None),
            ("text", "Jordi"),
            ("text", "correu electrònic"),
            ("text", "Jordi@Exemple.CAT"),
            ("choice", "showroom"),
            ("skip", None),
        ],
        "vars": {
            "consent": "yes",
            "project_type": "wardrobe",
            "budget_min_eur": 5000,
            "budget_max_eur": 15000,
            "style": "nordic",
            "urgency": "urgent",
            "name": "Jordi",
            "contact_method": "email",
            "email": "jordi@exemple.cat",
            "visit_type": "showroom",
        },
        "last": "Gràcies, Jordi! Això és el que hem anotat: armari · 5.000\u00a0€ – 15.000\u00a0€ · estil nòrdic"
        " · com més aviat millor.",
    },
    "pt": {
        "replies": [
            ("text", "sim"),
            ("text", "móveis por medida"),
            ("value", 30),
            ("skip", None),
            ("skip", None),
            ("text", "só procuro ideias"),
            ("skip", None),
            ("text", "Inês"),
            ("text", "telefone"),
            ("text", "912 345 678"),
            ("choice", "showroom"),
            ("value", SLOTS[1]["start"]),
        ],
        "vars": {
            "consent": "yes",
            "project_type": "furniture",
            "area_m2": 30,
            "urgency": "exploring",
            "name": "Inês",
            "contact_method": "phone",
            "phone": "+351912345678",
            "visit_type": "showroom",
            "appointment": {**SLOTS[1], "service": "showroom_visit"},
        },
        "last": "Obrigado, Inês! Este é o resumo do seu projeto: móvel por medida · 30\u00a0m² · sem pressa.",
    },
    "en": {
        "replies": [
            ("text", "yes"),
            ("text", "kitchen"),
            ("text", "about 15 square metres"),
            ("value", {"min": 10000, "max": 20000}),
            ("text", "not sure yet"),
            ("text", "as soon as possible"),
            ("value", PHOTO),
            ("text", "Tom"),
            ("choice", "email"),
            ("text", "tom@example.com"),
            ("choice", "showroom"),
            ("value", SLOTS[0]["start"]),
        ],
        "vars": {
            "consent": "yes",
            "project_type": "kitchen",
            "area_m2": 15,
            "budget_min_eur": 10000,
            "budget_max_eur": 20000,
            "style": "undecided",
            "urgency": "urgent",
            "photos": PHOTO,
            "name": "Tom",
            "contact_method": "email",
            "email": "tom@example.com",
            "visit_type": "showroom",
            "appointment": {**SLOTS[0], "service": "showroom_visit"},
        },
        "last": "Thanks, Tom! Here's what we noted: kitchen · 15\u00a0m² · €10,000 – €20,000 · as soon as possible.",
    },
}


@pytest.mark.parametrize("language", list(WALKS))
def test_it_walks_the_base_flow_to_the_end_in_each_language(language: str) -> None:
    walk = WALKS[language]
    chat = Chat(base_flow(), language, country="PT" if language == "pt" else "ES")
    chat.start()

    for kind, value in walk["replies"]:
        turn = chat.send(kind, value)
        assert not [e for e in turn.events if e["name"] == "invalid_answer"], (kind, value, said(turn))

    assert chat.state["status"] == "completed"
    assert chat.vars == walk["vars"]
    assert turn.input is None
    assert turn.messages[-1]["text"].startswith(walk["last"])
    assert json.loads(json.dumps(chat.state)) == chat.state


def test_every_visitor_facing_text_of_the_base_flow_is_short_and_every_label_fits_whatsapp() -> None:
    flow = base_flow()

    for block in flow.blocks:
        for text in (getattr(block, "text", None) or {}).values():
            assert len(text) <= 220, (block.id, text)
        for option in getattr(block, "options", []):
            assert all(len(label) <= 20 for label in option.label.values()), (block.id, option.label)


@pytest.mark.parametrize("reply", [float("inf"), float("nan"), "9" * 400, 10**400, True])
def test_an_unbounded_number_question_never_stores_what_json_cannot_hold(reply: Any) -> None:
    chat = Chat(small_flow({"type": "input", "kind": "number", "variable": "count"}))
    chat.start()

    turn = chat.send("value", reply)

    assert said(turn) == ["Escríbeme solo el número, por ejemplo 12."]
    assert chat.vars == {}


def test_a_summary_leaves_out_values_a_store_keeps_under_summary_names_in_its_own_way() -> None:
    # Budget buttons storing option ids under budget_max_eur are a plausible store flow.
    flow, _ = validate_flow(
        {
            "languages": ["es"],
            "default_language": "es",
            "start": "q",
            "blocks": [
                {
                    "id": "q",
                    "type": "buttons",
                    "variable": "budget_max_eur",
                    "text": {"es": "¿Presupuesto?"},
                    "options": [{"id": "low", "label": {"es": "Poco"}}],
                    "next": "done",
                },
                {"id": "done", "type": "message", "text": {"es": "Resumen: {summary}"}, "next": "end"},
                {"id": "end", "type": "end"},
            ],
        }
    )
    assert flow is not None
    chat = Chat(flow)
    chat.start()

    turn = chat.send("choice", "low", facts={"area_m2": "grande", "style": {"x": 1}, "urgency": "soon"})

    assert said(turn) == ["Anotado: en 1-3 meses.", "Resumen: en 1-3 meses"]
    assert chat.vars["budget_max_eur"] == "low"


def test_a_typed_answer_wins_over_the_same_detail_understood_from_its_text() -> None:
    chat = at(Chat(base_flow()), "email")

    chat.text("Ana@Example.com", facts={"email": "someone-else@example.com"})

    assert chat.vars["email"] == "ana@example.com"
