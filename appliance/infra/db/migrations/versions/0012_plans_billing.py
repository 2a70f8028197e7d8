"""Plans as data (seeded with base, pro and elite), Stripe events handled once, billing state on stores.

Revision ID: 0012b
Revises: 0011e
Create Date: 2026-12-06 20:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import appliance.infra.db.base

revision = "0012b"
down_revision = "0011e"
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
STAMP = appliance.infra.db.base.UTCDateTime(timezone=True)
# The seed is written out here, not imported: a migration must keep meaning what it meant when written.
SEED = [
    ("base", 10, 120, 1, 3, {"two_factor_required": False, "teams_alerts": False}),
    ("pro", 25, 240, 2, 10, {"two_factor_required": False, "teams_alerts": True}),
    ("elite", 100, 480, 5, 50, {"two_factor_required": True, "teams_alerts": True}),
]


def upgrade() -> None:
    plans = op.create_table(
        "plans",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("ai_cap_eur", sa.Integer(), nullable=False),
        sa.Column("requests_per_minute", sa.Integer(), nullable=False),
        sa.Column("whatsapp_numbers", sa.Integer(), nullable=False),
        sa.Column("staff_seats", sa.Integer(), nullable=False),
        sa.Column("features", JSON_TYPE, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_plans")),
    )
    now = appliance.infra.db.base.utcnow()
    op.bulk_insert(
        plans,
        [
            {
                "name": name,
                "ai_cap_eur": cap,
                "requests_per_minute": rpm,
                "whatsapp_numbers": numbers,
                "staff_seats": seats,
                "features": features,
                "created_at": now,
                "updated_at": now,
            }
            for name, cap, rpm, numbers, seats, features in SEED
        ],
    )
    op.create_table(
        "stripe_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=True),
        sa.Column("received_at", STAMP, nullable=False),
        sa.Column("created_at", STAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_events")),
    )
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("billing_status", sa.String(length=16), server_default="active", nullable=False))
        batch_op.add_column(sa.Column("stripe_customer_id", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("stripe_subscription_id", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("past_due_since", STAMP, nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_tenants_stripe_customer_id"), ["stripe_customer_id"])
        batch_op.create_check_constraint(
            "billing_status", "billing_status IN ('trialing', 'active', 'past_due', 'canceled')"
        )


def downgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tenants_billing_status"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_tenants_stripe_customer_id"), type_="unique")
        batch_op.drop_column("past_due_since")
        batch_op.drop_column("stripe_subscription_id")
        batch_op.drop_column("stripe_customer_id")
        batch_op.drop_column("billing_status")
    op.drop_table("stripe_events")
    op.drop_table("plans")
