"""The store panel's Flow, Widget & branding and Settings pages, through the Flask test client."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from appliance.configs import documents as configs
from appliance.core.flows.presets import preset
from appliance.infra.db import ApiToken, Flow, Membership, Tenant, User
from appliance.infra.runtime import Runtime
from appliance.security.passwords import hash_password
from tests.conftest import Cast
from tests.panel import csrf_token, post_form
from tests.visitors import ORIGIN
from webui.panel import config_pages

Login = Callable[..., FlaskClient]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def alice(panel_login: Login, cast: Cast) -> FlaskClient:
    return panel_login("alice@example.com")


@pytest.fixture
def bob(panel_login: Login, cast: Cast) -> FlaskClient:
    return panel_login("bob@example.com")


def routes(app: Flask, cast: Cast, rt: Runtime) -> list[tuple[str, str]]:
    """Return (method, path) of every route of these pages (the public logo address aside)."""
    with rt.sessions() as db:
        token_id = db.scalar(select(ApiToken.id).where(ApiToken.tenant_id == cast.tenant_a.id))
    values = {"version": "1", "user_id": cast.bob.id, "token_id": token_id}
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if view.__module__ not in {m.__name__ for m in config_pages.MODULES} or rule.endpoint == "panel.logo":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule.rule)
        found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_the_route_list_covers_every_page_and_action(app: Flask, cast: Cast, rt: Runtime) -> None:
    found = routes(app, cast, rt)
    assert ("GET", "/panel/settings/agenda") in found
    assert ("POST", "/panel/widget/rotate-key") in found
    assert ("POST", f"/panel/settings/team/{cast.bob.id}/remove") in found
    assert len(found) >= 25


def test_an_agent_is_refused_every_page_and_action(app: Flask, cast: Cast, rt: Runtime, bob: FlaskClient) -> None:
    token = csrf_token(bob, "/panel/account")
    for method, path in routes(app, cast, rt):
        if method == "GET":
            response = bob.get(path)
        else:
            response = bob.post(path, data={"csrf_token": token}, headers={"X-CSRFToken": token})
        assert response.status_code == 403, (method, path, response.status_code)
    with rt.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Flow).where(Flow.tenant_id == cast.tenant_a.id)) == 1
        assert db.scalar(select(Membership.role).where(Membership.user_id == cast.bob.id)) == "AGENT"


def test_an_agent_does_not_see_the_settings_links(bob: FlaskClient, alice: FlaskClient) -> None:
    links = {"/panel/flow", "/panel/widget", "/panel/settings"}
    agent_page = bob.get("/panel/account").get_data(as_text=True)
    owner_page = alice.get("/panel/account").get_data(as_text=True)
    assert not any(f'href="{link}"' in agent_page for link in links)
    assert all(f'href="{link}"' in owner_page for link in links)


def test_every_form_refuses_a_missing_csrf_token(app: Flask, cast: Cast, rt: Runtime, alice: FlaskClient) -> None:
    for method, path in routes(app, cast, rt):
        if method == "POST":
            assert alice.post(path, data={}).status_code == 400, path  # the "form has expired" page
    with rt.sessions() as db:
        assert db.scalar(select(Membership.role).where(Membership.user_id == cast.bob.id)) == "AGENT"
        tenant = db.get(Tenant, cast.tenant_a.id)
        assert tenant.widget_key == cast.tenant_a.widget_key


# --- settings ---------------------------------------------------------------------------------------


class FormValues(HTMLParser):
    """The values a browser would send for the first form posting to ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.values = action, False, {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method") == "post" and a.get("action", self.action) == self.action:
            self.inside = not self.values
        if not self.inside:
            return
        if tag == "input" and a.get("name") and (a.get("type") not in {"checkbox", "radio"} or "checked" in a):
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.values[self.textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea and self.inside:
            self.values[self.textarea] += data.removeprefix("\n")


def form_of(client: FlaskClient, page: str, action: str | None = None) -> dict[str, str]:
    parser = FormValues(action or page)
    parser.feed(client.get(page).get_data(as_text=True))
    return parser.values


def current(rt: Runtime, tenant: Tenant, kind: str) -> dict:
    with rt.sessions() as db:
        return configs.current(db, tenant.id, kind)


def test_weights_that_do_not_add_up_to_100_are_shown_and_nothing_is_saved(
    alice: FlaskClient, rt: Runtime, cast: Cast
) -> None:
    before = current(rt, cast.tenant_a, "scoring")
    values = form_of(alice, "/panel/settings/scoring") | {"weight_origin": "0"}
    response = alice.post("/panel/settings/scoring", data=values)
    assert response.status_code == 200
    assert "The weights add up to 95%. They must add up to exactly 100%." in response.get_data(as_text=True)
    assert current(rt, cast.tenant_a, "scoring")["version"] == before["version"]


def test_weights_adding_up_to_100_are_saved(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    values = form_of(alice, "/panel/settings/scoring") | {"weight_budget": "30", "weight_origin": "15"}
    assert alice.post("/panel/settings/scoring", data=values).status_code == 302
    assert current(rt, cast.tenant_a, "scoring")["payload"]["weights"]["origin"] == 15


def test_the_agenda_form_sent_back_unchanged_keeps_the_agenda(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db:
        agenda = configs.current(db, cast.tenant_a.id, "agenda")["payload"]
        agenda["holidays"] = ["2031-12-25"]
        agenda["closures"] = [{"start": "2031-08-10T00:00:00+02:00", "end": "2031-08-24T00:00:00+02:00"}]
        configs.save(db, cast.tenant_a.id, "agenda", agenda)
    before = current(rt, cast.tenant_a, "agenda")["payload"]
    values = form_of(alice, "/panel/settings/agenda")
    assert values["closure_start_0"] == "10/08/2031"
    assert values["closure_end_0"] == "23/08/2031"
    assert alice.post("/panel/settings/agenda", data=values).status_code == 302
    assert current(rt, cast.tenant_a, "agenda")["payload"] == before


def test_the_agenda_form_changes_hours_and_adds_a_service(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    values = form_of(alice, "/panel/settings/agenda")
    new = int(values["service_rows"]) - 1
    values |= {"sat_open_0": "", "sat_close_0": "", "sun_open_0": "10:00", "sun_close_0": "13:00"}
    values |= {f"service_name_en_{new}": "Design session", f"service_name_es_{new}": "Sesión de diseño"}
    values |= {f"service_duration_{new}": "120", "closure_start_1": "1/4/2031", "closure_end_1": "2031-04-02"}
    assert alice.post("/panel/settings/agenda", data=values).status_code == 302
    agenda = current(rt, cast.tenant_a, "agenda")["payload"]
    assert agenda["weekly"]["sat"] == []
    assert agenda["weekly"]["sun"] == [["10:00", "13:00"]]
    added = agenda["services"][-1]
    assert added["id"] == "design_session"
    assert added["duration_minutes"] == 120
    assert {"start": "2031-04-01T00:00:00+02:00", "end": "2031-04-03T00:00:00+02:00"} in agenda["closures"]


def test_a_home_visit_area_and_travel_time_are_set_by_form(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    values = form_of(alice, "/panel/settings/agenda")
    new = int(values["service_rows"]) - 1
    values |= {f"service_name_en_{new}": "Measuring at home", f"service_location_{new}": "home"}
    values |= {f"service_duration_{new}": "60", f"service_buffer_{new}": "30"}
    values |= {f"service_postcodes_{new}": "08001, 08002\n08002;1000-001", f"service_prefixes_{new}": "081 082"}
    assert alice.post("/panel/settings/agenda", data=values).status_code == 302
    added = current(rt, cast.tenant_a, "agenda")["payload"]["services"][-1]
    assert (added["location"], added["travel_buffer_minutes"]) == ("home", 30)
    assert added["service_area"] == {"postal_codes": ["08001", "08002", "1000-001"], "prefixes": ["081", "082"]}
    shown = form_of(alice, "/panel/settings/agenda")
    assert shown[f"service_postcodes_{new}"] == "08001, 08002, 1000-001"
    assert shown[f"service_prefixes_{new}"] == "081, 082"
    # Emptying both lists lets the service visit anywhere again.
    shown |= {f"service_postcodes_{new}": "", f"service_prefixes_{new}": ""}
    assert alice.post("/panel/settings/agenda", data=shown).status_code == 302
    assert current(rt, cast.tenant_a, "agenda")["payload"]["services"][-1].get("service_area") is None


def test_an_agenda_with_a_half_given_opening_shows_where(alice: FlaskClient) -> None:
    values = form_of(alice, "/panel/settings/agenda") | {"mon_close_0": ""}
    response = alice.post("/panel/settings/agenda", data=values)
    assert response.status_code == 200
    assert "Monday: give both the opening and the closing time." in response.get_data(as_text=True)


def test_retention_and_raw_json_save_new_versions(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    values = {"conversations_days": "30", "leads_days": "365", "appointments_days": "365"}
    values |= {"attachments_days": "20", "lead_files_days": "90"}
    assert post_form(alice, "/panel/settings/retention", values).status_code == 302
    assert current(rt, cast.tenant_a, "retention")["payload"]["conversations_days"] == 30
    assert current(rt, cast.tenant_a, "retention")["payload"]["lead_files_days"] == 90
    raw = '{"provider": "rules", "monthly_cap_eur": 8}'
    assert post_form(alice, "/panel/settings/advanced", {"kind": "ai", "payload": raw}).status_code == 302
    assert current(rt, cast.tenant_a, "ai")["payload"]["monthly_cap_eur"] == 8
    bad = post_form(alice, "/panel/settings/advanced", {"kind": "ai", "payload": '{"provider": "magic"}'})
    assert bad.status_code == 200
    assert "provider" in bad.get_data(as_text=True)


# --- flow -------------------------------------------------------------------------------------------


def flow_states(rt: Runtime, tenant: Tenant) -> dict[int, str]:
    with rt.sessions() as db:
        return dict(db.execute(select(Flow.version, Flow.state).where(Flow.tenant_id == tenant.id)).all())


def test_a_bad_draft_lists_its_problems_with_their_paths_and_saves_nothing(
    alice: FlaskClient, rt: Runtime, cast: Cast
) -> None:
    document = preset("base")
    document["blocks"][1]["next"] = "nowhere"
    response = post_form(alice, "/panel/flow/edit", {"document": json.dumps(document)})
    assert response.status_code == 200
    assert "blocks[1].next" in response.get_data(as_text=True)
    broken = post_form(alice, "/panel/flow/edit", {"document": '{"name": "x",\n  "blocks": [}'})
    assert broken.status_code == 200
    assert "line 2, column" in broken.get_data(as_text=True)
    assert flow_states(rt, cast.tenant_a) == {1: "published"}


def test_a_draft_is_saved_published_and_rolled_back(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    text = form_of(alice, "/panel/flow/edit")["document"]
    saved = post_form(alice, "/panel/flow/edit", {"document": text})
    assert saved.status_code == 302
    assert flow_states(rt, cast.tenant_a) == {1: "published", 2: "draft"}
    assert post_form(alice, "/panel/flow/2/publish").status_code == 302
    assert flow_states(rt, cast.tenant_a) == {1: "archived", 2: "published"}
    page = alice.get("/panel/flow").get_data(as_text=True)
    assert "alice@example.com" in page  # who published
    assert post_form(alice, "/panel/flow/rollback", {"to_version": "1"}).status_code == 302
    assert flow_states(rt, cast.tenant_a) == {1: "published", 2: "archived"}
    assert post_form(alice, "/panel/flow/1/unpublish").status_code == 302
    assert flow_states(rt, cast.tenant_a) == {1: "archived", 2: "archived"}


def test_the_preview_session_runs_a_draft_for_the_panel_page(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    text = form_of(alice, "/panel/flow/edit")["document"]
    post_form(alice, "/panel/flow/edit", {"document": text})
    token = csrf_token(alice, "/panel/flow")
    headers = {"X-CSRFToken": token, "Origin": "http://localhost"}
    opened = alice.post("/panel/preview/session", json={"version": 2}, headers=headers).get_json()
    assert opened["flow_version"] == 2
    visitor = {"Authorization": f"Bearer {opened['token']}", "Origin": "http://localhost"}
    start = alice.post("/v1/chat/start", json={"session_id": opened["session_id"]}, headers=visitor)
    assert start.status_code == 200
    assert start.get_json()["messages"]
    page = alice.get("/panel/preview?version=2&open=1")
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"


# --- widget & branding ------------------------------------------------------------------------------


def widget_config(client: FlaskClient, tenant: Tenant, origin: str = ORIGIN) -> dict:
    response = client.post("/v1/widget/session", json={"widget_key": tenant.widget_key}, headers={"Origin": origin})
    return response


def test_a_new_colour_reaches_the_widget_at_once(alice: FlaskClient, client: FlaskClient, cast: Cast) -> None:
    values = form_of(alice, "/panel/widget", "/panel/widget")
    values |= {"primary": "#123456", "position": "left", "allowed_origins": ORIGIN, "greeting_ca": "Bon dia!"}
    response = alice.post("/panel/widget", data=values)
    assert response.status_code == 302
    config = widget_config(client, cast.tenant_a).get_json()["config"]
    assert config["colors"]["primary"] == "#123456"
    assert config["position"] == "left"


def test_the_store_makes_the_chat_open_by_itself(alice: FlaskClient, client: FlaskClient, cast: Cast) -> None:
    values = form_of(alice, "/panel/widget", "/panel/widget")
    values |= {"allowed_origins": ORIGIN, "open_on_load": "1", "open_delay_seconds": "5"}
    assert alice.post("/panel/widget", data=values).status_code == 302
    config = widget_config(client, cast.tenant_a).get_json()["config"]
    assert (config["open_on_load"], config["open_delay_seconds"]) == (True, 5)
    values |= {"open_delay_seconds": "soon"}
    refused = alice.post("/panel/widget", data=values)
    assert refused.status_code == 200
    assert "open_delay_seconds" in refused.get_data(as_text=True)


def test_a_bad_website_address_is_shown_and_nothing_is_saved(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    values = form_of(alice, "/panel/widget", "/panel/widget")
    values |= {"primary": "#654321", "allowed_origins": "https://ok.example\nftp://nope"}
    response = alice.post("/panel/widget", data=values)
    assert response.status_code == 200
    assert "ftp://nope is not a website address" in response.get_data(as_text=True)
    assert current(rt, cast.tenant_a, "branding")["payload"]["colors"]["primary"] != "#654321"


def test_a_logo_is_stored_served_and_shown_by_the_widget(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    token = csrf_token(alice, "/panel/widget")
    data = {"csrf_token": token, "logo": (io.BytesIO(PNG), "logo.png")}
    assert alice.post("/panel/widget/logo", data=data, content_type="multipart/form-data").status_code == 302
    url = current(rt, cast.tenant_a, "branding")["payload"]["logo_url"]
    served = alice.application.test_client().get(url.split("localhost", 1)[1])  # anyone may load it
    assert served.status_code == 200
    assert served.data == PNG
    assert served.mimetype == "image/png"
    text = {"csrf_token": token, "logo": (io.BytesIO(b"GIF89a..."), "logo.gif")}
    refused = alice.post("/panel/widget/logo", data=text, content_type="multipart/form-data", follow_redirects=True)
    assert "The logo must be a PNG or JPG image." in refused.get_data(as_text=True)


def test_a_new_widget_key_stops_the_old_one_at_once(
    alice: FlaskClient, client: FlaskClient, rt: Runtime, make_tenant: Callable[..., Tenant], cast: Cast
) -> None:
    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_a.id).allowed_origins = [ORIGIN]
    assert widget_config(client, cast.tenant_a).status_code == 200
    assert post_form(alice, "/panel/widget/rotate-key").status_code == 302
    assert widget_config(client, cast.tenant_a).status_code == 404
    with rt.sessions() as db:
        new_key = db.get(Tenant, cast.tenant_a.id).widget_key
    assert new_key in alice.get("/panel/widget").get_data(as_text=True)


# --- team and tokens --------------------------------------------------------------------------------


def test_inviting_shows_the_link_once_and_adds_the_person(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    response = post_form(alice, "/panel/settings/team/invite", {"email": "nuria@example.com", "role": "ADMIN"})
    assert response.status_code == 200
    assert re.search(r"/panel/invite/[\w.-]+", response.get_data(as_text=True))
    page = alice.get("/panel/settings/team").get_data(as_text=True)
    assert "nuria@example.com" in page
    assert "/panel/invite/" not in page


def test_a_manager_cannot_make_owners_and_the_last_owner_stays(
    panel_login: Login, alice: FlaskClient, rt: Runtime, cast: Cast
) -> None:
    post_form(alice, "/panel/settings/team/invite", {"email": "carme@example.com", "role": "ADMIN"})
    with rt.transaction() as db:
        carme = db.scalar(select(User).where(User.email == "carme@example.com"))
        carme.password_hash = hash_password("correct horse battery")
    manager = panel_login("carme@example.com")
    refused = post_form(manager, f"/panel/settings/team/{cast.bob.id}/role", {"role": "OWNER"})
    assert refused.status_code == 302
    assert post_form(manager, f"/panel/settings/team/{cast.alice.id}/remove").status_code == 302
    last = post_form(alice, f"/panel/settings/team/{cast.alice.id}/role", {"role": "AGENT"})
    assert "at least one owner" in alice.get(last.location).get_data(as_text=True)
    with rt.sessions() as db:
        roles = dict(db.execute(select(Membership.user_id, Membership.role)).all())
    assert roles[cast.bob.id] == "AGENT"
    assert roles[cast.alice.id] == "OWNER"


def test_a_token_is_shown_once_and_revoking_stops_it(alice: FlaskClient, client: FlaskClient, rt: Runtime) -> None:
    response = post_form(alice, "/panel/settings/tokens", {"name": "CRM sync", "role": "AGENT"})
    assert response.status_code == 200
    plaintext = re.search(r'<code id="new-token">([^<]+)</code>', response.get_data(as_text=True)).group(1)
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/v1/flows", headers=headers).status_code == 200
    page = alice.get("/panel/settings/tokens").get_data(as_text=True)
    assert "CRM sync" in page
    assert plaintext not in page
    with rt.sessions() as db:
        token_id = db.scalar(select(ApiToken.id).where(ApiToken.name == "CRM sync"))
    assert post_form(alice, f"/panel/settings/tokens/{token_id}/revoke").status_code == 302
    assert client.get("/v1/flows", headers=headers).status_code == 401


def test_another_stores_member_and_token_are_out_of_reach(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    with rt.sessions() as db:
        foreign_token = db.scalar(select(ApiToken.id).where(ApiToken.tenant_id == cast.tenant_b.id))
    post_form(alice, f"/panel/settings/team/{cast.charlie.id}/remove")
    post_form(alice, f"/panel/settings/tokens/{foreign_token}/revoke")
    with rt.sessions() as db:
        assert db.scalar(select(Membership.role).where(Membership.user_id == cast.charlie.id)) == "OWNER"
        assert db.get(ApiToken, foreign_token).revoked_at is None


def test_a_tampered_row_count_keeps_the_agenda_page_answering(alice: FlaskClient) -> None:
    values = form_of(alice, "/panel/settings/agenda", "/panel/settings/agenda")
    values |= {"mon_rows": "many", "closure_rows": "-3", "service_rows": "x"}
    assert alice.post("/panel/settings/agenda", data=values).status_code in {200, 302}


@pytest.mark.parametrize("language", ["en", "es", "ca", "pt"])
def test_the_snippet_instruction_names_the_closing_body_tag(panel_login: Login, cast: Cast, language: str) -> None:
    page = panel_login("alice@example.com", language=language).get("/panel/widget").get_data(as_text=True)
    assert "&lt;/body&gt;" in page


def test_opening_hours_are_typed_on_the_24_hour_clock_whatever_the_browser(
    alice: FlaskClient, rt: Runtime, cast: Cast
) -> None:
    page = alice.get("/panel/settings/agenda").get_data(as_text=True)
    assert 'type="time"' not in page
    assert 'type="date"' not in page
    values = form_of(alice, "/panel/settings/agenda") | {"mon_open_0": "9", "mon_close_0": "13.30", "sun_open_0": "17h"}
    values |= {"sun_close_0": "20:00", "holidays": "25/12/2031\n2031-12-26"}
    assert alice.post("/panel/settings/agenda", data=values).status_code == 302
    agenda = current(rt, cast.tenant_a, "agenda")["payload"]
    assert agenda["weekly"]["mon"][0] == ["09:00", "13:30"]
    assert agenda["weekly"]["sun"] == [["17:00", "20:00"]]
    assert agenda["holidays"] == ["2031-12-25", "2031-12-26"]
    wrong = alice.post("/panel/settings/agenda", data=values | {"wed_open_0": "9 AM"}).get_data(as_text=True)
    assert "Wednesday: write times on the 24-hour clock" in wrong


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("25/12/2026", "2026-12-25"),
        ("1-3-26", "2026-03-01"),
        ("2026-12-25", "2026-12-25"),
        ("31/02/2026", None),
        ("tomorrow", None),
    ],
)
def test_days_are_read_day_first_or_iso(typed: str, day: str | None) -> None:
    from webui.ui.daytime import read_day

    found = read_day(typed)
    assert (found.isoformat() if found else None) == day


def test_the_ai_page_saves_the_provider_and_a_lower_cap_and_shows_the_spend(
    alice: FlaskClient, rt: Runtime, cast: Cast
) -> None:
    page = alice.get("/panel/settings/ai")
    assert page.status_code == 200
    assert 'data-ai-mode="normal"' in page.get_data(as_text=True)
    form = {
        "provider": "openai",
        "model": "gpt-4.1-mini",
        "cheap_model": "",
        "monthly_cap_eur": "6",
        "forbidden_topics": "competidores\npolítica",
        "temperature": "0.3",
        "max_tokens": "250",
    }
    assert post_form(alice, "/panel/settings/ai", form).status_code == 302
    saved = current(rt, cast.tenant_a, "ai")["payload"]
    assert (saved["provider"], saved["monthly_cap_eur"], saved["send_personal_data"]) == ("openai", 6, False)
    assert saved["forbidden_topics"] == ["competidores", "política"]
    refused = post_form(alice, "/panel/settings/ai", form | {"monthly_cap_eur": "50"})  # above the Base plan's 10 €
    assert refused.status_code == 200
    assert current(rt, cast.tenant_a, "ai")["payload"]["monthly_cap_eur"] == 6
