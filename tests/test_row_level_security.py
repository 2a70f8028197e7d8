"""PostgreSQL's row-level security: the second wall behind the tenant filter (migration 0014r).

Superusers bypass row-level security, and the suite connects as one; so this module builds its own
app on a scratch database that belongs to an ordinary role and connects as it (the tables' owner,
whom FORCE ROW LEVEL SECURITY holds, as in production). Two stores get real conversations through
the chat API; then queries that forget ``WHERE tenant_id = ...`` are run inside one store's
context, the one requests and tasks use (appliance.infra.store_scope), and must see and change that
store's rows only, and write none for the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask, jsonify
from flask.testing import FlaskClient
from huey import MemoryHuey
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import ProgrammingError

from appliance.app import create_app
from appliance.infra.db import Base, ChatSession, Lead, Message, Tenant
from appliance.infra.db.migrate import upgrade
from appliance.infra.queue import TaskQueue
from appliance.infra.runtime import Runtime, current_runtime, runtime_of
from appliance.infra.store_scope import current_store, store_scope
from appliance.tenants.directory import tenant_info
from appliance.web.api.auth import current_staff, current_visitor
from tests.backends import PLATFORM, scratch_database, settings_for
from tests.conftest import Cast
from tests.leads_factory import allow_visitors, chat_until
from tests.visitors import Visitor
from webui.ui.auth import require

pytestmark = pytest.mark.skipif(not PLATFORM, reason="row-level security is PostgreSQL's; SQLite holds one store")

ROLE = "ebanista_rls_test"
FORGETFUL = "/v1/test-only/forgetful-leads"
FORGETFUL_VISITOR = "/v1/chat/test-only/forgetful-conversations"
FORGETFUL_PAGE = "/panel/test-only/forgetful-leads"


def _every_store_seen(model: type[Base]) -> object:
    with current_runtime().transaction() as db:
        return jsonify({"stores": list(db.scalars(select(model.tenant_id)))})


def _forgetful_leads() -> object:
    """An API handler that authenticates its caller as every handler does, then forgets the filter."""
    current_staff("leads.read")
    return _every_store_seen(Lead)


def _forgetful_conversations() -> object:
    """The same behind a visitor's token: which stores' conversations a forgetful query finds."""
    current_visitor()
    return _every_store_seen(ChatSession)


@require("leads.read")
def _forgetful_page() -> object:
    """The same behind a panel page that needs a store."""
    return _every_store_seen(Lead)


@pytest.fixture(scope="module")
def _migrated_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """This module's app (it replaces the suite's): on a database owned by ROLE, connected as ROLE."""
    with scratch_database(tmp_path_factory.mktemp("rls-db"), role=ROLE) as url:
        app = create_app(settings_for(url, tmp_path_factory.mktemp("rls-data")) | {"rate_limits": "off"})
        app.add_url_rule(FORGETFUL, "forgetful_leads", _forgetful_leads)
        app.add_url_rule(FORGETFUL_VISITOR, "forgetful_conversations", _forgetful_conversations)
        app.add_url_rule(FORGETFUL_PAGE, "forgetful_page", _forgetful_page)
        upgrade(runtime_of(app).engine)
        yield app
        runtime_of(app).engine.dispose()


@pytest.fixture
def two_stores(rt: Runtime, client: FlaskClient, cast: Cast) -> Cast:
    """Store A with two finished conversations, store B with one (leads, sessions, messages)."""
    for tenant in (cast.tenant_a, cast.tenant_b):
        allow_visitors(rt, tenant)
    chat_until(client, cast.tenant_a, None)
    chat_until(client, cast.tenant_a, None, name={"value": "Joan Puig"})
    chat_until(client, cast.tenant_b, None, name={"value": "Marta Vidal"})
    return cast


def _stores_of(rt: Runtime, model: type[Base]) -> list[str]:
    with rt.transaction() as db:
        return sorted(db.scalars(select(model.tenant_id)))


def test_the_app_connects_as_an_owner_whom_the_policies_hold(rt: Runtime) -> None:
    with rt.transaction() as db:
        role = db.execute(text("SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"))
        assert role.one() == (ROLE, False, False)
        tables = db.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner),"
                " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        )
        guarded = {name: (rls, forced, owner, policies) for name, rls, forced, owner, policies in tables}
    # Every table that holds a store's rows is guarded, the stores' own table too; a table added with
    # a tenant_id and no policy fails here.
    holding = {t.name for t in Base.metadata.sorted_tables if "tenant_id" in t.c} | {"tenants"}
    assert {name for name, state in guarded.items() if state == (True, True, ROLE, 1)} == holding


def test_a_query_that_forgets_the_tenant_filter_sees_only_the_current_store(rt: Runtime, two_stores: Cast) -> None:
    a, b = two_stores.tenant_a.id, two_stores.tenant_b.id
    # The operator's view, no store set: both stores' rows.
    assert _stores_of(rt, Lead) == sorted([a, a, b])
    everywhere = {model: _stores_of(rt, model) for model in (Lead, ChatSession, Message)}
    for model in (Lead, ChatSession, Message):
        assert {*everywhere[model]} == {a, b}

    with store_scope(a):
        for model in (Lead, ChatSession, Message):
            assert _stores_of(rt, model) == [t for t in everywhere[model] if t == a], model
        with rt.transaction() as db:
            assert db.scalars(select(Tenant.id)).all() == [a]
            # Asking for B's rows by their ids finds nothing either.
            assert db.scalar(select(func.count()).select_from(Lead).where(Lead.tenant_id == b)) == 0
            assert db.get(Tenant, b) is None

    with store_scope(b):
        assert _stores_of(rt, Lead) == [b]


def test_an_update_or_delete_that_forgets_the_filter_changes_only_the_current_store(
    rt: Runtime, two_stores: Cast
) -> None:
    a, b = two_stores.tenant_a.id, two_stores.tenant_b.id
    with store_scope(a), rt.transaction() as db:
        changed = db.execute(update(Lead).values(notes="seen by A")).rowcount
        gone = db.execute(delete(Message)).rowcount
    assert changed == 2
    assert gone > 0
    with rt.transaction() as db:
        notes = dict(db.execute(select(Lead.id, Lead.notes).where(Lead.tenant_id == b)).all())
        assert set(notes.values()) == {None}
        assert db.scalar(select(func.count()).select_from(Message).where(Message.tenant_id == a)) == 0
        assert db.scalar(select(func.count()).select_from(Message).where(Message.tenant_id == b)) > 0


def test_a_row_for_another_store_is_refused(rt: Runtime, two_stores: Cast) -> None:
    a, b = two_stores.tenant_a.id, two_stores.tenant_b.id
    lead = {"id": "lead_rlsprobe0000000000000", "tenant_id": b, "score": 1, "temperature": "cold"}
    with store_scope(a):
        with pytest.raises(ProgrammingError, match="row-level security"), rt.transaction() as db:
            db.execute(insert(Lead.__table__).values(**lead, score_breakdown={}, fields={}))
        # Moving one of A's rows over to B is refused the same way.
        with pytest.raises(ProgrammingError, match="row-level security"), rt.transaction() as db:
            db.execute(update(Lead).values(tenant_id=b))
    assert _stores_of(rt, Lead) == sorted([a, a, b])


def test_a_request_for_one_store_sees_its_rows_through_a_forgetful_query(
    client: FlaskClient, rt: Runtime, two_stores: Cast, panel_login: Callable[..., FlaskClient]
) -> None:
    a, b = two_stores.tenant_a.id, two_stores.tenant_b.id
    for token, store, count in ((two_stores.alice_token, a, 2), (two_stores.charlie_token, b, 1)):
        response = client.get(FORGETFUL, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["stores"] == [store] * count
    # The request's store ended with it: the test (like the next request on the thread) has none.
    assert current_store() is None
    assert _stores_of(rt, Lead) == sorted([a, a, b])

    # A visitor's token: their store's conversations only.
    visitor = Visitor(client, two_stores.tenant_b.widget_key)
    visitor.open(lang="es")
    response = client.get(FORGETFUL_VISITOR, headers=visitor.headers())
    assert response.status_code == 200, response.get_json()
    assert set(response.get_json()["stores"]) == {b}

    # A panel page of store A, signed in with the staff's cookie.
    page = panel_login("alice@example.com").get(FORGETFUL_PAGE)
    assert page.status_code == 200
    assert page.get_json()["stores"] == [a, a]
    assert current_store() is None


def test_with_no_store_set_the_operator_sees_every_store(
    client: FlaskClient, rt: Runtime, two_stores: Cast, make_user, make_token
) -> None:
    operator = make_token(None, "SUPER_ADMIN", make_user("op@example.com", None, "SUPER_ADMIN"))
    response = client.get("/v1/admin/tenants", headers={"Authorization": f"Bearer {operator}"})
    assert response.status_code == 200, response.get_json()
    slugs = {row["slug"] for row in response.get_json()["items"]}
    assert {"tenant-a", "tenant-b"} <= slugs
    assert len(_stores_of(rt, Lead)) == 3


def test_a_store_may_still_look_up_another_in_the_shared_directory(rt: Runtime, two_stores: Cast) -> None:
    # The directory's copies are shared by every request: one filled inside store A must not say
    # that store B does not exist.
    with store_scope(two_stores.tenant_a.id):
        assert tenant_info(rt, two_stores.tenant_b.id) is not None
    assert tenant_info(rt, two_stores.tenant_b.id) is not None


def test_a_task_works_for_the_store_it_carries_and_never_inherits_one(app: Flask, two_stores: Cast) -> None:
    seen: list[tuple[str | None, list[str]]] = []

    def probe(rt: Runtime, lead_id: str | None = None, tenant_id: str | None = None) -> None:
        seen.append((current_store(), _stores_of(rt, Lead)))

    def spanning(rt: Runtime) -> None:
        seen.append((current_store(), _stores_of(rt, Lead)))

    queue = TaskQueue(app, MemoryHuey("rls", immediate=True), {"probe": probe, "spanning": spanning}, lambda: rt)
    rt = runtime_of(app)
    a, b = two_stores.tenant_a.id, two_stores.tenant_b.id
    queue.enqueue("probe", None, b)
    queue.enqueue("probe", lead_id=None, tenant_id=a)
    with store_scope(a):  # a request of store A that runs a task at once
        queue.enqueue("spanning")
    assert seen == [(b, [b]), (a, [a, a]), (None, sorted([a, a, b]))]
