"""Conversations over the API that understand people as a person would, in four languages: names,
typed answers to buttons, details said before consent, "I don't know", and phones by country."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.infra.db import ChatSession, Lead, Tenant
from appliance.infra.runtime import Runtime
from tests.raw_storage import database_dump
from tests.visitors import ORIGIN, Visitor

LANGUAGES = ("es", "ca", "pt", "en")
# Clicks that bring a conversation from the project question to the name question.
TO_NAME: list[dict[str, Any]] = [
    {"choice": "kitchen"},
    {"value": 14},
    {"value": [8000, 12000]},
    {"choice": "modern"},
    {"choice": "soon"},
    {"skip": True},
]


@pytest.fixture
def store(make_tenant) -> Tenant:
    return make_tenant("Cuines Estudi", slug="estudi", allowed_origins=[ORIGIN])


def visitor(client: FlaskClient, tenant: Tenant, language: str) -> Visitor:
    v = Visitor(client, tenant.widget_key)
    v.open(lang=language)
    v.start(lang=language)
    return v


def walk(v: Visitor, replies: list[dict[str, Any]]) -> dict[str, Any]:
    for reply in replies:
        v.send(**reply)
    return v.last


def lead_of(rt: Runtime, v: Visitor) -> Lead:
    with rt.sessions() as db:
        return db.scalar(select(Lead).where(Lead.session_id == v.session_id))


def variables_of(rt: Runtime, v: Visitor) -> dict[str, Any]:
    with rt.sessions() as db:
        return db.scalar(select(ChatSession.variables).where(ChatSession.id == v.session_id))


# 1. Names


@pytest.mark.parametrize(
    ("language", "said", "name", "thanks"),
    [
        ("es", "Me llamo Laura García", "Laura García", "Gracias, Laura García."),
        ("ca", "Em dic Jordi Puig", "Jordi Puig", "Gràcies, Jordi Puig."),
        ("pt", "Chamo-me Ana Sousa", "Ana Sousa", "Obrigado, Ana Sousa."),
        ("en", "I'm Tom Baker", "Tom Baker", "Thanks, Tom Baker."),
    ],
)
def test_the_bot_keeps_the_name_not_the_sentence(
    client: FlaskClient, store: Tenant, rt: Runtime, language: str, said: str, name: str, thanks: str
) -> None:
    v = visitor(client, store, language)
    walk(v, [{"choice": "yes"}, *TO_NAME])
    assert v.waiting_for == "name"

    answer = v.send(text=said)

    assert answer["messages"][0]["text"].startswith(thanks)
    assert lead_of(rt, v).contact["name"] == name


@pytest.mark.parametrize(
    ("language", "said", "again"),
    [
        ("es", "prefiero no decirlo", "¿Cómo te llamas?"),
        ("ca", "no vull dir-ho", "Com et dius?"),
        ("pt", "não quero dizer", "Como se chama?"),
        ("en", "why do you need it?", "What should I call you?"),
    ],
)
def test_a_reply_with_no_name_is_asked_again_in_the_visitors_language(
    client: FlaskClient, store: Tenant, language: str, said: str, again: str
) -> None:
    v = visitor(client, store, language)
    walk(v, [{"choice": "yes"}, *TO_NAME])

    answer = v.send(text=said)

    assert answer["messages"][0]["text"].endswith(again)
    assert v.waiting_for == "name"


# 2. Free text answers button questions


@pytest.mark.parametrize(
    ("language", "said"), [("es", "sí, vale"), ("ca", "d'acord"), ("pt", "sim, claro"), ("en", "ok")]
)
def test_a_typed_yes_gives_consent(client: FlaskClient, store: Tenant, language: str, said: str) -> None:
    v = visitor(client, store, language)

    v.send(text=said)

    assert v.waiting_for == "project"


@pytest.mark.parametrize(
    ("language", "said", "option", "then"),
    [
        ("es", "prefiero que vengáis a casa a medir", "home", "postal_code"),
        ("ca", "millor a la botiga", "showroom", "appointment"),
        ("pt", "prefiro na loja", "showroom", "appointment"),
        ("en", "I'd rather come to the showroom", "showroom", "appointment"),
    ],
)
def test_a_typed_preference_chooses_the_visit(
    client: FlaskClient, store: Tenant, rt: Runtime, language: str, said: str, option: str, then: str
) -> None:
    v = visitor(client, store, language)
    walk(v, [{"choice": "yes"}, *TO_NAME, {"text": "Ana"}, {"choice": "email"}, {"value": "ana@example.com"}])
    assert v.waiting_for == "visit_type"

    v.send(text=said)

    assert v.waiting_for == then
    assert variables_of(rt, v)["visit_type"] == option


@pytest.mark.parametrize(
    ("language", "said", "email"),
    [
        ("es", "mi correo es ana@x.es", "ana@x.es"),
        ("ca", "per correu: jordi@x.cat", "jordi@x.cat"),
        ("pt", "o meu email é ana@x.pt", "ana@x.pt"),
        ("en", "email me at tom@x.co.uk", "tom@x.co.uk"),
    ],
)
def test_an_email_at_the_contact_channel_answers_the_channel_and_the_email(
    client: FlaskClient, store: Tenant, rt: Runtime, language: str, said: str, email: str
) -> None:
    v = visitor(client, store, language)
    walk(v, [{"choice": "yes"}, *TO_NAME, {"text": "Ana"}])
    assert v.waiting_for == "contact_method"

    v.send(text=said)

    assert v.waiting_for == "visit_type"
    lead = lead_of(rt, v)
    assert lead.fields["contact_method"] == "email"
    assert lead.contact["email"] == email


@pytest.mark.parametrize(
    ("language", "said", "shown"),
    [
        ("es", "una caseta de jardín", "«Cocina», «Armario» o «Muebles a medida»"),
        ("ca", "una caseta", "«Cuina», «Armari» o «Mobles a mida»"),
        ("pt", "uma casota", "«Cozinha», «Roupeiro» ou «Móveis por medida»"),
        ("en", "a garden shed", "“Kitchen”, “Wardrobe” or “Custom furniture”"),
    ],
)
def test_text_that_names_no_option_is_asked_again_showing_the_options(
    client: FlaskClient, store: Tenant, language: str, said: str, shown: str
) -> None:
    v = visitor(client, store, language)
    v.send(choice="yes")

    answer = v.send(text=said)

    assert shown in answer["messages"][0]["text"]
    assert v.waiting_for == "project"


# 3. What was said before consent


@pytest.mark.parametrize(
    ("language", "first", "name", "phone", "noted"),
    [
        (
            "es",
            "Hola, soy Pedro Ruiz, quiero una cocina. Mi móvil es 612 345 678",
            "Pedro Ruiz",
            "+34612345678",
            "Te tengo apuntado como Pedro Ruiz.",
        ),
        (
            "ca",
            "Bon dia, em dic Jordi Puig i voldria un armari. Mòbil 622 33 44 55",
            "Jordi Puig",
            "+34622334455",
            "T'he apuntat com a Jordi Puig.",
        ),
        (
            "pt",
            "Olá, chamo-me Ana Sousa e queria uma cozinha. Telemóvel 912 345 678",
            "Ana Sousa",
            "+351912345678",
            "Tenho o seu nome como Ana Sousa.",
        ),
        (
            "en",
            "Hi, I'm Tom Baker and I need a wardrobe. Call me on +44 7700 900123",
            "Tom Baker",
            "+447700900123",
            "I have your name down as Tom Baker.",
        ),
    ],
)
def test_details_said_before_consent_are_used_once_it_is_given_and_never_asked_again(
    client: FlaskClient, store: Tenant, rt: Runtime, language: str, first: str, name: str, phone: str, noted: str
) -> None:
    v = visitor(client, store, language)
    v.send(text=first)
    assert v.waiting_for == "consent"
    assert lead_of(rt, v).contact == {}

    v.send(choice="yes")
    walk(v, [{"value": 14}, {"value": [8000, 12000]}, {"choice": "modern"}, {"choice": "soon"}])
    answer = v.send(skip=True)

    assert answer["messages"][0]["text"] == noted
    assert v.waiting_for == "contact_method"
    answer = v.send(choice="phone")
    assert v.waiting_for == "visit_type"
    assert lead_of(rt, v).contact == {"name": name, "phone": phone}


@pytest.mark.parametrize(
    ("language", "first", "refusal"),
    [
        ("es", "Soy Zacarías Quintanilla, zacarias.quintanilla@example.com", "No, gracias"),
        ("ca", "Sóc en Zacarías Quintanilla, zacarias.quintanilla@example.com", "ara no"),
        ("pt", "Chamo-me Zacarías Quintanilla, zacarias.quintanilla@example.com", "não, obrigado"),
        ("en", "I'm Zacarías Quintanilla, zacarias.quintanilla@example.com", "no thanks"),
    ],
)
def test_details_said_before_a_refused_consent_are_discarded(
    client: FlaskClient, store: Tenant, rt: Runtime, language: str, first: str, refusal: str
) -> None:
    v = visitor(client, store, language)
    v.send(text=first)
    held = variables_of(rt, v)["_before_consent"]
    assert held == {"name": "Zacarías Quintanilla", "email": "zacarias.quintanilla@example.com"}

    v.send(text=refusal)

    assert "_before_consent" not in variables_of(rt, v)
    assert not {"name", "email"} & set(variables_of(rt, v))
    lead = lead_of(rt, v)
    assert lead is None or lead.contact == {}


def test_details_held_before_consent_are_encrypted_at_rest(client: FlaskClient, store: Tenant, rt: Runtime) -> None:
    v = visitor(client, store, "es")
    v.send(text="Hola, soy Zacarías Quintanilla, escribidme a zacarias.quintanilla@example.com")
    assert variables_of(rt, v)["_before_consent"]["name"] == "Zacarías Quintanilla"

    dump = database_dump(rt)

    assert v.session_id.lower() in dump
    assert "quintanilla" not in dump


# 5. Not knowing


@pytest.mark.parametrize(
    ("language", "said"), [("es", "No lo sé"), ("ca", "no ho sé"), ("pt", "não sei"), ("en", "I don't know")]
)
def test_not_knowing_skips_an_optional_question(client: FlaskClient, store: Tenant, language: str, said: str) -> None:
    v = visitor(client, store, language)
    walk(v, [{"choice": "yes"}, {"choice": "kitchen"}])
    assert v.waiting_for == "area"

    v.send(text=said)

    assert v.waiting_for == "budget"


@pytest.mark.parametrize(
    ("language", "said", "help"),
    [
        ("es", "ni idea", "No pasa nada"),
        ("ca", "no ho sé", "No passa res"),
        ("pt", "não sei", "Não faz mal"),
        ("en", "not sure", "No problem"),
    ],
)
def test_not_knowing_at_a_required_question_gets_a_helpful_reask(
    client: FlaskClient, store: Tenant, language: str, said: str, help: str
) -> None:
    v = visitor(client, store, language)
    walk(v, [{"choice": "yes"}, {"choice": "kitchen"}, {"value": 14}, {"value": [8000, 12000]}, {"choice": "modern"}])
    assert v.waiting_for == "urgency"

    answer = v.send(text=said)

    assert answer["messages"][0]["text"].startswith(help)
    assert v.waiting_for == "urgency"


# 8. Phones by country


def to_phone(v: Visitor) -> None:
    walk(v, [{"choice": "yes"}, *TO_NAME, {"text": "Ana"}, {"choice": "phone"}])
    assert v.waiting_for == "phone"


@pytest.mark.parametrize(
    ("language", "country", "stored"),
    [("pt", "ES", "+351912345678"), ("es", "PT", "+34912345678"), ("ca", "PT", "+34912345678")],
)
def test_a_phone_without_prefix_follows_the_conversations_language(
    client: FlaskClient, make_tenant, rt: Runtime, language: str, country: str, stored: str
) -> None:
    tenant = make_tenant("Cuines Estudi", slug="estudi", allowed_origins=[ORIGIN], country=country)
    v = visitor(client, tenant, language)
    to_phone(v)

    v.send(text="912 345 678")

    assert lead_of(rt, v).contact["phone"] == stored


def test_an_english_phone_valid_in_two_countries_is_asked_with_its_prefix(
    client: FlaskClient, make_tenant, rt: Runtime
) -> None:
    tenant = make_tenant("Cozinhas Lisboa", slug="lisboa", allowed_origins=[ORIGIN], country="PT")
    v = visitor(client, tenant, "en")
    to_phone(v)

    answer = v.send(text="912 345 678")

    assert "(+351 or +34)" in answer["messages"][0]["text"]
    assert v.waiting_for == "phone"
    v.send(text="+351 912 345 678")
    assert lead_of(rt, v).contact["phone"] == "+351912345678"
