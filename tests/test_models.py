"""What the data model promises: tenant walls in the schema, encryption at rest, UTC times, ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from appliance.core.ids import new_id
from appliance.infra.db import Appointment, Base, ChatSession, Lead, Message, Tenant, utcnow
from appliance.infra.runtime import Runtime

# Tables that are not a tenant's business data: the tenants themselves, global identities,
# access tokens (platform tokens have no tenant), the audit trail (outlives a purged tenant) and
# the operator's recent-errors log (an error may happen before any tenant is known), and the
# operator alerts' quiet periods (per store or for the whole platform).
NOT_TENANT_DATA = {"tenants", "users", "login_throttles", "api_tokens", "audits", "error_events", "alert_windows"}
# Platform data of billing: plans are shared by every store; a Stripe event may name none.
NOT_TENANT_DATA |= {"plans", "stripe_events"}


def business_tables():
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_TENANT_DATA]


@pytest.mark.parametrize("table", business_tables(), ids=lambda t: t.name)
def test_every_business_table_belongs_to_a_tenant(table) -> None:
    column = table.c.tenant_id
    assert column.nullable is False
    assert [fk.column.table.name for fk in column.foreign_keys] == ["tenants"]
    leading = [idx.columns[0].name for idx in table.indexes]
    leading += [uq.columns[0].name for uq in table.constraints if uq.__class__.__name__ == "UniqueConstraint"]
    assert "tenant_id" in leading, f"{table.name} has no index that starts with tenant_id"


def test_contact_data_and_message_text_are_encrypted_at_rest(rt: Runtime, make_tenant) -> None:
    tenant = make_tenant()
    with rt.transaction() as session:
        chat = ChatSession(
            tenant_id=tenant.id,
            language="es",
            expires_at=utcnow() + timedelta(days=30),
            variables={"email": "ana@example.com"},
        )
        session.add(chat)
        session.flush()
        session.add(
            Message(
                tenant_id=tenant.id,
                session_id=chat.id,
                seq=1,
                role="visitor",
                text="Soy Ana, mi teléfono es 612345678",
            )
        )
        session.add(
            Lead(
                tenant_id=tenant.id,
                session_id=chat.id,
                contact={"name": "Ana Pérez", "email": "ana@example.com", "phone": "+34612345678"},
            )
        )
    with rt.engine.connect() as conn:
        raw = " ".join(
            str(row)
            for query in (
                "SELECT contact FROM leads",
                "SELECT text FROM messages",
                "SELECT variables FROM sessions",
            )
            for row in conn.execute(text(query))
        )
    for secret in ("Ana", "ana@example.com", "612345678"):
        assert secret not in raw
    with rt.sessions() as session:
        lead = session.query(Lead).one()
        assert lead.contact["email"] == "ana@example.com"
        assert session.query(Message).one().text.endswith("612345678")


def test_times_come_back_aware_and_in_utc(rt: Runtime, make_tenant) -> None:
    tenant = make_tenant()
    madrid_morning = datetime(2026, 3, 30, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    with rt.transaction() as session:
        session.add(
            Appointment(
                tenant_id=tenant.id,
                service="showroom_visit",
                start_at=madrid_morning,
                end_at=madrid_morning + timedelta(hours=1),
                blocked_start_at=madrid_morning,
                blocked_end_at=madrid_morning + timedelta(hours=1),
                ics_uid=new_id("ics"),
            )
        )
    with rt.sessions() as session:
        stored = session.query(Appointment).one().start_at
    assert stored.tzinfo is not None
    assert stored == madrid_morning
    assert stored.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(rt: Runtime, make_tenant) -> None:
    tenant = make_tenant()
    with pytest.raises(Exception, match="naive"), rt.transaction() as session:
        session.add(ChatSession(tenant_id=tenant.id, language="es", expires_at=datetime(2026, 1, 1)))


def test_deleting_a_tenant_deletes_its_rows(rt: Runtime, make_tenant) -> None:
    tenant = make_tenant()
    with rt.transaction() as session:
        session.add(Lead(tenant_id=tenant.id))
    with rt.transaction() as session:
        session.delete(session.get(Tenant, tenant.id))
    with rt.sessions() as session:
        assert session.query(Lead).count() == 0


def test_ids_carry_their_prefix_and_sort_by_creation_time() -> None:
    first, second = new_id("l"), new_id("l")
    assert first.startswith("l_")
    assert len(first) == 28
    assert first != second
    earlier = new_id("l")
    import time

    time.sleep(0.002)
    assert earlier < new_id("l")


def test_utcnow_is_aware() -> None:
    assert utcnow().tzinfo is UTC
