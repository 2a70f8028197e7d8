"""Indexes for platform data at scale (1 M leads, 10 M messages), chosen with EXPLAIN.

`bench/platform_scale.py --explain` showed, on a store of 200 k leads among 300 stores:

- the leads list pages by (created_at, id) and (score, id): with the id in the index the page is
  read in order straight from it, and the KPIs' "leads with an appointment" count joins the
  period's leads from the index alone (it read ~7 k leads from the heap for 30 days);
- the KPIs' drop-off counts the period's conversations by ``sessions.created_at``, which no index
  led with: it read every session of every store (a sequential scan of 1 M rows, 300-400 ms); with
  the index alone it still read a year's sessions from the table (190 ms), so on PostgreSQL the
  index includes the columns the drop-off reads (57 ms, index only);
- the KPIs' appointments by status filter on ``appointments.created_at``: it read every
  appointment of the store.

Plain CREATE INDEX (in the migration's transaction, on PostgreSQL and SQLite alike): on 1 M leads
and sessions each index takes a few seconds, during which writes to that table wait.

Revision ID: 0013i
Revises: 0012b
Create Date: 2026-12-06 23:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0013i"
down_revision = "0012b"
branch_labels = None
depends_on = None

# (table, columns) of the indexes this revision adds; each replaces the one in REPLACED with its name, if any.
ADDED = [
    ("leads", ["tenant_id", "created_at", "id"]),
    ("leads", ["tenant_id", "score", "id"]),
    ("sessions", ["tenant_id", "created_at"]),
    ("appointments", ["tenant_id", "created_at"]),
]
# On PostgreSQL the sessions index also carries what the drop-off reads (INCLUDE; SQLite has no such
# thing and ignores it), so a year of a large store is counted from the index alone.
INCLUDED = {"sessions": ["status", "current_block", "last_activity_at", "origin"]}
# The narrower indexes the first two make redundant (their leading columns are the same).
REPLACED = [
    ("leads", ["tenant_id", "created_at"]),
    ("leads", ["tenant_id", "score"]),
]


def _name(table: str, columns: list[str]) -> str:
    return f"ix_{table}_{'_'.join(columns)}"


def upgrade() -> None:
    for table, columns in ADDED:
        op.create_index(
            op.f(_name(table, columns)), table, columns, unique=False, postgresql_include=INCLUDED.get(table, [])
        )
    for table, columns in REPLACED:
        op.drop_index(op.f(_name(table, columns)), table_name=table)


def downgrade() -> None:
    for table, columns in REPLACED:
        op.create_index(op.f(_name(table, columns)), table, columns, unique=False)
    for table, columns in reversed(ADDED):
        op.drop_index(op.f(_name(table, columns)), table_name=table)
