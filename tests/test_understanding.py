"""Unit tests of appliance.core.understanding, one rule of LABELS.md at a time."""

from __future__ import annotations

import pytest

from appliance.core.understanding import understand
from tests.contract import NLU_KEYS as KEYS


def budget(text: str) -> tuple[object, object]:
    """Return (budget_min_eur, budget_max_eur) for the text."""
    fields = understand(text)
    return fields["budget_min_eur"], fields["budget_max_eur"]


def test_it_returns_every_key_in_order() -> None:
    assert list(understand("Hola")) == KEYS


def test_it_returns_nulls_for_a_bare_greeting() -> None:
    fields = understand("Hola buenas noches")
    assert fields["language"] == "es"
    assert all(fields[key] is None for key in KEYS[1:])


def test_it_survives_empty_and_emoji_only_messages() -> None:
    assert understand("")["language"] == "es"
    assert understand("👍👍", default_language="pt")["language"] == "pt"


# Budget: single amounts, formats and multipliers.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("presupuesto de 15.000 €", 15000),
        ("tenemos 15 000 € para la cocina", 15000),
        ("budget 15,000 euros", 15000),
        ("€8,000 for a wardrobe", 8000),
        ("pressupost de 12.500€", 12500),
        ("presupuesto 15.000,50 €", 15000),
        ("tengo unos 15k", 15000),
        ("about 9k", 9000),
        ("unos 15 mil", 15000),
        ("uns 20 mil euros", 20000),
        ("2.5k para un vestidor", 2500),
        ("1,5 mil euros", 1500),
        ("7 mil 500 euros", 7500),
    ],
)
def test_it_reads_number_formats_and_multipliers(text: str, expected: int) -> None:
    assert budget(text) == (expected, expected)


def test_it_reads_mil_as_thousands_in_catalan() -> None:
    assert budget("Tenim uns 9 mil euros per a la cuina") == (9000, 9000)


def test_it_adds_the_hundreds_after_mil_in_portuguese() -> None:
    assert budget("orçamento de 8 mil e quinhentos euros") == (8500, 8500)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("doce mil euros", 12000),
        ("dos mil quinientos euros", 2500),
        ("quince mil euros más o menos", 15000),
        ("uns dotze mil euros", 12000),
        ("dos mil cinc-cents euros", 2500),
        ("doze mil euros", 12000),
        ("dois mil e quinhentos euros", 2500),
        ("fifteen thousand euros", 15000),
        ("around twenty-five thousand euros", 25000),
        ("unos quinientos euros", 500),
    ],
)
def test_it_converts_amounts_written_in_words(text: str, expected: int) -> None:
    assert budget(text) == (expected, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entre 8 y 12 mil", (8000, 12000)),
        ("entre 8 i 10 mil euros", (8000, 10000)),
        ("entre 10 e 13 mil euros", (10000, 13000)),
        ("de 10.000 a 15.000 €", (10000, 15000)),
        ("6.000-8.000 €", (6000, 8000)),
        ("budget 15-20k", (15000, 20000)),
        ("de 10 a 15k", (10000, 15000)),
        ("between 10 and 15k", (10000, 15000)),
        ("entre diez y quince mil", (10000, 15000)),
        ("entre 10 mil y 15 mil", (10000, 15000)),
        ("Budget is €10-12k", (10000, 12000)),
    ],
)
def test_it_reads_ranges_as_min_and_max(text: str, expected: tuple[int, int]) -> None:
    assert budget(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "menos de 5.000 €",
        "hasta 5000 euros",
        "máximo 5.000€",
        "maximo 5.000€",
        "como mucho 5000",
        "no más de 5k",
        "fins a 5.000 €",
        "màxim 5.000 €",
        "orçamento até 5.000 €",
        "up to 5,000 euros",
        "under 5k",
        "5k max",
        "5k tops",
    ],
)
def test_it_reads_upper_bounds(text: str) -> None:
    assert budget(text) == (None, 5000)


@pytest.mark.parametrize(
    "text",
    ["a partir de 5.000 €", "mínimo 5000 euros", "minimum 5k", "more than 5k", "at least 5k", "tenemos más de 5.000 €"],
)
def test_it_reads_lower_bounds(text: str) -> None:
    assert budget(text) == (5000, None)


@pytest.mark.parametrize(
    "text",
    [
        "más de 3.000 € no me quiero gastar",
        "no quiero gastar más de 3.000 €",
        "no volem gastar més de 3.000 €",
        "não queremos gastar mais de 3 mil euros",
        "I don't want to spend more than 3k",
    ],
)
def test_it_reads_a_negated_more_than_as_an_upper_bound(text: str) -> None:
    assert budget(text) == (None, 3000)


@pytest.mark.parametrize(
    "text",
    [
        "Tenho uns 15 mil reais",
        "R$ 20 mil para a cozinha",
        "budget up to £20,000",
        "$15,000 budget",
        "15.000 dólares",
        "about 10k dollars",
        "unas 8.000 libras",
    ],
)
def test_it_leaves_foreign_currencies_out(text: str) -> None:
    assert budget(text) == (None, None)


def test_it_reads_pavos_as_euros() -> None:
    assert budget("unos 20 mil pavos") == (20000, 20000)


@pytest.mark.parametrize(
    "text",
    [
        "Abrís de 9 a 14 y de 17 a 20?",
        "Tengo 3 hijos de 4, 7 y 12 años",
        "Preciso de roupeiros para 3 quartos",
        "armario de 3 puertas",
        "Vivo en el 3º 2ª, calle Mayor 45, 28013 Madrid",
        "cocina para un piso en la calle Sagasta 23",
        "el pedido 458712 no ha llegado",
        "vi la cocina en vuestro catálogo 2024",
        "queremos hacerla en 2026",
        "armario de 2,40 de alto",
        "sin presupuesto definido",
        "código postal 08012",
        "Open till 20:00?",
    ],
)
def test_it_never_reads_other_numbers_as_budgets(text: str) -> None:
    assert budget(text) == (None, None)


# Area.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cocina de 12 m2", 12),
        ("vestidor de 7 m²", 7),
        ("15 mts2", 15),
        ("unos 10 metros cuadrados", 10),
        ("la cuina fa 11 metres quadrats", 11),
        ("cozinha com 9 metros quadrados", 9),
        ("about 20 square metres", 20),
        ("roughly 12 sq m", 12),
        ("a 14 sqm kitchen", 14),
        ("una cocina de 12,5 m2", 12.5),
        ("a 7.5 m² dressing room", 7.5),
    ],
)
def test_it_reads_square_metres_in_every_spelling(text: str, expected: float) -> None:
    assert understand(text)["area_m2"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cocina de 3x4 metros", 12),
        ("cocina de 3 por 4", 12),
        ("Cocina de 3,5 x 3 metros", 10.5),
        ("Vestidor de 2,5 per 3 metres", 7.5),
        ("habitación de 3x2,5 mts", 7.5),
        ("the kitchen is 4 x 2.5 m", 10),
        ("the bedroom is 3 x 4 m, we need a wardrobe", 12),
        ("mueble para un baño de 2 x 1,5", 3),
        ("a cozinha tem 3 m x 2,5 m", 7.5),
        ("armario de 250x300 cm", 7.5),
    ],
)
def test_it_multiplies_two_dimensions(text: str, expected: float) -> None:
    assert understand(text)["area_m2"] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tengo una cocina de 5 metros lineales",
        "5 metres lineals de cuina",
        "cozinha com 4 metros lineares",
        "armario de 2,5 mts de largo",
        "la paret fa 3 metres d'amplada",
        "armario de 2,60 de alto",
        "o quarto tem 3 metros de largura",
        "a 3 m long wall",
        "un piso de 90 m2, queremos cocina nueva",
        "the flat is about 80 sqm",
    ],
)
def test_it_does_not_read_lengths_or_the_whole_home_as_an_area(text: str) -> None:
    assert understand(text)["area_m2"] is None


def test_it_prefers_the_room_to_the_home() -> None:
    assert understand("cocina de 12 m2 en un piso de 90 m2")["area_m2"] == 12


# Project type.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hacéis cocinas en Sevilla?", "kitchen"),
        ("una cuina nova", "kitchen"),
        ("cozinha planejada", "kitchen"),
        ("quiero cambiar la encimera", "kitchen"),
        ("preciso de uma bancada nova", "kitchen"),
        ("una cocina con isla", "kitchen"),
        ("new kitchen units", "kitchen"),
        ("COCNA nueva", "kitchen"),
        ("armario empotrado", "wardrobe"),
        ("armari encastat", "wardrobe"),
        ("roupeiro embutido", "wardrobe"),
        ("guarda-roupa planejado", "wardrobe"),
        ("built-in wardrobes", "wardrobe"),
        ("walk-in closet", "wardrobe"),
        ("Feu vestidors?", "wardrobe"),
        ("mueble de salón", "furniture"),
        ("moble de la tele", "furniture"),
        ("painel de TV", "furniture"),
        ("a bespoke TV unit", "furniture"),
        ("librería a medida", "furniture"),
        ("bookshelves for the study", "furniture"),
        ("muebles a medida para la habitación de los niños", "furniture"),
        ("mueble de baño", "furniture"),
        ("moble de bany", "furniture"),
        ("móvel de casa de banho", "furniture"),
        ("vanity unit", "furniture"),
        ("Qué horario tenéis?", None),
        ("Aceptáis tarjeta?", None),
        ("vivo en la isla de Mallorca", None),
    ],
)
def test_it_names_the_project_type(text: str, expected: str | None) -> None:
    assert understand(text)["project_type"] == expected


# Style.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("estilo moderno", "modern"),
        ("algo contemporáneo", "modern"),
        ("estil contemporani", "modern"),
        ("contemporary look", "modern"),
        ("MINIMALISTA", "minimalist"),
        ("minimal kitchen", "minimalist"),
        ("clásico inglés", "classic"),
        ("estil clàssic", "classic"),
        ("estilo clássico", "classic"),
        ("traditional", "classic"),
        ("rústica", "rustic"),
        ("farmhouse style", "rustic"),
        ("country kitchen", "rustic"),
        ("industrial", "industrial"),
        ("nordico", "nordic"),
        ("estil nòrdic", "nordic"),
        ("escandinava", "nordic"),
        ("scandinavian look", "nordic"),
        ("minimalsta", "minimalist"),
    ],
)
def test_it_names_explicit_styles(text: str, expected: str) -> None:
    assert understand(text)["style"] == expected


@pytest.mark.parametrize(
    "text",
    [
        "cocina blanca lacada de roble",
        "armari de fusta",
        "algo barato",
        "de luxe",
        "elegante y acogedor",
        "una casa en la playa",
        "estáis en el polígono industrial?",
        "which country do you ship to?",
    ],
)
def test_it_does_not_take_colours_materials_or_places_for_styles(text: str) -> None:
    assert understand(text)["style"] is None
