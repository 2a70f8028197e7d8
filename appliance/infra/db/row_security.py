"""Tell PostgreSQL which store a transaction works for, so row-level security can hold it to it.

Migration 0014r enables row-level security on every table with a ``tenant_id`` (and on ``tenants``,
by ``id``), with a policy that admits a row when the setting ``ebanista.tenant_id`` is empty or
equals the row's store. This hook sets it at the start of each transaction of a request or task that
works for one store (appliance.infra.store_scope): ``set_config(..., true)`` is local to the
transaction, so a pooled connection never carries it into the next one. No store, no statement:
the operator, the scheduler and the migrations pay nothing. One round trip per transaction otherwise
(docs/security.md, "Row-level security").

The engine's ``begin`` event, not the ORM session's ``after_begin``, so a transaction opened on a
bare Core connection is covered too.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, event

from appliance.infra.store_scope import current_store

# The setting the policies read; a name with a dot is a custom one, which any role may set.
STORE_SETTING = "ebanista.tenant_id"
_SET_STORE = f"SELECT set_config('{STORE_SETTING}', %(store)s, true)"


def install_row_security(engine: Engine) -> None:
    """Have every transaction of ``engine`` (PostgreSQL) say the store it works for, when there is one."""
    if engine.dialect.name == "postgresql":
        event.listen(engine, "begin", _say_store)


def _say_store(connection: Connection) -> None:
    store = current_store()
    if store is not None:
        connection.exec_driver_sql(_SET_STORE, {"store": store})
