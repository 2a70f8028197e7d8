"""The AI budget: stores may save a catalogue (price ranges per m², lines they sell), and a lead
keeps the preliminary proposal written from it.

Revision ID: 0008a
Revises: 0007w
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008a"
down_revision = "0007w"
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_BEFORE = "('branding', 'texts', 'widget', 'scoring', 'agenda', 'ai', 'retention', 'channels')"
_AFTER = "('branding', 'texts', 'widget', 'scoring', 'agenda', 'ai', 'retention', 'channels', 'catalogue')"


def upgrade() -> None:
    with op.batch_alter_table("configs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_configs_kind"), type_="check")
        batch_op.create_check_constraint("kind", f"kind IN {_AFTER}")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal", JSON_TYPE, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("proposal")
    op.execute("DELETE FROM configs WHERE kind = 'catalogue'")
    with op.batch_alter_table("configs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_configs_kind"), type_="check")
        batch_op.create_check_constraint("kind", f"kind IN {_BEFORE}")
