"""Upgrades: a store on the last released schema (0008a) keeps its data when the program brings it
to the newest schema, and the program refuses to start on a database newer than itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Column, Engine, MetaData, Table, inspect, select

from appliance.app import create_app
from appliance.cli import main
from appliance.core.ids import new_id
from appliance.infra.db import File, Lead, Membership, Tenant, User
from appliance.infra.db.migrate import status, upgrade
from appliance.infra.runtime import Runtime, runtime_of
from tests.backends import scratch_database, settings_for

LAST_RELEASE = "0008a"
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def old_store(tmp_path: Path) -> Iterator[Runtime]:
    """A store whose database stands at the last released schema, on this run's backend."""
    with scratch_database(tmp_path) as url:
        rt = runtime_of(create_app(settings_for(url, tmp_path / "data")))
        upgrade(rt.engine, LAST_RELEASE)
        yield rt
        rt.engine.dispose()


def released_table(engine: Engine, model: type) -> Table:
    """Return ``model``'s table with only the columns the database has now (the released ones), with
    today's column types, so encrypted and JSON values are written as the released program wrote them."""
    present = {c["name"] for c in inspect(engine).get_columns(model.__tablename__)}
    columns = [Column(c.name, c.type) for c in model.__table__.columns if c.name in present]
    return Table(model.__tablename__, MetaData(), *columns)


def write_released_data(rt: Runtime) -> dict[str, Any]:
    ids = {"tenant": new_id("t"), "user": new_id("u"), "lead": new_id("l"), "file": new_id("f")}
    stamps = {"created_at": NOW, "updated_at": NOW}
    rows: list[tuple[type, dict[str, Any]]] = [
        (Tenant, {"id": ids["tenant"], "slug": "fusteria-vella", "name": "Fusteria Vella", "plan": "pro",
                  "status": "active", "branding": {"primary_color": "#884422"}, "default_language": "ca",
                  "languages": ["ca", "es"], "timezone": "Europe/Madrid", "country": "ES",
                  "allowed_origins": ["https://fusteria.example"], "widget_key": "wk_released",
                  "maintenance": {"enabled": False, "message": {}}, "limits": {}, **stamps}),
        (User, {"id": ids["user"], "email": "owner@fusteria.example", "name": "Marta", "language": "ca",
                "is_active": True, "recovery_codes": [], "session_generation": 1, **stamps}),
        (Membership, {"id": new_id("m"), "tenant_id": ids["tenant"], "user_id": ids["user"], "role": "OWNER",
                      **stamps}),
        (Lead, {"id": ids["lead"], "tenant_id": ids["tenant"], "status": "new", "score": 82, "temperature": "hot",
                "score_breakdown": {"budget": 82.0}, "fields": {"project_type": "kitchen"},
                "project_type": "kitchen", "contact": {"name": "Jordi", "email": "jordi@example.com"},
                "language": "ca", "channel": "web", **stamps}),
        (File, {"id": ids["file"], "tenant_id": ids["tenant"], "kind": "document", "lead_id": ids["lead"],
                "content_type": "application/pdf", "size": 3, "sha256": "0" * 64,
                "storage_key": f"{ids['tenant']}/summaries/x.pdf", "created_at": NOW}),
    ]  # fmt: skip
    tables = [released_table(rt.engine, model) for model, _ in rows]  # before: SQLite has one connection
    with rt.engine.begin() as conn:
        for table, (_, values) in zip(tables, rows, strict=True):
            conn.execute(table.insert().values(**values))
    return ids


def test_a_store_on_the_last_released_schema_keeps_its_data_through_the_upgrade(old_store: Runtime) -> None:
    ids = write_released_data(old_store)

    upgrade(old_store.engine)

    current, head = status(old_store.engine)
    assert current == head
    with old_store.sessions() as db:
        tenant = db.get(Tenant, ids["tenant"])
        assert (tenant.name, tenant.plan, tenant.languages, tenant.widget_key) == (
            "Fusteria Vella",
            "pro",
            ["ca", "es"],
            "wk_released",
        )
        lead = db.get(Lead, ids["lead"])
        assert lead.contact == {"name": "Jordi", "email": "jordi@example.com"}  # still decrypts
        assert (lead.score, lead.temperature, lead.tenant_id) == (82, "hot", ids["tenant"])
        assert db.get(File, ids["file"]).lead_id == ids["lead"]
        member = db.scalars(select(Membership).where(Membership.user_id == ids["user"])).one()
        assert (member.tenant_id, member.role) == (ids["tenant"], "OWNER")


def test_serve_and_migrate_refuse_a_database_newer_than_the_program(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        settings = settings_for(url, tmp_path / "data")
        engine = runtime_of(create_app(settings)).engine
        upgrade(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099_future'")
        env = {f"EBANISTA_{k.upper()}": str(v) for k, v in settings.items()}
        runner = CliRunner()
        for command in (["serve", "--port", "8999"], ["migrate"], ["seed-demo"]):
            result = runner.invoke(main, command, env=env, catch_exceptions=False)
            assert result.exit_code == 2, (command, result.output)
            lines = result.output.strip().splitlines()
            assert lines == [lines[0]]
            assert lines[0].startswith("ebanista: EBANISTA_DATABASE_URL: the database schema (0099_future) is newer")
        with engine.connect() as conn:  # untouched
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0099_future"
        engine.dispose()
