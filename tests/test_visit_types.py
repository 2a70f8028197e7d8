"""The two kinds of visit of the base flow: the showroom, or a measuring visit at the visitor's home."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from appliance.core.flows.answers import Context, Reply
from appliance.core.flows.engine import new_state, step
from appliance.core.flows.presets import preset
from appliance.core.flows.schema import ButtonsBlock, FlowDocument
from appliance.core.flows.turn import Turn
from appliance.core.flows.validation import validate_flow

LANGUAGES = ("es", "ca", "pt", "en")
SHOWROOM_SLOTS = ({"start": "2026-12-01T10:00:00+01:00", "end": "2026-12-01T11:00:00+01:00"},)
HOME_SLOTS = (
    {"start": "2026-12-03T09:00:00+01:00", "end": "2026-12-03T10:30:00+01:00"},
    {"start": "2026-12-04T16:00:00+01:00", "end": "2026-12-04T17:30:00+01:00"},
)
SLOTS_BY_SERVICE = {"showroom_visit": SHOWROOM_SLOTS, "measuring_visit": HOME_SLOTS}
ANSWERS = {
    "consent": Reply("choice", "yes"),
    "project": Reply("choice", "kitchen"),
    "area": Reply("value", 12),
    "budget": Reply("value", [8000, 12000]),
    "style": Reply("choice", "modern"),
    "urgency": Reply("choice", "soon"),
    "photos": Reply("skip"),
    "name": Reply("text", "Lucía"),
    "contact_method": Reply("choice", "email"),
    "email": Reply("text", "lucia@example.com"),
    "visit_type": Reply("choice", "home"),
    "postal_code": Reply("text", "46010"),
    "address": Reply("text", "Carrer de Colón 12, 3r 2a, València"),
}


def base_flow() -> FlowDocument:
    flow, problems = validate_flow(preset("base"))
    assert problems == []
    assert flow is not None
    return flow


def slot_source(service: str) -> Sequence[dict[str, str]]:
    return SLOTS_BY_SERVICE.get(service, ())


class Chat:
    """A base-flow conversation driven turn by turn, with a fresh Context each turn."""

    def __init__(self, language: str = "es", country: str = "ES", known: dict[str, Any] | None = None) -> None:
        self.flow, self.country = base_flow(), country
        self.state = new_state(language)
        self.state["vars"].update(known or {})
        self.turn: Turn | None = None

    def send(self, reply: Reply) -> Turn:
        ctx = Context(country=self.country, slot_source=slot_source, store={"store_name": "Cuines Puig"})
        self.turn = step(self.flow, self.state, reply, ctx)
        self.state = self.turn.state
        return self.turn

    def to(self, block_id: str) -> Turn:
        """Answer the base flow until it asks ``block_id``; return the turn that asks it."""
        turn = self.send(Reply("start"))
        while self.state["block"] != block_id:
            asked = self.state["block"]
            turn = self.send(ANSWERS[asked])
            assert self.state["status"] == "active", (asked, turn.messages)
            assert self.state["block"] != asked, (asked, turn.messages)
        return turn

    @property
    def block(self) -> str | None:
        return self.state["block"]


def block_ids(turn: Turn) -> list[str | None]:
    return [m["block_id"] for m in turn.messages]


def test_after_the_contact_the_visitor_chooses_the_kind_of_visit() -> None:
    turn = Chat().to("visit_type")

    assert turn.input is not None
    assert turn.input["type"] == "buttons"
    assert turn.input["required"] is True
    assert [o["id"] for o in turn.input["options"]] == ["showroom", "home"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_visit_type_speaks_every_language_with_labels_that_fit_a_button(language: str) -> None:
    block = base_flow().block("visit_type")
    assert isinstance(block, ButtonsBlock)
    assert block.variable == "visit_type"
    assert block.text[language]
    for option in block.options:
        assert 0 < len(option.label[language]) <= 20, (option.id, option.label[language])


def test_the_showroom_offers_the_showroom_slots() -> None:
    chat = Chat()
    chat.to("visit_type")

    turn = chat.send(Reply("choice", "showroom"))

    assert chat.block == "appointment"
    assert chat.state["vars"]["visit_type"] == "showroom"
    assert turn.input is not None
    assert (turn.input["service"], turn.input["slots"]) == ("showroom_visit", list(SHOWROOM_SLOTS))


def test_a_home_visit_asks_the_postal_code_then_offers_measuring_slots() -> None:
    chat = Chat()
    chat.to("visit_type")

    asked = chat.send(Reply("choice", "home"))
    street = chat.send(Reply("text", "46010"))
    offered = chat.send(Reply("text", "Carrer de Colón 12, 3r 2a, València"))
    done = chat.send(Reply("value", HOME_SLOTS[1]["start"]))

    assert block_ids(asked) == ["postal_code"]
    assert asked.input is not None
    assert asked.input["type"] == "postal_code"
    assert asked.input["required"] is True
    assert block_ids(street) == ["address"]
    assert block_ids(offered) == ["home_appointment"]
    assert offered.input is not None
    assert offered.input["type"] == "date"
    assert offered.input["required"] is False
    assert (offered.input["service"], offered.input["slots"]) == ("measuring_visit", list(HOME_SLOTS))
    assert chat.state["vars"]["visit_type"] == "home"
    assert chat.state["vars"]["postal_code"] == "46010"
    assert chat.state["vars"]["appointment"] == {**HOME_SLOTS[1], "service": "measuring_visit"}
    assert block_ids(done) == ["summary"]
    assert chat.state["status"] == "completed"


def test_a_home_visit_inside_the_area_is_offered_measuring_slots() -> None:
    chat = Chat(known={"home_visit_area": True})
    chat.to("postal_code")

    chat.send(Reply("text", "46010"))
    turn = chat.send(ANSWERS["address"])

    assert chat.block == "home_appointment"
    assert turn.input is not None
    assert turn.input["service"] == "measuring_visit"


def test_the_home_measuring_visit_may_be_skipped() -> None:
    chat = Chat()
    chat.to("home_appointment")

    done = chat.send(Reply("skip"))

    assert block_ids(done) == ["summary"]
    assert chat.state["status"] == "completed"
    assert "appointment" not in chat.state["vars"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_outside_the_area_the_bot_says_so_and_offers_the_showroom(language: str) -> None:
    chat = Chat(language, country="PT" if language == "pt" else "ES", known={"home_visit_area": False})
    chat.to("postal_code")

    turn = chat.send(Reply("text", "1000-001" if language == "pt" else "29001"))

    assert block_ids(turn) == ["outside_area", "appointment"]
    assert turn.messages[0]["text"] == base_flow().block("outside_area").text[language]  # type: ignore[union-attr]
    assert chat.block == "appointment"
    assert turn.input is not None
    assert (turn.input["service"], turn.input["slots"]) == ("showroom_visit", list(SHOWROOM_SLOTS))

    chat.send(Reply("value", SHOWROOM_SLOTS[0]["start"]))

    assert chat.state["vars"]["appointment"] == {**SHOWROOM_SLOTS[0], "service": "showroom_visit"}
    assert chat.state["status"] == "completed"


def test_a_postal_code_already_known_is_not_asked_again() -> None:
    chat = Chat(known={"postal_code": "46010"})
    chat.to("visit_type")

    turn = chat.send(Reply("choice", "home"))

    assert block_ids(turn) == ["address"]
    assert "postal_code" not in block_ids(turn)
    assert [e["block_id"] for e in turn.events if e["name"] == "skipped_known"] == ["postal_code"]
    assert chat.block == "address"
    assert chat.state["vars"]["postal_code"] == "46010"


def test_a_postal_code_already_known_outside_the_area_goes_to_the_showroom() -> None:
    chat = Chat(known={"postal_code": "29001", "home_visit_area": False})
    chat.to("visit_type")

    turn = chat.send(Reply("choice", "home"))

    assert block_ids(turn) == ["outside_area", "appointment"]
    assert chat.block == "appointment"


@pytest.mark.parametrize("wrong", ["99999", "00123", "5301", "460100", "abcde", "53001"])
def test_an_invalid_spanish_postal_code_is_asked_again(wrong: str) -> None:
    chat = Chat()
    chat.to("postal_code")

    turn = chat.send(Reply("text", wrong))

    assert chat.block == "postal_code"
    assert [e["data"]["reason"] for e in turn.events if e["name"] == "invalid_answer"] == ["not_postal_code"]
    assert [m["text"] for m in turn.messages] == ["Ese código postal no parece válido. Escríbelo así: 28001."]
    assert turn.input is not None
    assert turn.input["block_id"] == "postal_code"
    assert "postal_code" not in chat.state["vars"]

    chat.send(Reply("text", "08001"))

    assert chat.state["vars"]["postal_code"] == "08001"
    assert chat.block == "address"


def test_a_postal_code_may_not_be_skipped() -> None:
    chat = Chat()
    chat.to("postal_code")

    chat.send(Reply("skip"))

    assert chat.block == "postal_code"


def test_a_portuguese_postal_code_is_read_in_its_own_format() -> None:
    chat = Chat("pt", country="PT")
    chat.to("postal_code")

    refused = chat.send(Reply("text", "10"))
    chat.send(Reply("text", "1000 001"))

    assert block_ids(refused) == ["postal_code"]
    assert "1000-001" in refused.messages[0]["text"]  # the example is in Portugal's shape
    assert chat.state["vars"]["postal_code"] == "1000-001"
    assert chat.block == "address"
