"""Operator alerts: de-duplication windows shared by every process, and a store's Teams webhook.

Revision ID: 0010a
Revises: 0009t
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import appliance.infra.db.base

revision = "0010a"
down_revision = "0009t"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_windows",
        sa.Column("condition", sa.String(length=48), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("last_sent_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.Column("reported", sa.Integer(), nullable=False),
        sa.Column("updated_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("condition", "scope", name=op.f("pk_alert_windows")),
    )
    op.create_table(
        "store_alert_routes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("teams_url", appliance.infra.db.base.EncryptedText(), nullable=True),
        sa.Column("updated_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_store_alert_routes_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_alert_routes")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_store_alert_routes_tenant_id")),
    )


def downgrade() -> None:
    op.drop_table("store_alert_routes")
    op.drop_table("alert_windows")
