"""The store's numbers: KPIs counted from real chats, robust to erasure, and AI spend against the cap."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, update

from appliance.analytics.usage import ai_usage, usage_mode
from appliance.infra.db import AIUsage, Appointment, ChatSession, Lead, Message, Tenant, utcnow
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.leads_factory import add_lead, ago, allow_visitors, chat_until

MADRID = ZoneInfo("Europe/Madrid")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def kpis(client: FlaskClient, token: str, query_string: str = "") -> dict[str, Any]:
    response = client.get(f"/v1/analytics/kpis?{query_string}", headers=auth(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def three_chats(client: FlaskClient, cast: Cast, rt: Runtime) -> dict[str, str]:
    """One visitor books a visit, one leaves after the questions, one after the consent; all idle for an hour.

    Tenant B has a conversation too, which tenant A's numbers must not see.
    """
    allow_visitors(rt, cast.tenant_a)
    allow_visitors(rt, cast.tenant_b)
    booked = chat_until(client, cast.tenant_a, None)
    questions = chat_until(client, cast.tenant_a, "photos")
    consent = chat_until(client, cast.tenant_a, "project")
    chat_until(client, cast.tenant_b, "photos")
    with rt.transaction() as db:
        db.execute(update(ChatSession).values(last_activity_at=ago(hours=1)))
    assert booked.last["status"] == "completed"
    return {
        "booked": booked.last["lead"]["id"],
        "questions": questions.last["lead"]["id"],
        "consent": consent.session_id,
    }


def test_kpis_count_the_stores_conversations_leads_and_appointments(
    client: FlaskClient, cast: Cast, three_chats: dict[str, str]
) -> None:
    numbers = kpis(client, cast.bob_token)
    temperatures = {
        lead_id: client.get(f"/v1/leads/{lead_id}", headers=auth(cast.bob_token)).get_json()["temperature"]
        for lead_id in (three_chats["booked"], three_chats["questions"])
    }
    expected_temperatures = dict.fromkeys(("cold", "warm", "hot", "premium"), 0)
    for temperature in temperatures.values():
        expected_temperatures[temperature] += 1
    assert numbers["conversations"] == 3
    assert numbers["completed_conversations"] == 1
    assert numbers["leads"] == 2
    assert numbers["leads_by_temperature"] == expected_temperatures
    assert numbers["appointments"] == 1
    assert numbers["appointments_by_status"] == {"booked": 1}
    assert numbers["no_shows"] == 0
    assert numbers["conversion"] == {"conversation_to_lead": 0.6667, "lead_to_appointment": 0.5}
    qualified = 2 - expected_temperatures["cold"]
    assert numbers["funnel"] == [
        {"step": "conversations", "count": 3},
        {"step": "leads", "count": 2},
        {"step": "qualified_leads", "count": qualified},
        {"step": "leads_with_appointment", "count": 1},
    ]


def test_drop_off_counts_where_idle_unfinished_conversations_stopped(
    client: FlaskClient, cast: Cast, rt: Runtime, three_chats: dict[str, str]
) -> None:
    assert kpis(client, cast.alice_token)["drop_off"] == [
        {"block_id": "photos", "sessions": 1, "share": 0.5},
        {"block_id": "project", "sessions": 1, "share": 0.5},
    ]
    # A visitor who is still typing has not dropped off.
    with rt.transaction() as db:
        db.execute(
            update(ChatSession).where(ChatSession.id == three_chats["consent"]).values(last_activity_at=utcnow())
        )
    assert kpis(client, cast.alice_token)["drop_off"] == [{"block_id": "photos", "sessions": 1, "share": 1.0}]


def test_a_no_show_is_counted(client: FlaskClient, cast: Cast, rt: Runtime, three_chats: dict[str, str]) -> None:
    with rt.transaction() as db:
        db.execute(update(Appointment).where(Appointment.lead_id == three_chats["booked"]).values(status="no_show"))
    numbers = kpis(client, cast.alice_token)
    assert (numbers["appointments"], numbers["no_shows"]) == (1, 1)
    assert numbers["appointments_by_status"] == {"no_show": 1}
    assert numbers["conversion"]["lead_to_appointment"] == 0.5


def test_the_numbers_survive_erasing_the_people(
    client: FlaskClient, cast: Cast, rt: Runtime, three_chats: dict[str, str]
) -> None:
    before = kpis(client, cast.alice_token)
    with rt.transaction() as db:
        # What erasure does to a person: contact, conversation text and appointment contact go.
        db.execute(
            update(Lead)
            .where(Lead.tenant_id == cast.tenant_a.id)
            .values(erased_at=utcnow(), contact={}, email_hash=None, phone_hash=None, notes=None)
        )
        db.execute(delete(Message).where(Message.tenant_id == cast.tenant_a.id))
        db.execute(update(Appointment).where(Appointment.tenant_id == cast.tenant_a.id).values(contact={}, notes=None))
    assert kpis(client, cast.alice_token) == before


def test_a_period_is_made_of_local_days_both_included(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    tenant = cast.tenant_a.id  # Europe/Madrid, UTC+1 in January
    add_lead(rt, tenant, score=10, created_at=datetime(2026, 1, 1, 22, 30, tzinfo=UTC))  # 23:30 on the 1st
    add_lead(rt, tenant, score=95, created_at=datetime(2026, 1, 1, 23, 30, tzinfo=UTC))  # 00:30 on the 2nd
    add_lead(rt, tenant, score=75, created_at=datetime(2026, 1, 31, 22, 59, tzinfo=UTC))  # 23:59 on the 31st
    token = cast.alice_token
    first = kpis(client, token, "from=2026-01-01&to=2026-01-01")
    assert (first["from"], first["to"], first["timezone"]) == ("2026-01-01", "2026-01-01", "Europe/Madrid")
    assert first["leads_by_temperature"] == {"cold": 1, "warm": 0, "hot": 0, "premium": 0}
    assert kpis(client, token, "from=2026-01-02&to=2026-01-31")["leads_by_temperature"] == {
        "cold": 0,
        "warm": 0,
        "hot": 1,
        "premium": 1,
    }
    assert kpis(client, token, "from=2026-02-01&to=2026-02-28")["leads"] == 0
    assert kpis(client, token, "from=2026-02-01&to=2026-02-28")["conversion"] == {
        "conversation_to_lead": None,
        "lead_to_appointment": None,
    }


def test_the_default_period_is_the_last_30_days(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    add_lead(rt, cast.tenant_a.id, created_at=ago(days=10))
    add_lead(rt, cast.tenant_a.id, created_at=ago(days=40))
    add_lead(rt, cast.tenant_b.id, created_at=ago(days=1))
    numbers = kpis(client, cast.alice_token)
    today = utcnow().astimezone(MADRID).date()
    assert (numbers["from"], numbers["to"]) == ((today - timedelta(days=29)).isoformat(), today.isoformat())
    assert numbers["leads"] == 1


@pytest.mark.parametrize("bad", ["from=2026-02-01&to=2026-01-01", "from=2024-01-01&to=2026-01-01", "from=soon"])
def test_a_bad_period_is_422(client: FlaskClient, cast: Cast, bad: str) -> None:
    response = client.get(f"/v1/analytics/kpis?{bad}", headers=auth(cast.alice_token))
    assert response.status_code == 422


def spend(rt: Runtime, tenant_id: str, euros: str, at: datetime | None = None) -> None:
    with rt.transaction() as db:
        db.add(
            AIUsage(
                tenant_id=tenant_id,
                provider="openai",
                model="small",
                purpose="extract",
                tokens_in=100,
                tokens_out=20,
                cost_eur=Decimal(euros),
                created_at=at or utcnow(),
            )
        )


def set_cap(rt: Runtime, tenant: Tenant, cap: int | None) -> None:
    with rt.transaction() as db:
        db.get(Tenant, tenant.id).ai_monthly_cap_eur = cap


def test_usage_sums_this_local_hour_day_and_month(cast: Cast, rt: Runtime) -> None:
    now = datetime(2026, 3, 15, 12, 30, tzinfo=MADRID)  # 11:30 UTC
    tenant = cast.tenant_a.id
    spend(rt, tenant, "0.010000", datetime(2026, 3, 15, 11, 5, tzinfo=UTC))  # this hour
    spend(rt, tenant, "0.200000", datetime(2026, 3, 15, 8, 0, tzinfo=UTC))  # today
    spend(rt, tenant, "0.300000", datetime(2026, 3, 14, 23, 30, tzinfo=UTC))  # 00:30 on the 15th, local
    spend(rt, tenant, "1.000000", datetime(2026, 2, 28, 23, 30, tzinfo=UTC))  # 00:30 on 1 March, local
    spend(rt, tenant, "9.000000", datetime(2026, 2, 28, 22, 30, tzinfo=UTC))  # February, local
    spend(rt, cast.tenant_b.id, "5.000000", datetime(2026, 3, 15, 11, 10, tzinfo=UTC))  # another store
    with rt.sessions() as db:
        usage = ai_usage(db, tenant, now)
    assert usage["spend_eur"] == {"hour": 0.01, "day": 0.51, "month": 1.51}
    assert usage["calls"] == {"hour": 1, "day": 3, "month": 4}
    # The Base plan's 10 €; the hour's slice is what was left at 12:00 (8.50 €) over the 395 real
    # hours to April (the clocks go forward on 29 March).
    assert (usage["cap_eur"], usage["mode"], usage["timezone"]) == (10.0, "normal", "Europe/Madrid")
    assert usage["hour_slice_eur"] == 0.021519


def test_the_mode_turns_low_cost_when_the_plan_cap_is_reached(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    set_cap(rt, cast.tenant_a, 10)
    spend(rt, cast.tenant_a.id, "9.990000", utcnow() - timedelta(days=40))  # another month
    spend(rt, cast.tenant_a.id, "9.990000", utcnow().replace(day=1, hour=0) + timedelta(hours=2))
    usage = client.get("/v1/usage/ai", headers=auth(cast.alice_token)).get_json()
    assert (usage["mode"], usage["cap_eur"], usage["cap_source"]) in {
        ("normal", 10.0, "plan"),
        ("economy", 10.0, "plan"),  # on the month's last hours the slice may be spent
    }
    assert usage["month_share"] == 0.999
    spend(rt, cast.tenant_a.id, "0.010000")
    usage = client.get("/v1/usage/ai", headers=auth(cast.alice_token)).get_json()
    assert (usage["mode"], usage["month_share"], usage["spend_eur"]["month"]) == ("low_cost", 1.0, 10.0)


def test_the_stores_own_lower_cap_applies(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    set_cap(rt, cast.tenant_a, 100)
    saved = client.put("/v1/config/ai", json={"monthly_cap_eur": 5}, headers=auth(cast.alice_token))
    assert saved.status_code == 200, saved.get_json()
    spend(rt, cast.tenant_a.id, "5.000000")
    usage = client.get("/v1/usage/ai", headers=auth(cast.alice_token)).get_json()
    assert (usage["cap_eur"], usage["cap_source"], usage["mode"]) == (5.0, "store", "low_cost")


def test_the_mode_rule() -> None:
    assert usage_mode(Decimal("1000"), None) == "normal"  # no cap
    assert usage_mode(Decimal("0"), Decimal("0")) == "low_cost"  # no AI budget at all
    assert usage_mode(Decimal("9.99"), Decimal("10")) == "normal"
    assert usage_mode(Decimal("5"), Decimal("10"), Decimal("0.03"), Decimal("0.025")) == "economy"
    assert usage_mode(Decimal("10"), Decimal("10"), Decimal("0"), Decimal("0.025")) == "low_cost"


def test_usage_is_for_managers_and_kpis_for_all_staff(client: FlaskClient, cast: Cast) -> None:
    assert client.get("/v1/usage/ai", headers=auth(cast.bob_token)).status_code == 403
    assert client.get("/v1/usage/ai", headers=auth(cast.alice_token)).status_code == 200
    assert client.get("/v1/analytics/kpis", headers=auth(cast.bob_token)).status_code == 200
    assert client.get("/v1/analytics/kpis").status_code == 401
    assert date.fromisoformat(kpis(client, cast.charlie_token)["to"])
