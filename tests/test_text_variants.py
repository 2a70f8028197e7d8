"""The base flow's formal and short texts, the formal system sentences, and the closing choice."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import pytest

from appliance.core.flows.answers import Context, Reply
from appliance.core.flows.engine import new_state, step
from appliance.core.flows.presets import preset
from appliance.core.flows.schema import ButtonsBlock, ConditionBlock, FlowDocument, MessageBlock
from appliance.core.flows.texts import SYSTEM, SYSTEM_FORMAL, system
from appliance.core.flows.texts_formal import FORMAL_OVERRIDES
from appliance.core.flows.turn import Turn
from appliance.core.flows.validation import validate_flow

LANGUAGES = ("es", "ca", "pt", "en")
TABLES = ("formal", "short", "formal_short")
SHORT_TABLES = ("short", "formal_short")
FORMAL_TABLES = ("formal", "formal_short")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that only an informal address uses (tú / tu). Texts are cut into lower-case words, so
# "T'ajudo" gives "t" and "dir-te" gives "te"; nouns that look like verbs ("pregunta") are left out.
INFORMAL = {
    "es": word_set(
        "tú te tu tus ti contigo tienes puedes quieres prefieres sabes cuentas cuentes has necesitas "
        "escribes revisas pides elige sáltate salta adjunta adjúntalos perdona escríbeme escríbelo escríbenos "
        "llámanos pregúntanos ven vienes contactarte llamarte escribirte ayudarte hablarte"
    ),
    "ca": word_set(
        "tu t te et teu teva teus teves tens pots vols saps has ets estàs comptes prefereixes expliquis "
        "dius escrius revises demanes necessites vulguis tria salta adjunta perdona escriu truca vine"
    ),
    "pt": word_set("tu te ti teu tua teus tuas contigo você vocês"),
}
# The bot's own sentences that do not address the visitor at all.
IMPERSONAL_SYSTEM_KEYS = {"number_range", "understood", "more_dates_label", "day_slots"}


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def informal_words(text: str, language: str) -> set[str]:
    return words(text) & INFORMAL[language]


def has_contraction(text: str) -> bool:
    return bool(re.search(r"\w['’]\w", text))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def variants() -> dict[str, dict[str, dict[str, str]]]:
    raw = (resources.files("appliance.core.flows.presets") / "base.variants.json").read_text(encoding="utf-8")
    return json.loads(raw)


def base_texts() -> dict[str, dict[str, str]]:
    """Return the text of every base-flow block that has one, by block id."""
    return {b["id"]: b["text"] for b in preset("base")["blocks"] if b.get("text")}


def variant_texts(tables: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    """Return (table, block id, language, text) for every variant text of ``tables``."""
    found = variants()
    return [
        (table, block_id, lang, found[table][block_id][lang])
        for table in tables
        for block_id in base_texts()
        for lang in LANGUAGES
    ]


def base_flow() -> FlowDocument:
    flow, problems = validate_flow(preset("base"))
    assert problems == []
    assert flow is not None
    return flow


# The variant tables


def test_every_table_covers_every_text_of_the_base_flow_in_every_language() -> None:
    found = variants()
    expected = base_texts()
    assert len(expected) == 22
    assert set(found) == set(TABLES)
    for table in TABLES:
        assert set(found[table]) == set(expected), table
        for block_id, texts in found[table].items():
            assert set(texts) == set(LANGUAGES), (table, block_id)
            assert all(isinstance(t, str) and t.strip() == t and t for t in texts.values()), (table, block_id)


def test_the_base_flow_speaks_the_four_languages_the_variants_are_written_for() -> None:
    assert tuple(base_flow().languages) == LANGUAGES


@pytest.mark.parametrize(("table", "block_id", "lang", "text"), variant_texts(TABLES))
def test_a_variant_keeps_the_placeholders_of_the_base_text(table: str, block_id: str, lang: str, text: str) -> None:
    base = base_texts()[block_id][lang]
    assert placeholders(text) == placeholders(base)
    assert text.count("{") == text.count("}") == len(PLACEHOLDER.findall(text))


@pytest.mark.parametrize(("table", "block_id", "lang", "text"), variant_texts(SHORT_TABLES))
def test_a_short_variant_is_shorter_than_the_base_text(table: str, block_id: str, lang: str, text: str) -> None:
    assert len(text) < len(base_texts()[block_id][lang])
    assert len(text) <= 120


def test_the_short_consent_still_says_what_is_kept_and_why() -> None:
    found = variants()
    needed = {"es": ("contact", "proyecto"), "ca": ("contacte", "projecte"), "pt": ("contacto", "projeto")}
    needed["en"] = ("contact", "project")
    for table in TABLES:
        for lang, fragments in needed.items():
            for fragment in fragments:
                assert fragment in found[table]["consent"][lang], (table, lang, fragment)


@pytest.mark.parametrize("language", ["es", "ca"])
def test_the_informal_check_would_catch_every_informal_base_text(language: str) -> None:
    # So that the formal checks below cannot pass for want of anything to look for.
    for block_id, texts in base_texts().items():
        assert informal_words(texts[language], language), block_id
    for key, texts in SYSTEM.items():
        if key not in IMPERSONAL_SYSTEM_KEYS:
            assert informal_words(texts[language], language), key


@pytest.mark.parametrize(("table", "block_id", "lang", "text"), variant_texts(FORMAL_TABLES))
def test_formal_variants_never_address_the_visitor_informally(table: str, block_id: str, lang: str, text: str) -> None:
    if lang == "en":
        assert not has_contraction(text)
    else:
        assert not informal_words(text, lang)


@pytest.mark.parametrize(("table", "block_id", "lang", "text"), variant_texts(("short",)))
def test_short_variants_keep_the_informal_address(table: str, block_id: str, lang: str, text: str) -> None:
    # Short is about length, not tone: a short text still says tú / tu like the base flow.
    if lang in {"es", "ca"}:
        assert informal_words(text, lang)


def test_the_base_flow_with_each_variant_table_is_still_a_valid_flow() -> None:
    for table in TABLES:
        document = preset("base")
        for block in document["blocks"]:
            if block.get("text"):
                block["text"] = dict(variants()[table][block["id"]])
        flow, problems = validate_flow(document)
        assert problems == [], table
        assert flow is not None


# The bot's own sentences


def test_formal_system_sentences_have_the_same_keys_languages_and_placeholders() -> None:
    assert set(SYSTEM_FORMAL) == set(SYSTEM)
    for key, texts in SYSTEM.items():
        assert set(SYSTEM_FORMAL[key]) == set(texts), key
        for lang, text in texts.items():
            formal = SYSTEM_FORMAL[key][lang]
            assert formal.strip(), (key, lang)
            assert placeholders(formal) == placeholders(text), (key, lang)


def test_formal_overrides_hold_only_sentences_that_differ_from_the_plain_ones() -> None:
    for key, texts in FORMAL_OVERRIDES.items():
        assert key in SYSTEM, key
        for lang, text in texts.items():
            assert lang in SYSTEM[key], (key, lang)
            assert text != SYSTEM[key][lang], (key, lang)


def test_a_sentence_without_a_formal_override_falls_back_to_the_plain_one() -> None:
    assert "more_dates_label" not in FORMAL_OVERRIDES
    for lang in LANGUAGES:
        assert system("more_dates_label", lang, formal=True) == SYSTEM["more_dates_label"][lang]


@pytest.mark.parametrize("key", sorted(SYSTEM))
def test_formal_system_sentences_never_address_the_visitor_informally(key: str) -> None:
    texts = SYSTEM_FORMAL[key]
    assert not has_contraction(texts["en"])
    for lang in ("es", "ca", "pt"):
        assert not informal_words(texts[lang], lang), lang


# The closing choice in the base flow


def test_the_base_flow_is_valid() -> None:
    base_flow()


def test_email_and_phone_lead_to_the_closing_gate() -> None:
    flow = base_flow()
    assert flow.block("email").next == "closing_gate"
    assert flow.block("phone").next == "closing_gate"


def test_the_closing_gate_branches_on_the_closing_variable_and_defaults_to_the_visit() -> None:
    flow = base_flow()
    gate = flow.block("closing_gate")
    assert isinstance(gate, ConditionBlock)
    assert gate.next == "visit_type"
    # The visit is a showroom visit or a measuring visit at home, as the visitor chooses.
    visit_type = flow.block("visit_type")
    assert isinstance(visit_type, ButtonsBlock)
    assert [(o.id, o.next) for o in visit_type.options] == [("showroom", "appointment"), ("home", "postal_code")]
    call_back, quote = gate.branches
    # A call-back is offered only to visitors who gave a phone number.
    tests = [(c.var, c.op, c.value) for c in call_back.if_.all]  # type: ignore[union-attr]
    assert tests == [("closing", "equals", "call_back"), ("contact_method", "equals", "phone")]
    assert call_back.next == "callback"
    assert (quote.if_.var, quote.if_.op, quote.if_.value, quote.next) == (  # type: ignore[union-attr]
        "closing",
        "equals",
        "send_quote",
        "quote_note",
    )


def test_the_callback_question_offers_three_times_of_day_and_may_be_skipped() -> None:
    callback = base_flow().block("callback")
    assert isinstance(callback, ButtonsBlock)
    assert callback.variable == "callback_time"
    assert callback.optional is True
    assert callback.next == "summary"
    assert [o.id for o in callback.options] == ["morning", "afternoon", "evening"]
    for option in callback.options:
        assert set(option.label) == set(LANGUAGES)
        assert all(0 < len(label) <= 20 for label in option.label.values()), option.id
        assert option.next is None


def test_the_quote_note_is_a_message_that_goes_on_to_the_summary() -> None:
    note = base_flow().block("quote_note")
    assert isinstance(note, MessageBlock)
    assert note.next == "summary"
    assert set(note.text) == set(LANGUAGES)


ANSWERS = {
    "consent": Reply("choice", "yes"),
    "project": Reply("choice", "kitchen"),
    "area": Reply("value", 20),
    "budget": Reply("value", [8000, 12000]),
    "style": Reply("choice", "modern"),
    "urgency": Reply("choice", "soon"),
    "photos": Reply("skip"),
    "name": Reply("text", "Lucía"),
    "email": Reply("text", "lucia@example.com"),
    "phone": Reply("text", "+34 612 345 678"),
}
SLOTS = ({"start": "2026-12-01T10:00:00+01:00", "end": "2026-12-01T11:00:00+01:00"},)


def context() -> Context:
    return Context(country="ES", slot_source=lambda _service: SLOTS, store={"store_name": "Cuines Puig"})


def walk_to_contact(closing: str | None, method: str, language: str = "es") -> tuple[dict[str, Any], Turn]:
    """Answer the base flow up to and including the e-mail or phone question; return the last turn."""
    flow = base_flow()
    state = new_state(language)
    if closing is not None:
        state["vars"]["closing"] = closing
    turn = step(flow, state, Reply("start"), context())
    answers = {**ANSWERS, "contact_method": Reply("choice", method)}
    while True:
        block = turn.state["block"]
        turn = step(flow, turn.state, answers[block], context())
        if block == method:
            return turn.state, turn


def choose_the_showroom(state: dict[str, Any]) -> tuple[dict[str, Any], Turn]:
    """Answer the visit-type question with a showroom visit; return the new state and turn."""
    assert state["block"] == "visit_type"
    turn = step(base_flow(), state, Reply("choice", "showroom"), context())
    return turn.state, turn


@pytest.mark.parametrize("method", ["email", "phone"])
@pytest.mark.parametrize(
    ("closing", "expected"),
    [
        (None, "appointment"),
        ("book_visit", "appointment"),
        ("call_back", "callback"),
        ("something_else", "appointment"),
    ],
)
def test_after_the_contact_the_flow_closes_as_the_store_chose(method: str, closing: str | None, expected: str) -> None:
    state, turn = walk_to_contact(closing, method)
    if closing == "call_back" and method == "email":
        expected = "appointment"  # no phone to call: a visit is offered instead
    if expected == "appointment":
        # A visit starts with its kind: the showroom leads to the showroom slots.
        assert state["block"] == "visit_type"
        state, turn = choose_the_showroom(state)
    assert state["block"] == expected
    assert state["status"] == "active"
    assert turn.input is not None
    assert turn.input["block_id"] == expected


def test_a_call_back_closing_asks_when_to_call_and_then_sums_up() -> None:
    flow = base_flow()
    state, turn = walk_to_contact("call_back", "phone")
    assert turn.input is not None
    assert turn.input["type"] == "buttons"
    assert turn.input["required"] is False
    assert [o["id"] for o in turn.input["options"]] == ["morning", "afternoon", "evening"]
    assert turn.messages[-1]["block_id"] == "callback"

    done = step(flow, state, Reply("choice", "evening"), context())

    assert done.state["vars"]["callback_time"] == "evening"
    assert [m["block_id"] for m in done.messages] == ["summary"]
    assert done.state["status"] == "completed"
    assert "appointment" not in done.state["vars"]


def test_a_call_back_question_may_be_skipped() -> None:
    state, _ = walk_to_contact("call_back", "email")
    state, _ = choose_the_showroom(state)

    done = step(base_flow(), state, Reply("skip"), context())

    assert [m["block_id"] for m in done.messages] == ["summary"]
    assert done.state["status"] == "completed"
    assert "callback_time" not in done.state["vars"]


@pytest.mark.parametrize("method", ["email", "phone"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_send_quote_closing_says_a_quote_is_coming_and_sums_up(method: str, language: str) -> None:
    state, turn = walk_to_contact("send_quote", method, language)
    assert [m["block_id"] for m in turn.messages] == ["quote_note", "summary"]
    assert turn.messages[0]["text"] == base_flow().block("quote_note").text[language]  # type: ignore[union-attr]
    assert "Lucía" in turn.messages[1]["text"]
    assert state["status"] == "completed"
    assert turn.input is None
