"""The AI budget: stores may save a catalogue (price ranges per m², lines they sell).

Revision ID: 0008a
Revises: 0007w
"""

from __future__ import annotations

from alembic import op

revision = "0008a"
down_revision = "0007w"
branch_labels = None
depends_on = None

_BEFORE = "('branding', 'texts', 'widget', 'scoring', 'agenda', 'ai', 'retention', 'channels')"
_AFTER = "('branding', 'texts', 'widget', 'scoring', 'agenda', 'ai', 'retention', 'channels', 'catalogue')"


def upgrade() -> None:
    with op.batch_alter_table("configs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_configs_kind"), type_="check")
        batch_op.create_check_constraint("kind", f"kind IN {_AFTER}")


def downgrade() -> None:
    op.execute("DELETE FROM configs WHERE kind = 'catalogue'")
    with op.batch_alter_table("configs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_configs_kind"), type_="check")
        batch_op.create_check_constraint("kind", f"kind IN {_BEFORE}")
