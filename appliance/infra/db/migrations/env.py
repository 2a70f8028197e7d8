"""Alembic environment: the connection comes from appliance.infra.db.migrate, never from an ini file."""

from __future__ import annotations

from alembic import context

from appliance.infra.db import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # Batch mode lets ALTERs run on SQLite by rebuilding tables; on PostgreSQL it is a no-op wrapper.
    render_as_batch=True,
    compare_type=True,
    user_module_prefix="appliance.infra.db.base.",
)
with context.begin_transaction():
    context.run_migrations()
