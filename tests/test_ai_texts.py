"""Texts the store's model writes: the welcome and closing reworded ahead of time (checked, picked
per conversation, marked in the transcript) and follow-up drafts for leads that did not book."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from appliance.ai.follow_up import enqueue_follow_ups, rendered, template_text, write_follow_up
from appliance.ai.texts import _current_flow, enqueue_text_variations, matching, write_text_variations
from appliance.core.flows.variations import acceptable, choose, source_hash, varied_blocks
from appliance.infra.db import AIText, Lead, Message, utcnow
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import tenant_info
from tests.conftest import Cast
from tests.fake_openai import FakeOpenAI, serve
from tests.leads_factory import add_lead
from tests.subjects import open_to_visitors
from tests.visitors import BASE_ANSWERS, Visitor

COMPLETIONS = "/v1/chat/completions"
MODERATIONS = "/v1/moderations"
THANKS = {"es": "Muchas gracias.", "ca": "Moltes gràcies.", "pt": "Muito obrigado.", "en": "Many thanks."}
WELCOME_ES = "¡Hola! Soy el asistente de {store}. Te ayudo con tu proyecto de cocina o armario."


@pytest.fixture
def openai(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    yield from serve(rt, monkeypatch)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def use_model(client: FlaskClient, cast: Cast, **ai: Any) -> None:
    body = {"provider": "openai", "model": "gpt-4.1-mini", "forbidden_topics": ["descuento"]} | ai
    saved = client.put("/v1/config/ai", json=body, headers=auth(cast.alice_token))
    assert saved.status_code == 200, saved.get_json()


def script_variations(rt: Runtime, tenant_id: str, openai: FakeOpenAI) -> dict[tuple[str, str], list[str]]:
    """Script one answer per varied text, in the order the task asks: two good rewordings and one
    that adds a price (refused). Return the rewordings that should be kept."""
    with rt.transaction() as db:
        flow = _current_flow(rt, db, tenant_id)
    info = tenant_info(rt, tenant_id)
    kept = {}
    for block_id in varied_blocks(flow):
        for language in [lang for lang in info.languages if lang in flow.languages]:
            original = flow.block(block_id).text[language]
            good = [f"{original} {THANKS[language]}", f"{THANKS[language]} {original}"]
            openai.completions.append(("json", {"variations": [*good, f"{original} 500 €"]}))
            kept[(block_id, language)] = good
    return kept


# --- the pure checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variation",
    [
        "¡Hola! Soy el asistente de {store}. Te ayudo con tu proyecto de cocina o armario.",  # the same text
        "¡Buenas! Soy el asistente de {tienda}. Te ayudo con tu cocina o tu armario.",  # another placeholder
        "¡Buenas! Soy el asistente de {store}. Cocinas desde 3000 euros, te ayudo con tu proyecto.",  # a figure
        "¡Buenas! Soy el asistente de {store}. Mira https://example.com para tu cocina o armario.",  # a link
        "Hello! I am {store}'s assistant. I can help you with your kitchen or wardrobe project.",  # a language
        "¡Buenas! Soy el asistente de {store}, con un descuento para tu cocina o tu armario.",  # forbidden
        "¡Hola {store}!",  # far shorter
    ],
)
def test_a_variation_that_changes_what_the_text_says_is_refused(variation: str) -> None:
    assert not acceptable(WELCOME_ES, variation, "es", ["descuento"])


def test_a_faithful_rewording_is_accepted() -> None:
    variation = "¡Buenas! Aquí el asistente de {store}: te echo una mano con tu cocina o tu armario."
    assert acceptable(WELCOME_ES, variation, "es", ["descuento"])


def test_each_conversation_hears_one_wording_and_keeps_it() -> None:
    variations = {("welcome", "es"): ["uno", "dos"], ("bye", "es"): ["tres"]}
    picks = [choose(variations, f"s_{n}") for n in range(60)]
    assert all(choose(variations, f"s_{n}") == picks[n] for n in range(60))
    heard = {p.get("welcome", {}).get("es") for p in picks}
    # The store's own words (no entry) stay one of the choices.
    assert heard == {None, "uno", "dos"}


def test_variations_written_from_an_older_text_no_longer_match(rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db:
        flow = _current_flow(rt, db, cast.tenant_a.id)
    block = varied_blocks(flow)[0]
    text = flow.block(block).text["es"]
    stored = [[block, "es", source_hash(text), "nueva"], [block, "es", source_hash("antes"), "vieja"]]
    assert matching(flow, stored) == {(block, "es"): ["nueva"]}


# --- written by the model, heard in conversations -----------------------------------------------------


def test_the_model_rewords_the_welcome_and_closing_and_only_checked_texts_are_kept(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI
) -> None:
    use_model(client, cast, vary_texts=True)
    expected = script_variations(rt, cast.tenant_a.id, openai)
    assert enqueue_text_variations(rt) == 1  # tasks run at once in tests: the writing run is done
    with rt.transaction() as db:
        rows = db.execute(select(AIText.block_id, AIText.language, AIText.text, AIText.tenant_id)).all()
    assert {(r.block_id, r.language): [] for r in rows}.keys() == expected.keys()
    assert sorted(r.text for r in rows) == sorted(t for texts in expected.values() for t in texts)
    assert {r.tenant_id for r in rows} == {cast.tenant_a.id}
    asked = openai.sent(COMPLETIONS)
    assert len(asked) == len(expected)
    assert asked[0]["response_format"]["json_schema"]["name"] == "variations"
    # A second run asks nothing: every text already has its variations.
    assert write_text_variations(rt, cast.tenant_a.id) == 0
    assert len(openai.sent(COMPLETIONS)) == len(expected)


def test_an_answer_that_ignores_the_schema_stores_nothing(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI
) -> None:
    use_model(client, cast, vary_texts=True)
    openai.completions.extend([("text", "Claro, aquí tienes tres versiones: ..."), ("error", 429), ("error", 500)])
    openai.default_answer = {"variations": "not a list"}
    assert write_text_variations(rt, cast.tenant_a.id) == 0
    with rt.transaction() as db:
        assert db.scalars(select(AIText)).all() == []


def test_a_conversation_hears_a_model_wording_and_the_transcript_marks_it(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI
) -> None:
    use_model(client, cast, vary_texts=True)
    script_variations(rt, cast.tenant_a.id, openai)
    write_text_variations(rt, cast.tenant_a.id)
    open_to_visitors(rt, cast.tenant_a.id)
    for _attempt in range(12):
        visitor = Visitor(client, cast.tenant_a.widget_key)
        visitor.open(lang="es")
        visitor.start()
        while visitor.waiting_for:
            block = visitor.waiting_for
            slot = {"value": visitor.last["input"]["slots"][0]["start"]} if block == "appointment" else None
            visitor.send(**(slot or BASE_ANSWERS[block]))
        with rt.transaction() as db:
            rows = db.execute(
                select(Message.text, Message.data).where(
                    Message.session_id == visitor.session_id, Message.role == "bot"
                )
            ).all()
        # The stored wordings carry placeholders; the messages have them filled in.
        if any(THANKS["es"] in r.text for r in rows):
            break
    else:
        pytest.fail("no conversation heard a reworded text")
    for row in rows:
        assert ((row.data or {}).get("source") == "model") == (THANKS["es"] in row.text)
    with rt.transaction() as db:
        lead_id = db.scalar(select(Lead.id).where(Lead.session_id == visitor.session_id))
    transcript = client.get(f"/v1/leads/{lead_id}/transcript", headers=auth(cast.alice_token)).get_json()
    marked = [m["text"] for m in transcript["items"] if m["source"] == "model"]
    assert marked
    assert all(THANKS["es"] in text for text in marked)


def test_with_the_provider_off_texts_stay_the_stores_own(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI
) -> None:
    use_model(client, cast, provider="rules", vary_texts=True)
    assert enqueue_text_variations(rt) == 0
    assert write_text_variations(rt, cast.tenant_a.id) == 0
    assert openai.requests == []


# --- follow-up drafts ---------------------------------------------------------------------------------


def old_lead(rt: Runtime, tenant_id: str, **contact: Any) -> str:
    return add_lead(rt, tenant_id, created_at=utcnow() - timedelta(hours=3), **contact)


def test_a_lead_that_did_not_book_gets_a_follow_up_drafted_by_the_model(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI
) -> None:
    use_model(client, cast)
    lead_id = old_lead(rt, cast.tenant_a.id, email="ana@example.com")
    fresh = add_lead(rt, cast.tenant_a.id, email="new@example.com")  # too recent: not yet
    other = old_lead(rt, cast.tenant_b.id, email="carles@example.com")  # its store uses no model
    draft = (
        "Hola {name}, nos encantó conocer tu idea de cocina. ¿Quieres verla en nuestra exposición? "
        "Reserva una visita o dinos cuándo llamarte."
    )
    openai.completions.append(("text", draft))
    assert enqueue_follow_ups(rt) == 1
    body = client.get(f"/v1/leads/{lead_id}", headers=auth(cast.alice_token)).get_json()
    assert body["follow_up"]["source"] == "model"
    assert body["follow_up"]["text"] == draft.replace("{name}", "Ana Serra")
    # Nothing personal left for the model: neither the name nor the address.
    sent = str(openai.sent(COMPLETIONS))
    assert "Ana" not in sent
    assert "ana@example.com" not in sent
    with rt.transaction() as db:
        assert db.scalar(select(Lead.follow_up).where(Lead.id == fresh)) is None
        assert db.scalar(select(Lead.follow_up).where(Lead.id == other)) is None
    # Drafted once: a second run asks nothing.
    assert enqueue_follow_ups(rt) == 0
    assert len(openai.sent(COMPLETIONS)) == 1


@pytest.mark.parametrize(
    "answer",
    [
        ("text", "Hola {name}, tu cocina con un 20% de descuento te espera en nuestra tienda de la calle Mayor."),
        ("text", "Hello {name}, come and see your kitchen in our showroom whenever it suits you."),
        ("text", "Hola, ven a vernos cuando quieras a la tienda para ver tu nueva cocina."),  # no {name}
        ("error", 500),
        ("slow", 5, ("text", "demasiado tarde")),
    ],
)
def test_a_follow_up_the_model_gets_wrong_falls_back_to_the_template(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, answer: tuple
) -> None:
    use_model(client, cast)
    lead_id = old_lead(rt, cast.tenant_a.id, phone="+34612345678")
    openai.completions.append(answer)
    assert write_follow_up(rt, cast.tenant_a.id, lead_id) == "template"
    body = client.get(f"/v1/leads/{lead_id}", headers=auth(cast.alice_token)).get_json()
    assert body["follow_up"]["text"] == template_text({"project_type": "kitchen"}, "es").replace("{name}", "Ana Serra")


def test_without_a_model_no_follow_up_is_drafted(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    lead_id = old_lead(rt, cast.tenant_a.id, email="ana@example.com")
    assert enqueue_follow_ups(rt) == 0
    body = client.get(f"/v1/leads/{lead_id}", headers=auth(cast.alice_token)).get_json()
    assert body["follow_up"] is None
    assert body["proposal"] is None


def test_a_draft_without_a_name_reads_well() -> None:
    draft = {"text": "Hola {name}, gracias.", "source": "template"}
    assert rendered(draft, None)["text"] == "Hola, gracias."
    assert rendered(draft, " Ana ")["text"] == "Hola Ana, gracias."


def test_staff_see_the_draft_and_who_wrote_it_on_the_lead_page(
    client: FlaskClient, cast: Cast, rt: Runtime, panel_login: Any
) -> None:
    lead_id = old_lead(rt, cast.tenant_a.id, phone="+34612345678")
    draft = {"text": "Hola {name}, ¿te va bien una visita?", "source": "model", "written_at": utcnow().isoformat()}
    with rt.transaction() as db:
        db.execute(update(Lead).where(Lead.id == lead_id).values(follow_up=draft))
    page = panel_login("alice@example.com", language="es").get(f"/panel/leads/{lead_id}").get_data(as_text=True)
    assert "Hola Ana Serra, ¿te va bien una visita?" in page
    assert "Redactado por el modelo de IA" in page
    assert "https://wa.me/34612345678?text=Hola%20Ana%20Serra" in page


# --- moderation for local servers ---------------------------------------------------------------------


def test_with_moderation_off_the_text_goes_to_the_model_without_a_moderation_call(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_model(client, cast)
    monkeypatch.setattr(rt, "settings", rt.settings.model_copy(update={"ai_moderation": "off"}))
    open_to_visitors(rt, cast.tenant_a.id)
    visitor = Visitor(client, cast.tenant_a.widget_key)
    visitor.open(lang="es")
    visitor.start()
    visitor.send(text="Quiero una cocina con isla de madera clara")
    assert openai.sent(MODERATIONS) == []
    assert len(openai.sent(COMPLETIONS)) == 1
