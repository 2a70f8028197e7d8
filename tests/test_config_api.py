"""A store's configuration: versions, validation with every problem, roles and tenant walls."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import Cast


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


WEIGHTS = {"budget": 50, "urgency": 20, "area": 15, "style": 10, "origin": 5}


def test_a_new_store_has_its_scoring_and_agenda_in_force(client: FlaskClient, cast: Cast) -> None:
    scoring = client.get("/v1/config/scoring", headers=auth(cast.bob_token)).get_json()
    assert scoring["version"] == 1
    assert sum(scoring["payload"]["weights"].values()) == 100
    agenda = client.get("/v1/config/agenda", headers=auth(cast.alice_token)).get_json()
    assert agenda["payload"]["timezone"] == "Europe/Madrid"


def test_a_kind_never_saved_shows_its_defaults_as_version_0(client: FlaskClient, cast: Cast) -> None:
    texts = client.get("/v1/config/texts", headers=auth(cast.alice_token)).get_json()
    assert texts["version"] == 0
    assert texts["payload"]["closing"] == "book_visit"


def test_every_put_is_a_new_version(client: FlaskClient, cast: Cast) -> None:
    for _ in range(2):
        saved = client.put("/v1/config/scoring", json={"weights": WEIGHTS}, headers=auth(cast.alice_token))
        assert saved.status_code == 200
    versions = client.get("/v1/config/scoring/versions", headers=auth(cast.alice_token)).get_json()["items"]
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert client.get("/v1/config/scoring", headers=auth(cast.alice_token)).get_json()["payload"]["weights"] == WEIGHTS


def test_an_invalid_scoring_config_lists_every_problem(client: FlaskClient, cast: Cast) -> None:
    payload = {
        "weights": {**WEIGHTS, "budget": 60},
        "urgency_levels": {"urgent": 2},
        "temperatures": {"warm": 80, "hot": 70, "premium": 90},
        "budget_brackets": [[5000, 0.5], [1000, 0.2]],
    }
    response = client.put("/v1/config/scoring", json=payload, headers=auth(cast.alice_token))
    assert response.status_code == 422
    paths = {p["path"] for p in response.get_json()["error"]["details"]["problems"]}
    assert paths == {"weights", "urgency_levels.urgent", "temperatures", "budget_brackets"}
    assert client.get("/v1/config/scoring", headers=auth(cast.alice_token)).get_json()["version"] == 1


def test_an_invalid_agenda_lists_every_problem(client: FlaskClient, cast: Cast) -> None:
    payload = {
        "timezone": "Mars/Olympus",
        "slot_minutes": 20,
        "services": [{"id": "showroom_visit", "duration_minutes": 60}],
        "weekly": {"mon": [["10:00", "09:00"]], "tue": [["9", "10"]]},
    }
    response = client.put("/v1/config/agenda", json=payload, headers=auth(cast.alice_token))
    assert response.status_code == 422
    paths = {p["path"] for p in response.get_json()["error"]["details"]["problems"]}
    assert {"timezone", "slot_minutes", "weekly.mon[0]", "weekly.tue[0]"} <= paths


def test_saving_branding_changes_what_the_widget_shows(client: FlaskClient, cast: Cast) -> None:
    branding = {
        "store_name": "Cuines Alícia",
        "colors": {"primary": "#123456", "text": "#ffffff"},
        "greeting": {"es": "¡Bienvenida!"},
    }
    assert client.put("/v1/config/branding", json=branding, headers=auth(cast.alice_token)).status_code == 200
    client.put("/v1/config/branding", json={"colors": {"primary": "red"}}, headers=auth(cast.alice_token))
    current = client.get("/v1/config/branding", headers=auth(cast.alice_token)).get_json()["payload"]
    assert current["colors"]["primary"] == "#123456"


def test_an_agent_may_read_but_not_change_configuration(client: FlaskClient, cast: Cast) -> None:
    assert client.get("/v1/config/scoring", headers=auth(cast.bob_token)).status_code == 200
    assert client.put("/v1/config/scoring", json={"weights": WEIGHTS}, headers=auth(cast.bob_token)).status_code == 403


def test_an_unknown_kind_is_404(client: FlaskClient, cast: Cast) -> None:
    assert client.get("/v1/config/colours", headers=auth(cast.alice_token)).status_code == 404
    assert client.put("/v1/config/colours", json={}, headers=auth(cast.alice_token)).status_code == 404


def test_one_stores_configuration_never_shows_in_another(client: FlaskClient, cast: Cast) -> None:
    client.put("/v1/config/scoring", json={"weights": WEIGHTS}, headers=auth(cast.charlie_token))
    mine = client.get("/v1/config/scoring/versions", headers=auth(cast.alice_token)).get_json()["items"]
    assert [v["version"] for v in mine] == [1]
