"""How a conversation ends: a refused consent ends it at once, politely, with how to reach the store
without leaving personal data; a finished one stays finished after a reload, and a new one can begin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from appliance.core.flows.answers import Context, Reply
from appliance.core.flows.ending import opening_hours, refusal_text
from appliance.core.flows.engine import new_state, step
from appliance.core.flows.validation import validate_flow
from appliance.infra.db import Tenant
from tests.subjects import finish
from tests.visitors import BASE_ANSWERS, ORIGIN, Visitor

PHONE = "+34 963 111 222"
# The default agenda's hours (appliance.tenants.defaults), as each language says them.
HOURS = {
    "es": "lunes a viernes 9:30–14:00 y 16:30–20:00; sábado 10:00–14:00",
    "ca": "dilluns a divendres 9:30–14:00 i 16:30–20:00; dissabte 10:00–14:00",
    "pt": "segunda a sexta 9:30–14:00 e 16:30–20:00; sábado 10:00–14:00",
    "en": "Monday to Friday 9:30–14:00 and 16:30–20:00; Saturday 10:00–14:00",
}
NOTHING_KEPT = {
    ("es", "informal"): "no guardaremos ningún dato tuyo",
    ("es", "formal"): "no guardaremos ningún dato suyo",
    ("ca", "informal"): "no guardarem cap dada teva",
    ("ca", "formal"): "no guardarem cap dada seva",
    ("pt", "informal"): "não guardaremos nenhum dado seu",
    ("pt", "formal"): "não guardaremos quaisquer dados seus",
    ("en", "informal"): "we won't keep any of your details",
    ("en", "formal"): "we will not keep any of your details",
}
LANGUAGES = ["es", "ca", "pt", "en"]


@pytest.fixture
def store(make_tenant: Callable[..., Tenant]) -> Tenant:
    return make_tenant("Cuines Estudi", slug="estudi", allowed_origins=[ORIGIN])


@pytest.fixture
def owner(client: FlaskClient, store: Tenant, make_token: Callable[..., str]) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {make_token(store, 'OWNER')}"}
    branding = client.get("/v1/config/branding", headers=headers).get_json()["payload"]
    saved = client.put("/v1/config/branding", json=branding | {"phone": PHONE}, headers=headers)
    assert saved.status_code == 200, saved.get_json()
    return headers


def refused(client: FlaskClient, store: Tenant, lang: str) -> Visitor:
    v = Visitor(client, store.widget_key)
    v.open(lang=lang)
    v.start(lang=lang)
    v.send(choice="no")
    return v


@pytest.mark.parametrize("tone", ["informal", "formal"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_refusing_consent_ends_with_the_stores_phone_and_hours_in_the_visitors_language(
    client: FlaskClient, store: Tenant, owner: dict[str, str], lang: str, tone: str
) -> None:
    texts = client.get("/v1/config/texts", headers=owner).get_json()["payload"]
    put = client.put("/v1/config/texts", json=texts | {"tone": {lang: tone}}, headers=owner)
    assert put.status_code == 200, put.get_json()
    v = refused(client, store, lang)
    assert v.last["status"] == "completed"
    assert v.last["input"] is None
    [ending] = v.texts()
    assert NOTHING_KEPT[(lang, tone)] in ending
    assert PHONE.replace(" ", "\u00a0") in ending
    assert HOURS[lang] in ending


@pytest.mark.parametrize("lang", LANGUAGES)
def test_after_a_refusal_no_project_question_is_asked_even_when_the_visitor_writes_on(
    client: FlaskClient, store: Tenant, owner: dict[str, str], lang: str
) -> None:
    v = refused(client, store, lang)
    ending = v.texts()[0]
    after = v.send(text="quiero una cocina de 12 m2")
    assert after["input"] is None
    assert v.texts() == [ending]
    asked = {m["block_id"] for m in v.transcript()["messages"] if m["role"] == "bot"}
    assert asked - {None} == {"welcome", "consent"}  # None: said after the end, at no block


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_refused_conversation_stays_finished_after_a_reload(client: FlaskClient, store: Tenant, lang: str) -> None:
    v = refused(client, store, lang)
    reloaded = Visitor(client, store.widget_key)
    assert reloaded.open(session_id=v.session_id, secret=v.secret)["session_id"] == v.session_id
    shown = reloaded.transcript()
    assert shown["status"] == "completed"
    assert shown["input"] is None
    assert reloaded.start()["input"] is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_finished_conversation_makes_way_for_a_new_one(client: FlaskClient, store: Tenant, lang: str) -> None:
    v = Visitor(client, store.widget_key)
    v.open(lang=lang)
    v.start(lang=lang)
    finish(v, BASE_ANSWERS, attach=False)
    assert v.last["status"] == "completed"
    # "Start a new conversation" in the widget opens a session without the old id.
    fresh = Visitor(client, store.widget_key)
    opened = fresh.open(lang=lang)
    assert opened["session_id"] != v.session_id
    first = fresh.start(lang=lang)
    assert first["status"] == "active"
    assert first["input"]["block_id"] == "consent"
    assert first["language"] == lang


def test_a_store_without_phone_or_hours_still_ends_politely() -> None:
    text = refusal_text({}, "ca", formal=False)
    assert text == "Entesos: no guardarem cap dada teva.\nGràcies per la visita!"


def test_opening_hours_keep_apart_days_with_other_hours_and_skip_closed_days() -> None:
    weekly: dict[str, Any] = {"mon": [["09:00", "13:00"]], "tue": [["09:00", "13:00"]], "wed": []}
    weekly |= {"thu": [["09:00", "13:00"]], "fri": [], "sat": [["10:00", "14:00"]], "sun": [["10:00", "14:00"]]}
    said = "Monday to Tuesday 9:00–13:00; Thursday 9:00–13:00; Saturday to Sunday 10:00–14:00"
    assert opening_hours(weekly, "en") == said


def test_any_stores_flow_ends_on_a_refusal_even_when_the_refusal_leads_elsewhere() -> None:
    flow, problems = validate_flow(
        {
            "languages": ["pt"],
            "default_language": "pt",
            "start": "ok",
            "blocks": [
                {
                    "id": "ok",
                    "type": "buttons",
                    "text": {"pt": "Podemos guardar os seus dados?"},
                    "variable": "ok",
                    "consent": {"purpose": "lead_contact", "version": "1", "grant_option": "sim"},
                    "options": [
                        {"id": "sim", "label": {"pt": "Sim"}, "next": "quarto"},
                        {"id": "nao", "label": {"pt": "Não"}, "next": "quarto"},
                    ],
                },
                {"id": "quarto", "type": "input", "text": {"pt": "Que divisão?"}, "variable": "room", "next": "fim"},
                {"id": "fim", "type": "end"},
            ],
        }
    )
    assert problems == []
    assert flow is not None
    ctx = Context(store={"phone": PHONE})
    started = step(flow, new_state("pt"), Reply("start"), ctx)
    turn = step(flow, started.state, Reply("choice", "nao"), ctx)
    assert turn.input is None
    assert turn.state["status"] == "completed"
    assert [m["text"] for m in turn.messages] == [
        "Entendido: não guardaremos nenhum dado seu.\nSe quiser, ligue-nos para o +34\u00a0963\u00a0111\u00a0222."
        "\nObrigado pela visita!"
    ]
    granted = step(flow, started.state, Reply("choice", "sim"), ctx)
    assert granted.input is not None
    assert granted.input["block_id"] == "quarto"
