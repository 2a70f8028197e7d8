"""The migrations build exactly the schema the models describe, on this run's database, both ways."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from appliance.app import create_app
from appliance.infra.db import Base
from appliance.infra.db.migrate import downgrade, status, upgrade
from appliance.infra.runtime import runtime_of
from tests.backends import scratch_database, settings_for


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, Base.metadata)


def test_migrations_match_the_models_and_go_down_and_up_again(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        engine = runtime_of(create_app(settings_for(url, tmp_path / "data"))).engine
        upgrade(engine)
        assert schema_differences(engine) == []
        current, head = status(engine)
        assert current == head

        downgrade(engine)
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}

        upgrade(engine)
        assert schema_differences(engine) == []
        engine.dispose()


def test_a_fresh_database_reports_no_revision(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        engine = runtime_of(create_app(settings_for(url, tmp_path / "data"))).engine
        current, head = status(engine)
        assert current is None
        assert head
        engine.dispose()
