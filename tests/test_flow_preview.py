"""Staff try a flow version (a draft too) from the panel: the real chat, changing nothing real."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from appliance.conversations.preview import open_preview
from appliance.core.flows.presets import preset
from appliance.errors import NotFound
from appliance.flows.versions import create_draft
from appliance.infra.db import AnalyticsEvent, Appointment, Consent, Lead, Tenant
from appliance.infra.runtime import Runtime
from tests.visitors import BASE_ANSWERS, Visitor

PANEL = "http://panel.example:8000"
DRAFT_WELCOME = "Benvinguts a l'esborrany!"


@pytest.fixture
def store(make_tenant: Callable[..., Tenant]) -> Tenant:
    return make_tenant("Cuines Prova", slug="prova", allowed_origins=["https://www.prova.es"])


def make_draft(rt: Runtime, tenant: Tenant) -> int:
    document = copy.deepcopy(preset("base"))
    welcome = next(b for b in document["blocks"] if b["id"] == "welcome")
    welcome["text"] = dict.fromkeys(welcome["text"], DRAFT_WELCOME)
    with rt.transaction() as db:
        return create_draft(db, tenant.id, document).version


def previewer(client: FlaskClient, rt: Runtime, tenant: Tenant, version: int | None = None) -> Visitor:
    v = Visitor(client, "unused", origin=PANEL)
    opened = open_preview(rt, tenant.id, PANEL, version)
    v.token, v.session_id = opened["token"], opened["session_id"]
    return v


def count(rt: Runtime, model: type, tenant: Tenant) -> int:
    with rt.sessions() as db:
        return db.scalar(select(func.count()).select_from(model).where(model.tenant_id == tenant.id))


def test_a_preview_talks_to_the_draft_while_visitors_keep_the_published_flow(
    client: FlaskClient, rt: Runtime, store: Tenant
) -> None:
    version = make_draft(rt, store)
    draft = previewer(client, rt, store, version).start()
    assert draft["messages"][0]["text"] == DRAFT_WELCOME
    visitor = Visitor(client, store.widget_key, origin="https://www.prova.es")
    visitor.open()
    assert visitor.start()["messages"][0]["text"] != DRAFT_WELCOME


def test_a_preview_run_to_the_end_books_nothing_and_makes_no_lead_nor_numbers(
    client: FlaskClient, rt: Runtime, store: Tenant
) -> None:
    v = previewer(client, rt, store)
    v.start()
    while v.waiting_for:
        if v.waiting_for == "appointment":
            v.send(value=v.last["input"]["slots"][0]["start"])
        else:
            v.send(**BASE_ANSWERS[v.waiting_for])
    assert v.last["status"] == "completed"
    assert v.last["lead"] is None
    for model in (Lead, Appointment, AnalyticsEvent, Consent):
        assert count(rt, model, store) == 0, model.__name__


def test_a_preview_resumes_only_a_preview_of_the_same_version(rt: Runtime, store: Tenant) -> None:
    version = make_draft(rt, store)
    first = open_preview(rt, store.id, PANEL, version)
    again = open_preview(rt, store.id, PANEL, version, session_id=first["session_id"])
    published = open_preview(rt, store.id, PANEL, None, session_id=first["session_id"])
    assert again["session_id"] == first["session_id"]
    assert published["session_id"] != first["session_id"]
    assert published["flow_version"] == 1


def test_a_preview_of_another_stores_version_is_not_found(
    rt: Runtime, store: Tenant, make_tenant: Callable[..., Tenant]
) -> None:
    other = make_tenant("Armaris Altres", slug="altres")
    version = make_draft(rt, other)
    with pytest.raises(NotFound):
        open_preview(rt, store.id, PANEL, version)


def test_the_preview_token_works_only_from_the_panel_page(client: FlaskClient, rt: Runtime, store: Tenant) -> None:
    v = previewer(client, rt, store)
    v.origin = "https://www.prova.es"
    response = client.post("/v1/chat/start", json={"session_id": v.session_id}, headers=v.headers())
    assert response.status_code == 403


def test_the_public_widget_never_resumes_a_preview(client: FlaskClient, rt: Runtime, store: Tenant) -> None:
    draft = previewer(client, rt, store, make_draft(rt, store))
    draft.start()  # its position is now cached too
    visitor = Visitor(client, store.widget_key, origin="https://www.prova.es")
    assert visitor.open(session_id=draft.session_id)["session_id"] != draft.session_id
    assert visitor.start()["messages"][0]["text"] != DRAFT_WELCOME


def test_a_preview_keeps_its_short_life_after_a_turn(client: FlaskClient, rt: Runtime, store: Tenant) -> None:
    from datetime import timedelta

    from appliance.infra.db import ChatSession, utcnow

    v = previewer(client, rt, store)
    v.start()
    v.send(**BASE_ANSWERS[v.waiting_for])
    with rt.sessions() as db:
        assert db.get(ChatSession, v.session_id).expires_at <= utcnow() + timedelta(days=1)
