"""The engine reading people: typed answers to buttons, names, "I don't know", contact details said
before consent, and phone numbers by country — as pure core, one step at a time."""

from __future__ import annotations

from typing import Any

import pytest

from appliance.conversations.turns import FACT_KEYS
from appliance.core.flows.choices import Choice, choose
from appliance.core.flows.early import HELD
from appliance.core.flows.presets import preset
from appliance.core.flows.schema import ButtonsBlock
from appliance.core.flows.validation import validate_flow
from appliance.core.understanding import understand
from tests.test_flow_engine import Chat, at, base_flow, said


def block(block_id: str) -> ButtonsBlock:
    found = base_flow().block(block_id)
    assert isinstance(found, ButtonsBlock)
    return found


def at_phone(chat: Chat) -> Chat:
    """Bring a base-flow conversation to the phone question."""
    at(chat, "contact_method").send("choice", "phone")
    assert chat.state["block"] == "phone"
    return chat


def typed(chat: Chat, text: str) -> Any:
    """Send free text with the facts understanding reads in it, as the turn service does."""
    found = understand(text, default_language=chat.state["language"], default_country=chat.country)
    return chat.text(text, {k: found[k] for k in FACT_KEYS if found.get(k) is not None})


# Typed answers to buttons


@pytest.mark.parametrize(
    ("block_id", "text", "option"),
    [
        ("consent", "sí, vale", "yes"),
        ("consent", "vale", "yes"),
        ("consent", "ok", "yes"),
        ("consent", "claro", "yes"),
        ("consent", "d'acord", "yes"),
        ("consent", "sim, pode ser", "yes"),
        ("consent", "sure, go ahead", "yes"),
        ("consent", "no, mejor no", "no"),
        ("consent", "ara no", "no"),
        ("consent", "agora não", "no"),
        ("consent", "no acepto", "no"),
        ("contact_method", "por correo", "email"),
        ("contact_method", "per telèfon", "phone"),
        ("contact_method", "por email, se faz favor", "email"),
        ("contact_method", "call me", "phone"),
        ("visit_type", "prefiero que vengáis a casa a medir", "home"),
        ("visit_type", "en casa", "home"),
        ("visit_type", "I'd rather come to the showroom", "showroom"),
        ("visit_type", "prefiro na loja", "showroom"),
        ("visit_type", "millor a la botiga", "showroom"),
        ("urgency", "no tinc pressa, només mirant", "exploring"),
        ("project", "2", "wardrobe"),
    ],
)
def test_free_text_chooses_the_option_it_names_by_meaning(block_id: str, text: str, option: str) -> None:
    assert choose(block(block_id), text) == Choice(option)


def test_an_email_in_the_text_chooses_the_email_option() -> None:
    assert choose(block("contact_method"), "mi correo es ana@x.es", {"email": "ana@x.es"}).chosen == "email"
    assert choose(block("contact_method"), "612 345 678", {"phone": "+34612345678"}).chosen == "phone"


def test_text_naming_two_options_equally_chooses_neither() -> None:
    assert choose(block("contact_method"), "por correo o por teléfono") == Choice(tied=("email", "phone"))


@pytest.mark.parametrize(
    "text",
    ["what is that for?", "Hola, quiero una cocina, no muy grande", "no entiendo", "per què ho necessiteu?"],
)
def test_a_consent_is_never_given_or_refused_by_a_stray_word(text: str) -> None:
    assert choose(block("consent"), text) == Choice()


def test_a_word_common_to_many_sentences_does_not_choose_an_option() -> None:
    # "busco" is in the label "Solo busco ideas", "antes" in "Lo antes posible": neither says when.
    assert choose(block("urgency"), "busco algo moderno").chosen is None
    assert choose(block("urgency"), "antes de verano").chosen is None


def test_not_knowing_is_never_taken_for_a_no() -> None:
    for text in ("no lo sé", "no ho sé", "não sei", "I don't know"):
        assert choose(block("consent"), text) == Choice(), text


@pytest.mark.parametrize(
    ("language", "text", "question"),
    [
        ("es", "por correo o por teléfono", "¿Cuál de estas prefieres: «Correo electrónico» o «Teléfono/WhatsApp»?"),
        ("ca", "per correu o per telèfon", "Quina d'aquestes prefereixes: «Correu electrònic» o «Telèfon/WhatsApp»?"),
        ("pt", "por email ou telefone", "Qual destas prefere: «E-mail» ou «Telefone/WhatsApp»?"),
        ("en", "email or phone", "Which of these do you mean: “Email” or “Phone/WhatsApp”?"),
    ],
)
def test_the_engine_asks_which_when_two_options_match(language: str, text: str, question: str) -> None:
    chat = at(Chat(base_flow(), language), "contact_method")

    turn = typed(chat, text)

    assert said(turn) == [question]
    assert chat.state["block"] == "contact_method"


@pytest.mark.parametrize(
    ("language", "text", "email"),
    [
        ("es", "mi correo es ana@x.es", "ana@x.es"),
        ("ca", "el meu correu és jordi@x.cat", "jordi@x.cat"),
        ("pt", "o meu e-mail é ana@x.pt", "ana@x.pt"),
        ("en", "my email is tom@x.co.uk", "tom@x.co.uk"),
    ],
)
def test_an_email_given_at_the_contact_channel_answers_both_questions(language: str, text: str, email: str) -> None:
    chat = at(Chat(base_flow(), language), "contact_method")

    turn = typed(chat, text)

    assert chat.vars["contact_method"] == "email"
    assert chat.vars["email"] == email
    assert email in said(turn)[0]
    assert chat.state["block"] == "visit_type"


# Synonyms in the flow document


def test_flows_may_declare_synonyms_per_option_and_language() -> None:
    document = preset("base")
    assert all(
        set(option["synonyms"]) == {"es", "ca", "pt", "en"}
        for b in document["blocks"]
        for option in b.get("options", [])
    )
    flow, problems = validate_flow(document)
    assert problems == []
    assert flow is not None


def test_synonyms_in_undeclared_languages_or_shared_by_two_options_are_problems() -> None:
    document = preset("base")
    options = next(b for b in document["blocks"] if b["id"] == "contact_method")["options"]
    options[0]["synonyms"] = {"de": ["E-Mail"], "es": ["llamada"]}

    flow, problems = validate_flow(document)

    assert flow is None
    paths = {p["path"]: p["message"] for p in problems}
    assert paths["blocks[10].options[0].synonyms.de"] == "language not declared by the flow"
    assert "also names option" in paths["blocks[10].options[1].synonyms.es[1]"]


# Names


@pytest.mark.parametrize(
    ("language", "reply", "stored"),
    [
        ("es", "Me llamo Laura García", "Laura García"),
        ("ca", "Em dic Jordi Puig", "Jordi Puig"),
        ("pt", "Chamo-me Ana Sousa", "Ana Sousa"),
        ("en", "I'm Tom Baker", "Tom Baker"),
    ],
)
def test_the_name_question_keeps_the_name_not_the_sentence(language: str, reply: str, stored: str) -> None:
    chat = at(Chat(base_flow(), language), "name")

    turn = typed(chat, reply)

    assert chat.vars["name"] == stored
    assert stored in said(turn)[0]


@pytest.mark.parametrize(
    ("language", "reply", "reask"),
    [
        ("es", "prefiero no decirlo", "¿Cómo te llamas?"),
        ("ca", "per què ho vols saber?", "Com et dius?"),
        ("pt", "não quero dizer", "Como se chama?"),
        ("en", "why do you need it?", "What should I call you?"),
    ],
)
def test_a_reply_without_a_name_is_asked_again_kindly(language: str, reply: str, reask: str) -> None:
    chat = at(Chat(base_flow(), language), "name")

    turn = typed(chat, reply)

    assert "name" not in chat.vars
    assert said(turn)[0].endswith(reask)
    assert chat.state["block"] == "name"


# Not knowing


@pytest.mark.parametrize(
    ("language", "reply"), [("es", "No lo sé"), ("ca", "no ho sé"), ("pt", "não sei"), ("en", "not sure")]
)
def test_not_knowing_passes_over_an_optional_question(language: str, reply: str) -> None:
    chat = at(Chat(base_flow(), language), "area")

    typed(chat, reply)

    assert chat.state["block"] == "budget"
    assert "area_m2" not in chat.vars


@pytest.mark.parametrize(
    ("language", "reply", "help"),
    [
        ("es", "ni idea", "No pasa nada"),
        ("ca", "no ho sé", "No passa res"),
        ("pt", "não sei", "Não faz mal"),
        ("en", "I don't know", "No problem"),
    ],
)
def test_not_knowing_at_a_required_question_gets_a_helpful_reask(language: str, reply: str, help: str) -> None:
    chat = at(Chat(base_flow(), language), "urgency")

    turn = typed(chat, reply)

    assert said(turn)[0].startswith(help)
    assert chat.state["block"] == "urgency"
    assert turn.input is not None
    assert turn.input["type"] == "buttons"


# Contact details said before consent


@pytest.mark.parametrize(
    ("language", "first", "name", "phone"),
    [
        ("es", "Hola, soy Pedro Ruiz, quiero una cocina. Mi móvil es 612 345 678", "Pedro Ruiz", "+34612345678"),
        (
            "ca",
            "Bon dia, em dic Jordi Puig, voldria un armari. El meu mòbil: 622 33 44 55",
            "Jordi Puig",
            "+34622334455",
        ),
        ("pt", "Olá, chamo-me Ana Sousa, queria uma cozinha. Telemóvel 912 345 678", "Ana Sousa", "+351912345678"),
        ("en", "Hi, I'm Tom Baker, I need a wardrobe. Call me on +44 7700 900123", "Tom Baker", "+447700900123"),
    ],
)
def test_contact_details_said_before_consent_are_kept_once_it_is_given(
    language: str, first: str, name: str, phone: str
) -> None:
    chat = Chat(base_flow(), language)
    chat.start()
    typed(chat, first)
    assert chat.vars[HELD] == {"name": name, "phone": phone}
    assert "name" not in chat.vars
    assert "phone" not in chat.vars

    chat.send("choice", "yes")

    assert HELD not in chat.vars
    assert (chat.vars["name"], chat.vars["phone"]) == (name, phone)


def test_details_held_before_consent_are_discarded_when_it_is_refused() -> None:
    chat = Chat(base_flow(), "es")
    chat.start()
    typed(chat, "Soy Pedro Ruiz, mi correo es pedro@x.es")

    chat.send("choice", "no")
    typed(chat, "me llamo Pedro Ruiz")

    assert HELD not in chat.vars
    assert not {"name", "email"} & set(chat.vars)


def test_a_known_name_and_phone_are_confirmed_instead_of_asked_again() -> None:
    chat = Chat(base_flow(), "es")
    chat.start()
    typed(chat, "Hola, soy Pedro Ruiz, mi móvil es 612 345 678")
    chat.send("choice", "yes")
    chat = at(chat, "photos")

    turn = chat.send("skip")

    assert said(turn)[0] == "Te tengo apuntado como Pedro Ruiz."
    assert chat.state["block"] == "contact_method"
    turn = chat.send("choice", "phone")
    assert said(turn)[0] == "Te contactaremos en el +34612345678."
    assert chat.state["block"] != "phone"


# Phones by country


@pytest.mark.parametrize(
    ("language", "country", "stored"),
    [("pt", "ES", "+351912345678"), ("es", "PT", "+34912345678"), ("ca", "ES", "+34912345678")],
)
def test_a_phone_without_prefix_is_read_in_the_conversations_language(language: str, country: str, stored: str) -> None:
    chat = at_phone(Chat(base_flow(), language, country=country))

    typed(chat, "912 345 678")

    assert chat.vars["phone"] == stored


def test_a_phone_valid_in_two_countries_in_an_english_conversation_is_asked_with_its_prefix() -> None:
    chat = at_phone(Chat(base_flow(), "en", country="PT"))

    turn = typed(chat, "912 345 678")

    assert "phone" not in chat.vars
    assert said(turn) == [
        "That number exists in more than one country. Could you write it with the country code (+351 or +34)?"
    ]
    typed(chat, "+351 912 345 678")
    assert chat.vars["phone"] == "+351912345678"
