"""Resuming a visitor's conversation needs its secret: the hash of each session's secret.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 05:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Sessions opened before this revision have none: the first resume by their id sets one
    # (appliance.conversations.sessions), so a visitor in the middle of a conversation keeps it.
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secret_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("secret_hash")
