"""Unit tests of urgency, email and phone reading in appliance.core.understanding."""

from __future__ import annotations

import pytest

from appliance.core.understanding import understand
from appliance.core.understanding.contact import phone_candidates, to_e164
from appliance.core.understanding.urgency import bucket_for


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("URGENTE", "urgent"),
        ("cuanto antes", "urgent"),
        ("lo antes posible", "urgent"),
        ("com més aviat millor", "urgent"),
        ("o mais rápido possível", "urgent"),
        ("o quanto antes", "urgent"),
        ("need it asap", "urgent"),
        ("en dos semanas", "urgent"),
        ("within a month", "urgent"),
        ("el mes que viene", "urgent"),
        ("el mes que ve", "urgent"),
        ("o mês que vem", "urgent"),
        ("next month", "urgent"),
        ("daqui a um mês", "urgent"),
        ("en un par de meses", "soon"),
        ("d'aquí a dos mesos", "soon"),
        ("daqui a dois meses", "soon"),
        ("in a couple of months", "soon"),
        ("in six weeks", "soon"),
        ("en mes y medio", "soon"),
        ("el año que viene", "later"),
        ("l'any que ve", "later"),
        ("no próximo ano", "later"),
        ("para o ano", "later"),
        ("next year", "later"),
        ("en unos 6 meses", "later"),
        ("em 4 meses", "later"),
        ("solo estoy mirando", "exploring"),
        ("sin prisa", "exploring"),
        ("només estic mirant", "exploring"),
        ("no tinc pressa", "exploring"),
        ("só a ver ideias", "exploring"),
        ("sem pressa nenhuma", "exploring"),
        ("Tô só pesquisando", "exploring"),
        ("just browsing", "exploring"),
        ("no rush", "exploring"),
        ("no es urgente", "exploring"),
    ],
)
def test_it_buckets_urgency(text: str, expected: str) -> None:
    assert understand(text)["urgency"] == expected


@pytest.mark.parametrize(
    "text",
    [
        "antes del verano",
        "para Navidad",
        "a finales de año",
        "este año",
        "en septiembre",
        "nos mudamos de casa",
        "¿podéis venir a medir el jueves?",
        "¿podéis venir a medir la semana que viene?",
        "can I visit the showroom next week?",
        "llamadme por la tarde",
        "me podéis llamar cuanto antes?",
        "fa 2 anys vam fer la cuina",
        "my kids are 5 years old",
    ],
)
def test_it_ignores_dates_appointments_and_the_past(text: str) -> None:
    assert understand(text)["urgency"] is None


def test_it_keeps_urgency_said_beside_an_appointment_request() -> None:
    assert understand("Necesito la cocina cuanto antes, ¿podéis venir a medir?")["urgency"] == "urgent"


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (10, "dias", "urgent"),
        (4, "weeks", "urgent"),
        (6, "semanas", "soon"),
        (2, "meses", "soon"),
        (8, "months", "later"),
    ],
)
def test_it_buckets_durations_by_length(amount: float, unit: str, expected: str) -> None:
    assert bucket_for(amount, unit) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email: maria_sousa@gmail.com.", "maria_sousa@gmail.com"),
        ("P.SANZ@GMAIL.COM", "p.sanz@gmail.com"),
        ("escribidme a (ana-lopez@outlook.com)", "ana-lopez@outlook.com"),
        ("my email is j.smith@yahoo.co.uk, thanks", "j.smith@yahoo.co.uk"),
        ("no tengo email", None),
    ],
)
def test_it_reads_emails_lowercased_without_punctuation(text: str, expected: str | None) -> None:
    assert understand(text)["email"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mi tlf: 622 33 44 55", "+34622334455"),
        ("llamadme al 93 123 45 67", "+34931234567"),
        ("el mòbil 644 55 66 77", "+34644556677"),
        ("+34 611 222 333", "+34611222333"),
        ("0034600123456", "+34600123456"),
        ("ligue para 00351 912 000 111", "+351912000111"),
        ("O meu número é 961 234 567", "+351961234567"),
        ("o meu telefone fixo é 221 234 567", "+351221234567"),
        ("call me on +44 7700 900123", "+447700900123"),
        ("meu WhatsApp é +55 21 99123-4567", "+5521991234567"),
        ("Oi, meu celular é (11) 91234-5678", "+5511912345678"),
    ],
)
def test_it_writes_phones_in_e164(text: str, expected: str) -> None:
    assert understand(text)["phone"] == expected


def test_it_reads_the_same_digits_as_spanish_or_portuguese_by_language() -> None:
    assert understand("Mi número es 915 550 123")["phone"] == "+34915550123"
    assert understand("El meu número és 915 550 123")["phone"] == "+34915550123"
    assert understand("O meu número é 915 550 123")["phone"] == "+351915550123"


@pytest.mark.parametrize(
    "text",
    [
        "el pedido 612345678 no ha llegado",
        "código postal 08012",
        "vivo en el 3º 2ª",
        "catálogo 2024",
        "de 10.000 a 15.000 €",
    ],
)
def test_it_does_not_take_other_numbers_for_phones(text: str) -> None:
    assert understand(text)["phone"] is None


def test_it_uses_the_store_country_for_unprefixed_numbers_in_english() -> None:
    assert to_e164("612 345 678", "en", "ES") == "+34612345678"
    assert to_e164("612 345 678", "en", "PT") == "+34612345678"
    assert to_e164("221 234 567", "en", "ES") == "+351221234567"


def test_it_leaves_an_english_number_valid_in_two_countries_unread() -> None:
    # English tells no country and 912 345 678 is a Madrid line and a Portuguese mobile: ask.
    assert to_e164("912 345 678", "en", "PT") is None
    assert phone_candidates("912 345 678", "en", "PT") == ["+351912345678", "+34912345678"]
    assert phone_candidates("912 345 678", "pt", "ES") == ["+351912345678"]
    assert phone_candidates("912 345 678", "ca", "PT") == ["+34912345678"]
