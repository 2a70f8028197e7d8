"""The store panel's Today, Leads and Lead pages, with the Flask test client."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from appliance.infra.db import Audit, Lead, Tenant
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.images import JPEG, stored
from tests.leads_factory import add_lead, ago, allow_visitors
from tests.panel import post_form
from tests.visitors import BASE_ANSWERS, Visitor

Login = Callable[..., FlaskClient]


@pytest.fixture
def alice(panel_login: Login, cast: Cast) -> FlaskClient:
    return panel_login("alice@example.com")


@pytest.fixture
def bob(panel_login: Login, cast: Cast) -> FlaskClient:
    return panel_login("bob@example.com")


def chat_with_photo(client: FlaskClient, rt: Runtime, tenant: Tenant) -> str:
    """Run the base flow to the end as a visitor who sends a photo; return the lead's id."""
    allow_visitors(rt, tenant)
    v = Visitor(client, tenant.widget_key)
    v.open(lang="es")
    v.start()
    while v.waiting_for is not None:
        if v.waiting_for == "photos":
            stored = client.post(
                f"/v1/chat/{v.session_id}/attachments",
                data={"file": (io.BytesIO(JPEG), "kitchen.jpg")},
                headers=v.headers(),
                content_type="multipart/form-data",
            ).get_json()
            v.send(value=stored["id"])
        elif v.waiting_for == "appointment":
            v.send(value=v.last["input"]["slots"][0]["start"])
        else:
            v.send(**BASE_ANSWERS[v.waiting_for])
    with rt.sessions() as db:
        return db.scalar(select(Lead.id).where(Lead.tenant_id == tenant.id, Lead.session_id == v.session_id))


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_today_lists_new_leads_hottest_first_with_the_numbers(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    add_lead(rt, cast.tenant_a.id, name="Tibia", score=45, created_at=ago(minutes=5))
    add_lead(rt, cast.tenant_a.id, name="Calenta", score=85, created_at=ago(days=2))
    add_lead(rt, cast.tenant_a.id, name="Contactada", score=95, status="contacted")
    add_lead(rt, cast.tenant_b.id, name="Aliena", score=99)
    html = page(alice, "/panel")
    assert html.index("Calenta") < html.index("Tibia")
    assert "Contactada" not in html
    assert "Aliena" not in html
    assert 'data-testid="kpis"' in html
    assert 'id="funnel-data"' in html


def test_the_leads_table_filters_by_temperature_and_searches_names(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    add_lead(rt, cast.tenant_a.id, name="Núria Vidal", score=82)
    add_lead(rt, cast.tenant_a.id, name="Pau Freda", score=10)
    add_lead(rt, cast.tenant_b.id, name="Núria d'una altra botiga", score=82)
    hot = page(alice, "/panel/leads?temperature=hot")
    assert "Núria Vidal" in hot
    assert "Pau Freda" not in hot
    assert "altra botiga" not in hot
    found = page(alice, "/panel/leads?q=nuria")
    assert "Núria Vidal" in found
    assert "Pau Freda" not in found


def test_the_leads_table_sorts_by_score_and_pages(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    for score in range(30):
        add_lead(rt, cast.tenant_a.id, name=f"Persona {score:02d}", score=score, created_at=ago(minutes=score))
    first = page(alice, "/panel/leads?sort=-score")
    assert first.index("Persona 29") < first.index("Persona 28")
    assert "Persona 04" not in first  # 25 per page
    next_link = first.split('data-testid="next-page"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = page(alice, next_link.replace("&amp;", "&"))
    assert "Persona 04" in second
    assert "Persona 29" not in second


def test_a_bad_filter_is_explained_instead_of_failing(alice: FlaskClient, cast: Cast) -> None:
    html = page(alice, "/panel/leads?score_min=90&score_max=10")
    assert "The score range must be between 0 and 100" in html


def test_the_csv_export_holds_exactly_the_filtered_leads(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    add_lead(rt, cast.tenant_a.id, name="Núria Vidal", score=82, email="nuria@example.com")
    add_lead(rt, cast.tenant_a.id, name="Pau Freda", score=10)
    add_lead(rt, cast.tenant_b.id, name="Aliena", score=82)
    response = alice.get("/panel/leads/export.csv?temperature=hot")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 2
    assert "Núria Vidal" in rows[1]
    with rt.sessions() as db:
        assert db.scalar(select(Audit).where(Audit.action == "leads.exported")).details["filters"] == ["temperature"]


def test_the_export_link_carries_the_current_filters(alice: FlaskClient, cast: Cast) -> None:
    html = page(alice, "/panel/leads?temperature=hot&channel=web")
    assert "/panel/leads/export.csv?temperature=hot&amp;channel=web" in html


def test_the_lead_page_shows_the_transcript_score_in_words_and_photo(
    alice: FlaskClient, client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    lead_id = chat_with_photo(client, rt, cast.tenant_a)
    html = page(alice, f"/panel/leads/{lead_id}")
    assert 'data-testid="transcript"' in html
    assert "Laia" in html or "Ana" in html  # the visitor's name from BASE_ANSWERS
    assert "of 40 points" in html  # the budget factor, explained
    gallery = html.split('class="photos"')[1]
    assert "kitchen.jpg" in gallery  # the photo's name, never its id, under it
    full, thumb = gallery.split('href="')[1].split('"')[0], gallery.split('src="')[1].split('"')[0]
    served = alice.get(full)
    assert served.status_code == 200
    assert served.data == stored(JPEG)
    assert served.mimetype == "image/jpeg"
    small = alice.get(thumb.replace("&amp;", "&"))
    assert small.status_code == 200
    assert max(Image.open(io.BytesIO(small.data)).size) <= 320


def test_staff_change_the_status_assignee_and_notes(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id)
    response = post_form(
        alice,
        f"/panel/leads/{lead_id}",
        {"status": "contacted", "assignee_id": cast.bob.id, "notes": "Call after 6 pm"},
        page=f"/panel/leads/{lead_id}",
    )
    assert response.status_code == 302
    with rt.sessions() as db:
        lead = db.get(Lead, lead_id)
        assert (lead.status, lead.assignee_id, lead.notes) == ("contacted", cast.bob.id, "Call after 6 pm")
    assert "Saved." in page(alice, f"/panel/leads/{lead_id}")


def test_staff_correct_the_contact_from_the_lead_page(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id, name="me llamo ana", email="ana@exmaple.com")
    form = {
        "name": "Ana Serra",
        "email": "ana@example.com",
        "phone": "612345678",
        "address": "C/ Mallorca 1, Barcelona",
    }
    response = post_form(alice, f"/panel/leads/{lead_id}/contact", form, page=f"/panel/leads/{lead_id}")
    assert response.status_code == 302
    shown = page(alice, f"/panel/leads/{lead_id}")
    assert "The contact was corrected." in shown
    assert "C/ Mallorca 1, Barcelona" in shown
    with rt.sessions() as db:
        lead = db.get(Lead, lead_id)
        assert lead.contact == {
            "name": "Ana Serra",
            "email": "ana@example.com",
            "phone": "+34612345678",
            "address": "C/ Mallorca 1, Barcelona",
        }
        assert db.scalar(select(Audit.action).where(Audit.target_id == lead_id)) == "lead.contact_changed"


def test_a_bad_contact_is_explained_in_the_panels_language_and_kept_in_the_form(
    panel_login: Login, cast: Cast, rt: Runtime
) -> None:
    client = panel_login("alice@example.com", language="es")
    lead_id = add_lead(rt, cast.tenant_a.id, email="ana@example.com")
    form = {"name": "Ana", "email": "ana@", "phone": "", "address": ""}
    response = post_form(client, f"/panel/leads/{lead_id}/contact", form, page=f"/panel/leads/{lead_id}")
    assert response.status_code == 422
    assert "Esa dirección de correo no es válida." in response.get_data(as_text=True)
    with rt.sessions() as db:
        assert db.get(Lead, lead_id).contact["email"] == "ana@example.com"


def test_the_leads_table_filters_by_assignee(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    add_lead(rt, cast.tenant_a.id, name="Assigned Person", assignee_id=cast.bob.id)
    add_lead(rt, cast.tenant_a.id, name="Nobodys Lead")
    mine = page(alice, f"/panel/leads?assignee_id={cast.bob.id}")
    assert "Assigned Person" in mine
    assert "Nobodys Lead" not in mine
    unassigned = page(alice, "/panel/leads?assignee_id=none")
    assert "Nobodys Lead" in unassigned
    assert "Assigned Person" not in unassigned


def test_a_lead_cannot_be_assigned_to_a_stranger(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id)
    post_form(alice, f"/panel/leads/{lead_id}", {"status": "new", "assignee_id": cast.charlie.id})
    with rt.sessions() as db:
        assert db.get(Lead, lead_id).assignee_id is None


def test_the_owner_downloads_the_persons_data_and_erases_it(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id, name="Núria Vidal", email="nuria@example.com")
    exported = alice.get(f"/panel/leads/{lead_id}/export.json")
    assert exported.status_code == 200
    assert json.loads(exported.data)["lead"]["id"] == lead_id
    unconfirmed = post_form(alice, f"/panel/leads/{lead_id}/erase", {})
    assert unconfirmed.status_code == 302
    with rt.sessions() as db:
        assert db.get(Lead, lead_id).erased_at is None
    post_form(alice, f"/panel/leads/{lead_id}/erase", {"confirm": "erase"})
    with rt.sessions() as db:
        assert db.get(Lead, lead_id).erased_at is not None
    assert "Núria Vidal" not in page(alice, f"/panel/leads/{lead_id}")


def test_an_agent_may_follow_up_leads_but_not_export_or_erase_personal_data(
    bob: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id)
    html = page(bob, f"/panel/leads/{lead_id}")
    assert 'data-testid="gdpr-erase"' not in html
    assert bob.get(f"/panel/leads/{lead_id}/export.json").status_code == 403
    assert post_form(bob, f"/panel/leads/{lead_id}/erase", {"confirm": "erase"}).status_code == 403
    with rt.sessions() as db:
        assert db.get(Lead, lead_id).erased_at is None


FOREIGN_GETS = [
    "/panel/leads/{id}",
    "/panel/leads/{id}/export.json",
    "/panel/leads/{id}/summary.pdf",
    "/panel/leads/{id}/files/f_nothing",
    "/panel/calendar?lead={id}",
]


@pytest.mark.parametrize("path", FOREIGN_GETS)
def test_another_stores_lead_is_not_found(alice: FlaskClient, cast: Cast, rt: Runtime, path: str) -> None:
    theirs = add_lead(rt, cast.tenant_b.id, name="Aliena")
    response = alice.get(path.format(id=theirs))
    assert response.status_code == 404
    assert "Aliena" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/panel/leads/{id}", "/panel/leads/{id}/erase", "/panel/leads/{id}/contact"])
def test_another_stores_lead_cannot_be_changed(alice: FlaskClient, cast: Cast, rt: Runtime, path: str) -> None:
    theirs = add_lead(rt, cast.tenant_b.id, name="Aliena")
    response = post_form(alice, path.format(id=theirs), {"status": "lost", "confirm": "erase", "name": "Mine now"})
    assert response.status_code in {302, 404}
    with rt.sessions() as db:
        lead = db.get(Lead, theirs)
        assert (lead.status, lead.erased_at, lead.contact["name"]) == ("new", None, "Aliena")


def _events(body: str) -> list[dict[str, Any]]:
    events = []
    for block in body.split("\n\n"):
        lines = block.splitlines()
        if any(line.startswith("event: lead") for line in lines):
            events.append(
                {
                    "id": next(line[4:] for line in lines if line.startswith("id: ")),
                    "data": "\n".join(line[6:] for line in lines if line.startswith("data: ")),
                }
            )
    return events


def test_the_live_stream_sends_new_leads_that_match_the_filters(
    alice: FlaskClient, app: Flask, cast: Cast, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PANEL_LIVE_SECONDS", 0.2)
    monkeypatch.setitem(app.config, "PANEL_LIVE_POLL", 0.05)
    old = add_lead(rt, cast.tenant_a.id, name="Abans", score=80, created_at=ago(minutes=10))
    since = page(alice, "/panel/leads").split('data-since="')[1].split('"')[0]
    add_lead(rt, cast.tenant_a.id, name="Nova Calenta", score=85)
    add_lead(rt, cast.tenant_a.id, name="Nova Freda", score=5)
    add_lead(rt, cast.tenant_b.id, name="Aliena", score=85)
    response = alice.get("/panel/leads/live?temperature=hot", headers={"Last-Event-ID": since})
    assert response.mimetype == "text/event-stream"
    events = _events(response.get_data(as_text=True))
    assert [("Nova Calenta" in e["data"]) for e in events] == [True]
    assert old not in events[0]["data"]


def test_the_live_stream_polls_for_its_store_alone(
    alice: FlaskClient, app: Flask, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each poll runs after the view returned: it must still say the store, for row-level security.
    import webui.panel.live as live
    from appliance.infra.store_scope import current_store

    monkeypatch.setitem(app.config, "PANEL_LIVE_SECONDS", 0.2)
    monkeypatch.setitem(app.config, "PANEL_LIVE_POLL", 0.05)
    polled: list[str | None] = []

    def newest(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        polled.append(current_store())
        return real(*args, **kwargs)

    real = live.newest_leads
    monkeypatch.setattr(live, "newest_leads", newest)
    alice.get("/panel/leads/live").get_data(as_text=True)
    assert len(polled) >= 2
    assert set(polled) == {cast.tenant_a.id}
    assert current_store() is None  # and the test's own thread is not left working for it


def test_live_streams_are_bounded(alice: FlaskClient, app: Flask, cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setitem(app.extensions, "panel_live_slots", threading.BoundedSemaphore(1))
    slots = app.extensions["panel_live_slots"]
    slots.acquire()
    try:
        body = alice.get("/panel/leads/live").get_data(as_text=True)
    finally:
        slots.release()
    assert body == "retry: 20000\n\n"
