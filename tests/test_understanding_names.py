"""Names: read from the usual ways of saying them in four languages, written as names are written,
and never made up from sentences that hold none."""

from __future__ import annotations

import pytest

from appliance.core.understanding import understand
from appliance.core.understanding.names import find_name, read_name


@pytest.mark.parametrize(
    ("reply", "name"),
    [
        ("Me llamo Laura García", "Laura García"),
        ("mi nombre es laura garcía", "Laura García"),
        ("soy la Marta", "Marta"),
        ("aquí Pedro", "Pedro"),
        ("Em dic Jordi Puig", "Jordi Puig"),
        ("sóc en Jordi Puig i Cadafalch", "Jordi Puig i Cadafalch"),
        ("el meu nom és Núria", "Núria"),
        ("Chamo-me Ana Sousa", "Ana Sousa"),
        ("sou o João", "João"),
        ("o meu nome é ana maria da silva", "Ana Maria da Silva"),
        ("I'm Tom Baker", "Tom Baker"),
        ("my name is john o'brien", "John O'Brien"),
        ("ronald mcdonald", "Ronald McDonald"),
        ("laura garcía", "Laura García"),
        ("LAURA GARCÍA", "Laura García"),
        ("María de la Cruz", "María de la Cruz"),
        ("Hola, Laura", "Laura"),
        ("Sí, claro: Ana", "Ana"),
        ("Laura García, laura@example.com", "Laura García"),
        ("Jean-Pierre", "Jean-Pierre"),
    ],
)
def test_it_reads_a_name_at_the_name_question_in_four_languages(reply: str, name: str) -> None:
    assert read_name(reply) == name


@pytest.mark.parametrize(
    "reply",
    [
        "no quiero darlo",
        "prefiero no decirlo",
        "para qué lo necesitas?",
        "prefereixo no dir-ho",
        "não quero dizer",
        "I'd rather not say",
        "quiero una cocina",
        "Me llamo",
        "123456",
        "x" * 200,
    ],
)
def test_it_finds_no_name_in_replies_that_hold_none(reply: str) -> None:
    assert read_name(reply) is None


@pytest.mark.parametrize(
    ("message", "name"),
    [
        ("soy Pedro Ruiz, quiero una cocina de 12 m2", "Pedro Ruiz"),
        ("Bon dia, sóc la Marta i voldria un armari", "Marta"),
        ("Olá, chamo-me Ana Sousa e queria uma cozinha", "Ana Sousa"),
        ("Hi, I'm Tom Baker and I need a wardrobe", "Tom Baker"),
        ("me llamo laura y quiero un armario", "Laura"),
    ],
)
def test_a_first_message_gives_the_name_its_writer_introduces_themselves_by(message: str, name: str) -> None:
    assert find_name(message) == name
    assert understand(message)["name"] == name


@pytest.mark.parametrize(
    "message",
    [
        "soy de Madrid y busco cocina",
        "Soy Arquitecta y busco un armario",
        "I'm looking for a kitchen",
        "sou do Porto",
        "hola soy pedro",  # a plain "soy" needs the capital letter a name is written with
        "SOY PEDRO RUIZ",  # capitals everywhere tell nothing about names
        "This is a kitchen question",
        "Hola! cocina moderna de unos 12m2, entre 10 y 15 mil",
    ],
)
def test_a_message_without_an_introduction_gives_no_name(message: str) -> None:
    assert understand(message)["name"] is None
