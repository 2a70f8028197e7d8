"""Row-level security on PostgreSQL: a second wall behind the tenant filter every query carries.

Each table that holds a store's rows (every table with a ``tenant_id``, and ``tenants`` itself by
``id``) gets ENABLE and FORCE ROW LEVEL SECURITY and one policy, ``ebanista_store``. It admits a row
when the transaction's setting ``ebanista.tenant_id`` is unset or empty (the operator, the scheduler,
the migrations, cross-store tasks: everything works as before) or equals the row's store. A request
or task that works for one store sets it at the start of each transaction
(appliance.infra.db.row_security), so a query that forgets ``WHERE tenant_id = ...`` still sees and
changes only that store's rows, and a row written for another store is refused (WITH CHECK).

FORCE makes the policies bind the tables' owner too, which is the role the application connects
as; superusers and roles with BYPASSRLS are never bound (docs/security.md, "Row-level security").
SQLite has no row-level security: there this migration does nothing (the appliance holds one store).

The tables are written out here, not read from the models: a migration must keep meaning what it
meant when written. A table added later with a ``tenant_id`` needs a migration of its own that
gives it the same policy (tests/test_row_level_security.py checks that every one has it).

Revision ID: 0014r
Revises: 0013i
Create Date: 2026-12-07 10:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0014r"
down_revision = "0013i"
branch_labels = None
depends_on = None

POLICY = "ebanista_store"
# current_setting(..., true) is NULL before the setting was ever set on the connection, and '' after
# a transaction that set it locally ended: both mean "no store".
STORE = "coalesce(current_setting('ebanista.tenant_id', true), '')"

# Tables whose tenant_id is NOT NULL: a row belongs to exactly one store.
STORE_TABLES = [
    "ai_texts",
    "ai_usage",
    "analytics_events",
    "appointments",
    "configs",
    "consents",
    "domain_events",
    "files",
    "flows",
    "idempotency_keys",
    "leads",
    "memberships",
    "messages",
    "notification_prefs",
    "notifications",
    "sessions",
    "store_alert_routes",
    "usage_entries",
    "webhook_deliveries",
    "webhooks",
    "whatsapp_channels",
    "whatsapp_contacts",
    "whatsapp_events",
    "whatsapp_inbound",
    "whatsapp_outbox",
]
# Tables whose tenant_id may be NULL for the platform's own rows: platform api tokens, Stripe events
# not matched to a store. Inside a store those rows are neither seen nor written.
PLATFORM_ROW_TABLES = ["api_tokens", "stripe_events"]
# Records a store's request may also write for no store (a person's own account changes, a failure
# not attributable to a store), without seeing such rows of others: audits and errors.
RECORD_TABLES = ["audits", "error_events"]


def _mine(column: str) -> str:
    return f"{STORE} IN ('', {column})"


def _policies() -> list[tuple[str, str, str]]:
    """Return (table, USING, WITH CHECK) for every table this revision guards."""
    rows = [("tenants", _mine("id"), _mine("id"))]
    rows += [(table, _mine("tenant_id"), _mine("tenant_id")) for table in STORE_TABLES + PLATFORM_ROW_TABLES]
    rows += [(table, _mine("tenant_id"), f"tenant_id IS NULL OR {_mine('tenant_id')}") for table in RECORD_TABLES]
    return rows


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, using, check in _policies():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {POLICY} ON {table} USING ({using}) WITH CHECK ({check})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, _using, _check in _policies():
        op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
