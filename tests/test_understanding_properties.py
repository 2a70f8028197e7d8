"""Property tests of appliance.core.understanding with hypothesis."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.core.understanding import understand
from appliance.core.understanding.numbers import parse_literal
from tests.contract import NLU_KEYS as KEYS


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_it_never_fails_and_always_returns_every_key(text: str) -> None:
    fields = understand(text)
    assert list(fields) == KEYS
    assert fields["language"] in {"es", "ca", "pt", "en"}


@given(st.integers(min_value=1000, max_value=999_999))
def test_it_reads_euro_amounts_with_dot_or_space_thousands(amount: int) -> None:
    dotted = f"{amount:,}".replace(",", ".")
    spaced = f"{amount:,}".replace(",", " ")
    assert understand(f"presupuesto de {dotted} €")["budget_max_eur"] == amount
    assert understand(f"orçamento de {spaced} €")["budget_min_eur"] == amount


@given(st.integers(min_value=1000, max_value=999_999))
def test_it_reads_english_comma_thousands(amount: int) -> None:
    assert understand(f"our budget is €{amount:,}")["budget_min_eur"] == amount


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=9))
def test_it_reads_decimal_commas_and_points_alike(whole: int, tenth: int) -> None:
    assert parse_literal(f"{whole},{tenth}") == parse_literal(f"{whole}.{tenth}") == whole + tenth / 10


@given(st.integers(min_value=2, max_value=60))
def test_it_reads_k_and_mil_as_thousands(thousands: int) -> None:
    assert understand(f"tengo unos {thousands}k")["budget_min_eur"] == thousands * 1000
    assert understand(f"tenim uns {thousands} mil euros")["budget_max_eur"] == thousands * 1000
