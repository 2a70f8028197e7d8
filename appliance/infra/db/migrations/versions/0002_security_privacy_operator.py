"""Security, privacy and operator tables: two-factor confirmation, erased leads, per-tenant
rate-limit overrides and the recent-errors log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 14:21:18.781128
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import appliance.infra.db.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "error_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=True),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_error_events_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_error_events")),
    )
    with op.batch_alter_table("error_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_error_events_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_error_events_tenant_id_created_at"), ["tenant_id", "created_at"], unique=False
        )

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True))

    # Existing tenants get no overrides; the server default is dropped again so the model's
    # Python-side default stays the only one (as for every other JSON column).
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("limits", JSON_TYPE, nullable=False, server_default="{}"))
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.alter_column("limits", server_default=None)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("totp_confirmed_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_confirmed_at")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("limits")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("error_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_error_events_tenant_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_error_events_created_at"))
    op.drop_table("error_events")
