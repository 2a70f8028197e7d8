"""The preliminary proposal at a conversation's end: from the store's catalogue, by the model only
when every price it writes is inside the catalogue's range, else by the template; carried by the PDF."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.ai.proposal import Range, amounts, checked, template_text
from appliance.infra.db import AIUsage, Lead
from appliance.infra.runtime import Runtime
from appliance.leads.summary import summary_context, summary_html
from tests.conftest import Cast
from tests.fake_openai import FakeOpenAI, serve
from tests.subjects import open_to_visitors
from tests.visitors import BASE_ANSWERS, Visitor

CATALOGUE = {
    "price_ranges": [
        {"project_type": "kitchen", "style": "modern", "min_eur_per_m2": 500, "max_eur_per_m2": 800},
        {"project_type": "kitchen", "min_eur_per_m2": 400, "max_eur_per_m2": 600},
    ],
    "lines": ["Cocinas Lineal", "Armarios Nube"],
}
COMPLETIONS = "/v1/chat/completions"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def openai(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    yield from serve(rt, monkeypatch)


def configure(client: FlaskClient, cast: Cast, *, catalogue: bool = True) -> None:
    body = {"provider": "openai", "model": "gpt-4.1-mini", "forbidden_topics": ["descuento"]}
    assert client.put("/v1/config/ai", json=body, headers=auth(cast.alice_token)).status_code == 200
    if catalogue:
        saved = client.put("/v1/config/catalogue", json=CATALOGUE, headers=auth(cast.alice_token))
        assert saved.status_code == 200, saved.get_json()


def converse_to_the_end(client: FlaskClient, rt: Runtime, cast: Cast) -> Lead:
    open_to_visitors(rt, cast.tenant_a.id)
    v = Visitor(client, cast.tenant_a.widget_key)
    v.open(lang="es")
    v.start()
    while v.waiting_for:
        block = v.waiting_for
        v.send(**({"value": v.last["input"]["slots"][0]["start"]} if block == "appointment" else BASE_ANSWERS[block]))
    with rt.transaction() as db:
        lead = db.scalar(select(Lead).where(Lead.tenant_id == cast.tenant_a.id))
        db.expunge(lead)
        return lead


def test_the_model_writes_the_proposal_when_its_prices_are_inside_the_catalogue(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI
) -> None:
    configure(client, cast)
    written = "Para tu cocina moderna de 14 m² calculamos entre 7.000 € y 11.200 €, según acabados."
    openai.completions.append(("text", written))
    lead = converse_to_the_end(client, rt, cast)  # a kitchen of 14 m², modern style
    assert lead.proposal == {"text": written, "source": "model", "low_eur": 7000, "high_eur": 11200}
    prompt = openai.sent(COMPLETIONS)[-1]["messages"][0]["content"]
    assert "500 to 800 euros per m²" in prompt
    assert "Cocinas Lineal" in prompt
    with rt.transaction() as db:
        assert db.scalar(select(AIUsage.session_id).where(AIUsage.purpose == "propose")) == lead.session_id
        html = summary_html(summary_context(rt, db, cast.tenant_a.id, lead.id, "es"))
    assert written in html
    assert "Redactada por el modelo de IA" in html


@pytest.mark.parametrize(
    "answer",
    [
        ("text", "Tu cocina saldrá por unos 15.000 €."),  # above the range
        ("text", "Tu cocina costará unos doce mil euros."),  # an amount that cannot be checked
        ("text", "Entre 7.000 € y 9.000 €, y con un descuento especial."),  # a forbidden topic
        ("error", 500),
    ],
)
def test_a_proposal_outside_the_catalogue_or_no_answer_leaves_the_template(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, answer: tuple
) -> None:
    configure(client, cast)
    openai.completions.append(answer)
    lead = converse_to_the_end(client, rt, cast)
    assert lead.proposal["source"] == "template"
    assert lead.proposal["text"].startswith("Para una cocina de 14\u00a0m², estilo moderno")
    assert "7.000\u00a0€ y 11.200\u00a0€" in lead.proposal["text"]


def test_without_a_catalogue_there_is_no_proposal_and_no_call(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI
) -> None:
    configure(client, cast, catalogue=False)
    lead = converse_to_the_end(client, rt, cast)
    assert lead.proposal is None
    assert openai.sent(COMPLETIONS) == []


def test_every_euro_amount_is_read_however_it_is_written() -> None:
    assert amounts("entre 7.000 € y 11 200 €, o €9,500, 450 euros el m², 8k€") == [7000, 11200, 9500, 450, 8000]
    assert amounts("unos doce mil euros") is None
    found = Range(500, 800, 14)
    assert checked("Entre 7.000 € y 11.200 € (de 500 € a 800 € por m²).", found, []) is not None
    assert checked("Desde 6.000 €.", found, []) is None
    for language in ("es", "ca", "pt", "en"):
        text = template_text(found, {"project_type": "kitchen", "style": "modern", "area_m2": 14}, language)
        assert checked(text, found, []) == text  # the template passes its own check
