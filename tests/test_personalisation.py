"""How a store's bot speaks: tone and length per language, its own texts, how it closes."""

from __future__ import annotations

from flask.testing import FlaskClient

from appliance.core.flows.personalise import formal_languages, personalise, variant_of
from appliance.core.flows.presets import preset
from appliance.core.flows.schema import FlowDocument
from appliance.core.flows.texts import system
from tests.conftest import Cast
from tests.visitors import ORIGIN, Visitor

BASE = FlowDocument.model_validate(preset("base"))
VARIANTS = {
    "formal": {"welcome": {"es": "Buenos días, le atiende {store_name}."}},
    "short": {"welcome": {"es": "¡Hola! {store_name}."}, "consent": {"ca": "D'acord amb les dades?"}},
    "formal_short": {"welcome": {"es": "Buenos días."}},
}


def text_of(flow: FlowDocument, block_id: str, language: str) -> str:
    return flow.block(block_id).text[language]  # type: ignore[union-attr]


def test_each_language_gets_its_own_tone_and_length() -> None:
    texts = {"tone": {"es": "formal", "ca": "informal"}, "length": {"ca": "short"}}
    flow = personalise(BASE, texts, VARIANTS)
    assert text_of(flow, "welcome", "es") == "Buenos días, le atiende {store_name}."
    assert text_of(flow, "consent", "ca") == "D'acord amb les dades?"
    assert text_of(flow, "welcome", "pt") == text_of(BASE, "welcome", "pt")
    assert variant_of(texts, "es") == "formal"
    assert variant_of({"tone": {"es": "formal"}, "length": {"es": "short"}}, "es") == "formal_short"
    assert variant_of(texts, "en") is None


def test_a_stores_own_texts_win_over_variants() -> None:
    texts = {"tone": {"es": "formal"}, "overrides": {"welcome": {"es": "Hola {name}, soy el bot de {store_name}"}}}
    flow = personalise(BASE, texts, VARIANTS)
    assert text_of(flow, "welcome", "es") == "Hola {name}, soy el bot de {store_name}"


def test_no_personalisation_leaves_the_flow_untouched() -> None:
    assert personalise(BASE, {}, VARIANTS) is BASE


def test_formal_languages_are_read_from_the_tone() -> None:
    assert formal_languages({"tone": {"es": "formal", "ca": "informal", "pt": "formal"}}) == {"es", "pt"}


def test_the_bots_own_sentences_use_the_formal_address_when_asked() -> None:
    informal = system("choose_option", "es")
    formal = system("choose_option", "es", formal=True)
    assert informal != formal
    assert system("choose_option", "es", formal=False) == informal


def test_a_store_changes_its_welcome_and_new_visitors_see_it(client: FlaskClient, cast: Cast, rt) -> None:
    from appliance.infra.db import Tenant
    from appliance.tenants.directory import forget

    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_a.id).allowed_origins = [ORIGIN]
    forget(rt, cast.tenant_a)
    texts = {"overrides": {"welcome": {"es": "Bienvenido a {store_name}, el taller de Alícia."}}}
    saved = client.put("/v1/config/texts", json=texts, headers={"Authorization": f"Bearer {cast.alice_token}"})
    assert saved.status_code == 200
    v = Visitor(client, cast.tenant_a.widget_key)
    v.open()
    assert v.start()["messages"][0]["text"] == "Bienvenido a Cuines Alícia, el taller de Alícia."


def test_a_texts_config_with_problems_is_refused(client: FlaskClient, cast: Cast) -> None:
    bad = {"tone": {"es": "posh"}, "length": {"fr": "short"}, "closing": "send_flowers"}
    response = client.put("/v1/config/texts", json=bad, headers={"Authorization": f"Bearer {cast.alice_token}"})
    assert response.status_code == 422
    paths = {p["path"] for p in response.get_json()["error"]["details"]["problems"]}
    assert {"tone.es", "length.fr", "closing"} <= paths


def test_variants_never_replace_a_text_the_store_wrote_in_its_flow() -> None:
    document = preset("base")
    document["blocks"][0]["text"]["es"] = "Bienvenido a nuestro taller de {store_name}."
    own = FlowDocument.model_validate(document)
    flow = personalise(own, {"tone": {"es": "formal", "ca": "formal"}}, VARIANTS)
    assert text_of(flow, "welcome", "es") == "Bienvenido a nuestro taller de {store_name}."


def test_a_call_back_is_offered_only_to_visitors_who_gave_a_phone() -> None:
    from appliance.core.flows.answers import Reply
    from appliance.core.flows.engine import new_state, step

    def after_contact(method: str, value: str) -> str | None:
        state = new_state("es")
        state["vars"] = {"closing": "call_back", "consent": "yes", "project_type": "kitchen"}
        state["consent"] = {"lead_contact": True}
        turn = step(BASE, state, Reply("start"))
        for reply in (
            Reply("choice", "yes"),
            Reply("value", 12),
            Reply("skip"),
            Reply("skip"),
            Reply("choice", "soon"),
            Reply("skip"),
            Reply("value", "Ana"),
            Reply("choice", method),
            Reply("value", value),
        ):
            turn = step(BASE, turn.state, reply)
        return turn.input and turn.input["block_id"]

    assert after_contact("phone", "612 345 678") == "callback"
    assert after_contact("email", "ana@example.com") == "visit_type"
