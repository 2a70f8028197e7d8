"""WhatsApp: channel settings, raw webhook events, contacts, inbound claims, the outbox; the usage ledger.

Revision ID: 0007w
Revises: 0006
Create Date: 2026-12-06 06:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import appliance.infra.db.base

revision = "0007w"
down_revision = "0006"
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "usage_entries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_eur", sa.Numeric(precision=12, scale=6), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_usage_entries_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_entries")),
        sa.UniqueConstraint("tenant_id", "kind", "reference", name=op.f("uq_usage_entries_tenant_id_kind_reference")),
    )
    with op.batch_alter_table("usage_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_usage_entries_tenant_id_kind_created_at"), ["tenant_id", "kind", "created_at"], unique=False
        )

    op.create_table(
        "whatsapp_channels",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("phone_number_id", sa.String(length=64), nullable=False),
        sa.Column("access_token", appliance.infra.db.base.EncryptedText(), nullable=False),
        sa.Column("app_secret", appliance.infra.db.base.EncryptedText(), nullable=False),
        sa.Column("verify_token_hash", sa.String(length=64), nullable=False),
        sa.Column("options", JSON_TYPE, nullable=False),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_whatsapp_channels_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_channels")),
        sa.UniqueConstraint("phone_number_id", name=op.f("uq_whatsapp_channels_phone_number_id")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_whatsapp_channels_tenant_id")),
    )
    with op.batch_alter_table("whatsapp_channels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_whatsapp_channels_verify_token_hash"), ["verify_token_hash"], unique=False)

    op.create_table(
        "whatsapp_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("body", appliance.infra.db.base.EncryptedText(), nullable=False),
        sa.Column("received_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_whatsapp_events_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_events")),
    )
    with op.batch_alter_table("whatsapp_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_whatsapp_events_processed_at"), ["processed_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_whatsapp_events_tenant_id_received_at"), ["tenant_id", "received_at"], unique=False
        )

    op.create_table(
        "whatsapp_inbound",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("wamid", sa.String(length=255), nullable=False),
        sa.Column("received_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_whatsapp_inbound_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_inbound")),
        sa.UniqueConstraint("tenant_id", "wamid", name=op.f("uq_whatsapp_inbound_tenant_id_wamid")),
    )
    op.create_table(
        "whatsapp_contacts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("user_hash", sa.String(length=64), nullable=False),
        sa.Column("wa_id", appliance.infra.db.base.EncryptedText(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("lead_id", sa.String(length=32), nullable=True),
        sa.Column("last_inbound_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("waiting", JSON_TYPE, nullable=False),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_whatsapp_contacts_lead_id_leads"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_whatsapp_contacts_session_id_sessions"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_whatsapp_contacts_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_contacts")),
        sa.UniqueConstraint("tenant_id", "user_hash", name=op.f("uq_whatsapp_contacts_tenant_id_user_hash")),
    )
    with op.batch_alter_table("whatsapp_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_whatsapp_contacts_tenant_id_lead_id"), ["tenant_id", "lead_id"], unique=False
        )

    op.create_table(
        "whatsapp_outbox",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("contact_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("payload", appliance.infra.db.base.EncryptedJSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("wamid", sa.String(length=255), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("accepted_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('text', 'interactive', 'template')", name=op.f("ck_whatsapp_outbox_kind")),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'accepted', 'sent', 'delivered', 'read', 'failed', 'unknown')",
            name=op.f("ck_whatsapp_outbox_status"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["whatsapp_contacts.id"],
            name=op.f("fk_whatsapp_outbox_contact_id_whatsapp_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_whatsapp_outbox_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_outbox")),
        sa.UniqueConstraint("tenant_id", "key", name=op.f("uq_whatsapp_outbox_tenant_id_key")),
        sa.UniqueConstraint("tenant_id", "wamid", name=op.f("uq_whatsapp_outbox_tenant_id_wamid")),
    )
    with op.batch_alter_table("whatsapp_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_whatsapp_outbox_status_next_attempt_at"), ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_whatsapp_outbox_tenant_id_accepted_at"), ["tenant_id", "accepted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_whatsapp_outbox_tenant_id_status_next_attempt_at"),
            ["tenant_id", "status", "next_attempt_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("whatsapp_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_whatsapp_outbox_tenant_id_status_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_whatsapp_outbox_tenant_id_accepted_at"))
        batch_op.drop_index(batch_op.f("ix_whatsapp_outbox_status_next_attempt_at"))

    op.drop_table("whatsapp_outbox")
    with op.batch_alter_table("whatsapp_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_whatsapp_contacts_tenant_id_lead_id"))

    op.drop_table("whatsapp_contacts")
    op.drop_table("whatsapp_inbound")
    with op.batch_alter_table("whatsapp_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_whatsapp_events_tenant_id_received_at"))
        batch_op.drop_index(batch_op.f("ix_whatsapp_events_processed_at"))

    op.drop_table("whatsapp_events")
    with op.batch_alter_table("whatsapp_channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_whatsapp_channels_verify_token_hash"))

    op.drop_table("whatsapp_channels")
    with op.batch_alter_table("usage_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_entries_tenant_id_kind_created_at"))

    op.drop_table("usage_entries")
