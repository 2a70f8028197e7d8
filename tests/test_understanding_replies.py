"""Short replies: agreeing, refusing and not knowing, in four languages, with negations."""

from __future__ import annotations

import pytest

from appliance.core.understanding.replies import polarity, says_dont_know


@pytest.mark.parametrize(
    "reply",
    [
        "sí, vale",
        "vale",
        "ok",
        "claro",
        "de acuerdo",
        "d'acord",
        "és clar, endavant",
        "sim, claro",
        "pode ser",
        "yes please",
        "sure",
        "no hay problema",
        "por qué no",
    ],
)
def test_it_hears_a_yes(reply: str) -> None:
    assert polarity(reply) == "yes"


@pytest.mark.parametrize(
    "reply",
    ["no, mejor no", "ara no", "No, gracias", "no gràcies", "agora não", "não, obrigado", "nope", "I'd rather not"],
)
def test_it_hears_a_no(reply: str) -> None:
    assert polarity(reply) == "no"


@pytest.mark.parametrize("reply", ["sí, pero ahora no", "quiero una cocina", "Bom dia", "no lo sé", "", "vale " * 20])
def test_it_hears_neither_in_mixed_unrelated_or_unsure_replies(reply: str) -> None:
    assert polarity(reply) is None


@pytest.mark.parametrize(
    "reply",
    [
        "No lo sé",
        "ni idea",
        "no sé",
        "no ho sé",
        "encara no ho sé",
        "não sei",
        "não faço ideia",
        "I don't know",
        "not sure",
        "no idea",
    ],
)
def test_it_hears_that_the_visitor_does_not_know(reply: str) -> None:
    assert says_dont_know(reply)


@pytest.mark.parametrize("reply", ["no", "unos 12 m2", "sé que quiero una cocina", "I know exactly what I want"])
def test_it_does_not_hear_not_knowing_in_other_replies(reply: str) -> None:
    assert not says_dont_know(reply)
