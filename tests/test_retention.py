"""Retention: conversations go after 90 days without activity, leads and appointments after two years,
photos and plans after 30 days (no lead) or 180 days (a lead's), unless the store's `retention`
configuration says otherwise. Time is moved by passing ``now``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from appliance.infra.db import (
    AnalyticsEvent,
    Appointment,
    ChatSession,
    Consent,
    File,
    IdempotencyKey,
    Lead,
    Message,
    utcnow,
)
from appliance.infra.runtime import Runtime
from appliance.jobs.scheduler import JOBS
from appliance.privacy.retention import apply_retention
from tests.conftest import Cast
from tests.raw_storage import stored_files
from tests.subjects import chat_with_contacts, open_to_visitors, plain_chat, staff_booking
from tests.visitors import Visitor

DAY = timedelta(days=1)


@pytest.fixture
def chatted(client: FlaskClient, cast: Cast, rt: Runtime) -> Visitor:
    open_to_visitors(rt, cast.tenant_a.id)
    v = chat_with_contacts(client, cast.tenant_a.widget_key)
    staff_booking(client, cast.alice_token, v.last["lead"]["id"])
    return v


def count(rt: Runtime, model: type, *where: object) -> int:
    with rt.sessions() as db:
        return db.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_nothing_goes_before_its_time(chatted: Visitor, rt: Runtime) -> None:
    counts = apply_retention(rt, utcnow() + 89 * DAY)
    assert counts["tenants"] == 2
    assert {k: v for k, v in counts.items() if k != "tenants"} == dict.fromkeys(
        ("tenants_failed", "conversations", "messages", "files", "leads", "appointments"), 0
    )
    assert count(rt, ChatSession) == 1


def test_a_conversation_goes_after_90_days_without_activity(chatted: Visitor, rt: Runtime, cast: Cast) -> None:
    with rt.sessions() as db:
        key = db.scalar(select(File.storage_key))
    events = count(rt, AnalyticsEvent)
    counts = apply_retention(rt, utcnow() + 91 * DAY)
    assert counts["conversations"] == 1
    assert counts["messages"] > 10
    # The lead's photo outlives its conversation, tied to the lead, until lead_files_days (180).
    assert counts["files"] == 0
    assert count(rt, ChatSession) == count(rt, Message) == 0
    assert count(rt, IdempotencyKey, IdempotencyKey.scope.like("chat.send:%")) == 0
    # The lead keeps what it knows, for the store; events and consent records stay.
    with rt.sessions() as db:
        lead = db.scalar(select(Lead))
        assert db.scalar(select(File.lead_id)) == lead.id
    assert key in stored_files(rt)
    assert apply_retention(rt, utcnow() + 181 * DAY)["files"] == 1
    assert count(rt, File) == 0
    assert key not in stored_files(rt)
    assert lead.session_id is None
    assert lead.fields["project_type"] == "kitchen"
    assert lead.contact["phone"] == "+34699123457"
    assert count(rt, AnalyticsEvent) == events
    assert count(rt, Consent) == 1


def test_only_idle_conversations_go(client: FlaskClient, chatted: Visitor, rt: Runtime, cast: Cast) -> None:
    recent = plain_chat(client, cast.tenant_a.widget_key)
    with rt.transaction() as db:
        long_ago = utcnow() - 100 * DAY
        db.execute(update(ChatSession).where(ChatSession.id == chatted.session_id).values(last_activity_at=long_ago))
    assert apply_retention(rt, utcnow())["conversations"] == 1
    with rt.sessions() as db:
        assert list(db.scalars(select(ChatSession.id))) == [recent.session_id]
        assert db.scalar(select(func.count()).select_from(Message).where(Message.session_id == recent.session_id))


def test_leads_and_appointments_go_after_two_years(chatted: Visitor, rt: Runtime) -> None:
    events = count(rt, AnalyticsEvent)
    assert apply_retention(rt, utcnow() + 729 * DAY)["leads"] == 0
    counts = apply_retention(rt, utcnow() + 760 * DAY)  # the bookings are up to 12 days ahead
    assert (counts["leads"], counts["appointments"]) == (1, 2)
    assert count(rt, Lead) == count(rt, Appointment) == count(rt, ChatSession) == 0
    assert count(rt, AnalyticsEvent) == events  # anonymous events stay for the dashboards


def test_a_store_sets_its_own_periods(client: FlaskClient, chatted: Visitor, rt: Runtime, cast: Cast) -> None:
    open_to_visitors(rt, cast.tenant_b.id)
    theirs = plain_chat(client, cast.tenant_b.widget_key)
    policy = {"conversations_days": 7, "leads_days": 30, "appointments_days": 365}
    saved = client.put("/v1/config/retention", json=policy, headers={"Authorization": f"Bearer {cast.alice_token}"})
    assert saved.status_code == 200, saved.get_json()
    counts = apply_retention(rt, utcnow() + 8 * DAY)
    assert counts["conversations"] == 1  # A's; B keeps the default 90 days
    with rt.sessions() as db:
        assert list(db.scalars(select(ChatSession.id))) == [theirs.session_id]
    counts = apply_retention(rt, utcnow() + 31 * DAY)
    assert (counts["leads"], counts["appointments"]) == (1, 0)
    assert count(rt, Lead, Lead.tenant_id == cast.tenant_b.id) == 1


def test_running_again_deletes_nothing_more(chatted: Visitor, rt: Runtime) -> None:
    later = utcnow() + 800 * DAY
    assert apply_retention(rt, later)["leads"] == 1
    assert apply_retention(rt, later) | {"tenants": 0} == dict.fromkeys(
        ("tenants", "tenants_failed", "conversations", "messages", "files", "leads", "appointments"), 0
    )


def test_the_scheduler_runs_it_daily(chatted: Visitor, rt: Runtime) -> None:
    assert ("apply_retention", 86400) in JOBS
    rt.queue.enqueue("apply_retention")  # the task the job enqueues (immediate in tests)
    assert count(rt, ChatSession) == 1  # today, nothing is old enough
