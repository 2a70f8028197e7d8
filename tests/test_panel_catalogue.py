"""The catalogue page: staff type price ranges per m² and product lines, the proposal quotes only those."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from appliance.configs.documents import config_in_force
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.panel import post_form
from webui.panel.catalogue_pages import euros

PAGE = "/panel/settings/catalogue"


@pytest.fixture
def alice(panel_login: Any, cast: Cast) -> FlaskClient:
    return panel_login("alice@example.com")


def form(rows: list[tuple[str, str, str, str]], lines: str = "") -> dict[str, Any]:
    return {
        "project_type": [r[0] for r in rows],
        "style": [r[1] for r in rows],
        "min_eur_per_m2": [r[2] for r in rows],
        "max_eur_per_m2": [r[3] for r in rows],
        "lines": lines,
    }


def catalogue(rt: Runtime, tenant_id: str) -> dict[str, Any]:
    return config_in_force(rt, tenant_id, "catalogue", "Europe/Madrid")["payload"]


def test_staff_save_price_ranges_and_lines_and_blank_rows_are_dropped(
    alice: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    rows = [("kitchen", "modern", "500", "1.200,50"), ("wardrobe", "", "300", "450"), ("kitchen", "", "", "")]
    answer = post_form(alice, PAGE, form(rows, "Cocinas Lineal\n\nArmarios Nube\nCocinas Lineal\n"))
    assert answer.status_code == 302
    assert catalogue(rt, cast.tenant_a.id) == {
        "price_ranges": [
            {"project_type": "kitchen", "style": "modern", "min_eur_per_m2": 500.0, "max_eur_per_m2": 1200.5},
            {"project_type": "wardrobe", "style": None, "min_eur_per_m2": 300.0, "max_eur_per_m2": 450.0},
        ],
        "lines": ["Cocinas Lineal", "Armarios Nube"],
    }
    page = alice.get(PAGE).get_data(as_text=True)
    assert 'value="1200.50"' in page
    assert 'value="500"' in page
    assert "Cocinas Lineal\nArmarios Nube" in page


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("kitchen", "", "900", "500"), "The highest price is below the lowest."),
        (("kitchen", "", "doce", "900"), "Write both prices, in euros per m²."),
        (("kitchen", "", "", "900"), "Write both prices, in euros per m²."),
    ],
)
def test_a_wrong_row_is_shown_again_with_what_was_typed_and_nothing_is_saved(
    alice: FlaskClient, cast: Cast, rt: Runtime, row: tuple[str, str, str, str], message: str
) -> None:
    before = catalogue(rt, cast.tenant_a.id)
    answer = post_form(alice, PAGE, form([row]))
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert message in page
    assert f'value="{row[2]}"' in page
    assert catalogue(rt, cast.tenant_a.id) == before


def test_an_agent_cannot_change_the_catalogue(panel_login: Any, cast: Cast) -> None:
    bob = panel_login("bob@example.com")
    assert bob.get(PAGE).status_code == 403


@pytest.mark.parametrize(
    ("typed", "read"), [("1.200,50", 1200.5), ("1200.5", 1200.5), ("950 €", 950.0), ("12.000", 12000.0), ("x", None)]
)
def test_amounts_are_read_as_people_write_them(typed: str, read: float | None) -> None:
    assert euros(typed) == read
