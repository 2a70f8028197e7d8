"""Purging a store: every row of it in every table and every file go; other stores and the audit trail stay."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from flask.testing import FlaskClient
from sqlalchemy import func, select

from appliance.errors import NotFound
from appliance.infra.db import Audit, Base, File, Tenant, User
from appliance.infra.runtime import Runtime
from appliance.privacy.purge import purge_tenant, rows_of
from appliance.tenants.directory import tenant_by_widget_key
from appliance.tenants.registry import add_membership, upsert_user
from tests.conftest import PASSWORD, Cast
from tests.raw_storage import stored_files
from tests.subjects import chat_with_contacts, open_to_visitors, plain_chat, staff_booking


@pytest.fixture
def stores(client: FlaskClient, cast: Cast, rt: Runtime) -> Cast:
    """Two stores in full use: conversations, files, leads, bookings, audit entries; shared staff."""
    for tenant in (cast.tenant_a, cast.tenant_b):
        open_to_visitors(rt, tenant.id)
    subject = chat_with_contacts(client, cast.tenant_a.widget_key)
    staff_booking(client, cast.alice_token, subject.last["lead"]["id"])
    client.get(f"/v1/privacy/subjects/{subject.last['lead']['id']}/export", headers=_auth(cast.alice_token))
    chat_with_contacts(client, cast.tenant_b.widget_key)
    plain_chat(client, cast.tenant_b.widget_key)
    with rt.transaction() as db:
        shared = upsert_user(db, "dana@example.com", PASSWORD)  # works for both stores
        operator = upsert_user(db, "olga@example.com", PASSWORD, platform_role="SUPER_ADMIN")
        for tenant_id, user in ((cast.tenant_a.id, shared), (cast.tenant_b.id, shared), (cast.tenant_a.id, operator)):
            add_membership(db, db.get(Tenant, tenant_id), user, "ADMIN")
    return cast


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _rows_everywhere(rt: Runtime, tenant_id: str) -> dict[str, int]:
    """Count the tenant's rows in every table of the schema that has a tenant_id, audits included."""
    with rt.sessions() as db:
        return {
            table.name: db.scalar(select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id))
            for table in Base.metadata.sorted_tables
            if "tenant_id" in table.c
        }


def _emails(rt: Runtime) -> set[str]:
    with rt.sessions() as db:
        return set(db.scalars(select(User.email)))


def test_a_purge_leaves_no_row_of_the_store_in_any_table(stores: Cast, rt: Runtime) -> None:
    tenant_id = stores.tenant_a.id
    before = _rows_everywhere(rt, tenant_id)
    assert before["messages"] > 0
    assert before["files"] == 1
    assert before["audits"] > 0
    counts = purge_tenant(rt, tenant_id)
    assert _rows_everywhere(rt, tenant_id) == dict.fromkeys(before, 0)
    with rt.sessions() as db:
        assert db.get(Tenant, tenant_id) is None
    assert counts["messages"] == before["messages"]
    assert counts["files"] == 1
    assert counts["tenants"] == 1


def test_a_purge_removes_the_stores_files(stores: Cast, rt: Runtime) -> None:
    with rt.sessions() as db:
        keys = dict(db.execute(select(File.tenant_id, File.storage_key)).all())
    purge_tenant(rt, stores.tenant_a.id)
    on_disk = stored_files(rt)
    assert keys[stores.tenant_a.id] not in on_disk
    assert keys[stores.tenant_b.id] in on_disk


def test_another_store_is_untouched(client: FlaskClient, stores: Cast, rt: Runtime) -> None:
    with rt.sessions() as db:
        rows_of_b = rows_of(db, stores.tenant_b.id)
    before = _rows_everywhere(rt, stores.tenant_b.id)
    purge_tenant(rt, stores.tenant_a.id)
    assert _rows_everywhere(rt, stores.tenant_b.id) == before
    with rt.sessions() as db:
        assert rows_of(db, stores.tenant_b.id) == rows_of_b
    leads = client.get("/v1/leads", headers=_auth(stores.charlie_token))
    assert leads.status_code == 200
    assert len(leads.get_json()["items"]) == 2


def test_staff_who_worked_only_there_go_with_the_store(stores: Cast, rt: Runtime) -> None:
    counts = purge_tenant(rt, stores.tenant_a.id)
    emails = _emails(rt)
    assert "alice@example.com" not in emails
    assert "bob@example.com" not in emails
    assert {"dana@example.com", "olga@example.com", "charlie@example.com"} <= emails
    assert counts["users"] == 2


def test_the_audit_trail_outlives_the_store(stores: Cast, rt: Runtime) -> None:
    tenant_id = stores.tenant_a.id
    with rt.sessions() as db:
        theirs = set(db.scalars(select(Audit.id).where(Audit.tenant_id == tenant_id)))
    purge_tenant(rt, tenant_id)
    with rt.sessions() as db:
        kept = db.scalars(select(Audit).where(Audit.id.in_(theirs))).all()
        purged = db.scalar(select(Audit).where(Audit.action == "tenant.purged"))
    assert len(kept) == len(theirs) > 0
    assert {entry.tenant_id for entry in kept} == {None}
    assert (purged.tenant_id, purged.target_id, purged.details["slug"]) == (None, tenant_id, "tenant-a")


def test_the_purged_store_is_gone_for_its_visitors_and_staff(client: FlaskClient, stores: Cast, rt: Runtime) -> None:
    assert tenant_by_widget_key(rt, stores.tenant_a.widget_key) is not None  # cached now
    purge_tenant(rt, stores.tenant_a.id)
    assert tenant_by_widget_key(rt, stores.tenant_a.widget_key) is None
    opened = client.post("/v1/widget/session", json={"widget_key": stores.tenant_a.widget_key})
    assert opened.status_code == 404
    assert client.get("/v1/leads", headers=_auth(stores.alice_token)).status_code == 401


def test_purging_an_unknown_store_is_not_found(rt: Runtime) -> None:
    with pytest.raises(NotFound):
        purge_tenant(rt, "t_nothing")


def test_the_command_asks_for_confirmation(stores: Cast, rt: Runtime, cli: Callable[..., Result]) -> None:
    refused = cli("tenant", "purge", "tenant-a")
    assert refused.exit_code == 1
    assert "--yes" in refused.output
    with rt.sessions() as db:
        assert db.get(Tenant, stores.tenant_a.id) is not None
    done = cli("tenant", "purge", "tenant-a", "--yes")
    assert done.exit_code == 0, done.output
    assert '"purged": "tenant-a"' in done.output
    assert _rows_everywhere(rt, stores.tenant_a.id)["leads"] == 0
    assert cli("tenant", "purge", "tenant-a", "--yes").exit_code == 1
