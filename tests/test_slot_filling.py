"""Free text at any point fills what it says: the bot does not ask it again, confirms it briefly,
takes corrections, and scores the lead by the store's rules."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.infra.db import Lead, Tenant
from appliance.infra.runtime import Runtime
from tests.visitors import ORIGIN, Visitor

RICH_FIRST_MESSAGES = {
    "es": ("Hola! cocina moderna de unos 12m2, entre 10 y 15 mil, lo antes posible", "Anotado"),
    "ca": ("Bon dia! Voldríem una cuina moderna d'uns 12 m2, entre 10 i 15 mil euros, com més aviat millor", "Anotat"),
    "pt": ("Olá! Queria uma cozinha moderna com uns 12 m2, entre 10 e 15 mil euros, o mais rápido possível", "Anotado"),
    "en": ("Hi! We'd like a modern kitchen of about 12 m2, between 10 and 15k, as soon as possible", "Noted"),
}
CORRECTIONS = {
    "es": "no perdona, son 15 m2",
    "ca": "no, perdó, són 15 m2",
    "pt": "não, desculpe, são 15 m2",
    "en": "sorry, it's actually 15 m2",
}


@pytest.fixture
def store(make_tenant) -> Tenant:
    return make_tenant("Cuines Estudi", slug="estudi", allowed_origins=[ORIGIN])


def lead_of(rt: Runtime, visitor: Visitor) -> Lead:
    with rt.sessions() as db:
        return db.scalar(select(Lead).where(Lead.session_id == visitor.session_id))


@pytest.mark.parametrize("language", RICH_FIRST_MESSAGES)
def test_a_rich_first_message_is_not_asked_again(
    client: FlaskClient, store: Tenant, rt: Runtime, language: str
) -> None:
    message, noted = RICH_FIRST_MESSAGES[language]
    v = Visitor(client, store.widget_key)
    v.open()
    v.start()
    answer = v.send(text=message)
    assert answer["language"] == language
    assert answer["messages"][0]["text"].startswith(noted)
    assert "12" in answer["messages"][0]["text"]
    assert answer["input"]["block_id"] == "consent"
    after_consent = v.send(choice="yes")
    assert after_consent["input"]["block_id"] == "photos"
    lead = lead_of(rt, v)
    assert lead.fields == {
        "project_type": "kitchen",
        "area_m2": 12,
        "budget_min_eur": 10000,
        "budget_max_eur": 15000,
        "style": "modern",
        "urgency": "urgent",
    }
    assert lead.temperature in {"hot", "premium"}


@pytest.mark.parametrize("language", RICH_FIRST_MESSAGES)
def test_a_correction_changes_the_lead(client: FlaskClient, store: Tenant, rt: Runtime, language: str) -> None:
    v = Visitor(client, store.widget_key)
    v.open()
    v.start()
    v.send(text=RICH_FIRST_MESSAGES[language][0])
    v.send(choice="yes")
    before = lead_of(rt, v)
    corrected = v.send(text=CORRECTIONS[language])
    assert "15" in corrected["messages"][0]["text"]
    assert corrected["input"]["block_id"] == "photos"
    after = lead_of(rt, v)
    assert after.fields["area_m2"] == 15
    assert after.score >= before.score


def test_a_budget_said_mid_conversation_skips_the_budget_question(client: FlaskClient, store: Tenant) -> None:
    v = Visitor(client, store.widget_key)
    v.open()
    v.start()
    v.send(choice="yes")
    v.send(choice="wardrobe")
    assert v.waiting_for == "area"
    answer = v.send(text="unos 6 m2, y tengo hasta 4.000 €")
    assert answer["input"]["block_id"] == "style"


def test_scores_follow_the_stores_scoring_rules(client: FlaskClient, store: Tenant, rt: Runtime, make_token) -> None:
    token = make_token(store, "OWNER")
    weights = {"budget": 100, "urgency": 0, "area": 0, "style": 0, "origin": 0}
    saved = client.put("/v1/config/scoring", json={"weights": weights}, headers={"Authorization": f"Bearer {token}"})
    assert saved.status_code == 200
    v = Visitor(client, store.widget_key)
    v.open()
    v.start()
    v.send(text="Hola, quiero una cocina y tengo 15.000 euros")
    lead = lead_of(rt, v)
    assert lead.score_breakdown == {"budget": 90.0, "urgency": 0.0, "area": 0.0, "style": 0.0, "origin": 0.0}
    assert lead.score == 90
    assert lead.temperature == "premium"
