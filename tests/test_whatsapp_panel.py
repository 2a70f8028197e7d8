"""The panel's WhatsApp settings page: saves through the same service, never shows a secret, keeps blanks."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from appliance.infra.runtime import Runtime
from appliance.whatsapp.config import credentials_of
from tests.conftest import Cast
from tests.fake_graph import ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, VERIFY_TOKEN
from tests.panel import post_form

PAGE = "/panel/settings/whatsapp"
FORM = {
    "phone_number_id": PHONE_NUMBER_ID,
    "access_token": ACCESS_TOKEN,
    "app_secret": APP_SECRET,
    "verify_token": VERIFY_TOKEN,
    "reminder_24h_name": "recordatorio_24h",
    "reminder_24h_language": "es",
    "reminder_2h_name": "recordatorio_2h",
    "reminder_2h_language": "es",
    "follow_up_name": "seguimiento",
    "follow_up_language": "ca",
    "price_utility": "0,0456",
    "price_marketing": "0.0611",
    "price_service": "0",
}


def test_an_owner_sets_up_whatsapp_and_the_page_never_shows_a_secret(
    panel_login: Callable[..., FlaskClient], cast: Cast, rt: Runtime
) -> None:
    alice = panel_login("alice@example.com")
    assert post_form(alice, PAGE, FORM).status_code == 302
    creds = credentials_of(rt, cast.tenant_a.id)
    assert creds is not None
    assert (creds.access_token, creds.app_secret) == (ACCESS_TOKEN, APP_SECRET)
    assert creds.template("follow_up") == {"name": "seguimiento", "language": "ca"}
    assert str(creds.price("utility")) == "0.0456"
    page = alice.get(PAGE).get_data(as_text=True)
    assert PHONE_NUMBER_ID in page
    assert "/v1/channels/whatsapp/webhook" in page
    for secret in (ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN):
        assert secret not in page

    blanks = FORM | {"access_token": "", "app_secret": "", "verify_token": "", "price_marketing": "0.07"}
    assert post_form(alice, PAGE, blanks).status_code == 302
    kept = credentials_of(rt, cast.tenant_a.id)
    assert (kept.access_token, kept.app_secret) == (ACCESS_TOKEN, APP_SECRET)
    assert str(kept.price("marketing")) == "0.07"


def test_a_bad_form_is_shown_again_and_nothing_is_saved(
    panel_login: Callable[..., FlaskClient], cast: Cast, rt: Runtime
) -> None:
    alice = panel_login("alice@example.com")
    answer = post_form(alice, PAGE, FORM | {"phone_number_id": "not a number", "price_utility": "-1"})
    assert answer.status_code == 200
    assert "phone_number_id" in answer.get_data(as_text=True)
    assert credentials_of(rt, cast.tenant_a.id) is None


def test_an_agent_cannot_open_the_page(panel_login: Callable[..., FlaskClient], cast: Cast) -> None:
    bob = panel_login("bob@example.com")
    assert bob.get(PAGE).status_code == 403
