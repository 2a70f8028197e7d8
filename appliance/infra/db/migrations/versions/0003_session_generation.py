"""Revocable panel sessions: each user's session generation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 04:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing users start at generation 0, which is also what a cookie signed before this
    # revision is read as, so nobody is signed out by the upgrade. The server default is dropped
    # again so the model's Python-side default stays the only one (as for the other counters).
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("session_generation", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
