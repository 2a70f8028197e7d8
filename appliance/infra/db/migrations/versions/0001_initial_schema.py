"""The initial schema: every table of the first release.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 10:13:08.401058
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import appliance.infra.db.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("plan", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("branding", JSON_TYPE, nullable=False),
        sa.Column("default_language", sa.String(length=8), nullable=False),
        sa.Column("languages", JSON_TYPE, nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("allowed_origins", JSON_TYPE, nullable=False),
        sa.Column("widget_key", sa.String(length=64), nullable=False),
        sa.Column("maintenance", JSON_TYPE, nullable=False),
        sa.Column("ai_monthly_cap_eur", sa.Integer(), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("plan IN ('base', 'pro', 'elite')", name=op.f("ck_tenants_plan")),
        sa.CheckConstraint("status IN ('active', 'paused')", name=op.f("ck_tenants_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("slug", name=op.f("uq_tenants_slug")),
        sa.UniqueConstraint("widget_key", name=op.f("uq_tenants_widget_key")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("platform_role", sa.String(length=16), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("totp_secret", appliance.infra.db.base.EncryptedText(), nullable=True),
        sa.Column("recovery_codes", JSON_TYPE, nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "platform_role IS NULL OR platform_role IN ('SUPER_ADMIN', 'INTERNAL')",
            name=op.f("ck_users_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=True),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("display_prefix", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(tenant_id IS NULL AND role IN ('SUPER_ADMIN', 'INTERNAL')) OR (tenant_id IS NOT NULL AND role IN ('OWNER', 'ADMIN', 'AGENT'))",
            name=op.f("ck_api_tokens_scope"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_api_tokens_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_tokens_tenant_id_revoked_at"), ["tenant_id", "revoked_at"], unique=False
        )

    op.create_table(
        "configs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("payload", JSON_TYPE, nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('branding', 'texts', 'widget', 'scoring', 'agenda', 'ai', 'retention', 'channels')",
            name=op.f("ck_configs_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_configs_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_configs_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configs")),
        sa.UniqueConstraint("tenant_id", "kind", "version", name=op.f("uq_configs_tenant_id_kind_version")),
    )
    op.create_table(
        "flows",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("document", JSON_TYPE, nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(length=32), nullable=True),
        sa.CheckConstraint("state IN ('draft', 'published', 'archived')", name=op.f("ck_flows_state")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_flows_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_flows_published_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_flows_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flows")),
        sa.UniqueConstraint("tenant_id", "version", name=op.f("uq_flows_tenant_id_version")),
    )
    with op.batch_alter_table("flows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flows_tenant_id_state"), ["tenant_id", "state"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", JSON_TYPE, nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_idempotency_keys_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("tenant_id", "scope", "key", name=op.f("uq_idempotency_keys_tenant_id_scope_key")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotency_keys_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "memberships",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('OWNER', 'ADMIN', 'AGENT')", name=op.f("ck_memberships_role")),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_memberships_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("tenant_id", "user_id", name=op.f("uq_memberships_tenant_id_user_id")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memberships_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audits",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=True),
        sa.Column("actor_user_id", sa.String(length=32), nullable=True),
        sa.Column("actor_token_id", sa.String(length=32), nullable=True),
        sa.Column("actor_label", sa.String(length=255), nullable=False),
        sa.Column("impersonated", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=True),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("details", JSON_TYPE, nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_token_id"],
            ["api_tokens.id"],
            name=op.f("fk_audits_actor_token_id_api_tokens"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_audits_actor_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_audits_tenant_id_tenants"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
    )
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audits_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audits_tenant_id_created_at"), ["tenant_id", "created_at"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("flow_id", sa.String(length=32), nullable=True),
        sa.Column("flow_version", sa.Integer(), nullable=True),
        sa.Column("current_block", sa.String(length=100), nullable=True),
        sa.Column("state", JSON_TYPE, nullable=False),
        sa.Column("variables", appliance.infra.db.base.EncryptedJSON(), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=True),
        sa.Column("channel_user_hash", sa.String(length=64), nullable=True),
        sa.Column("last_activity_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("channel IN ('web', 'whatsapp')", name=op.f("ck_sessions_channel")),
        sa.CheckConstraint("status IN ('active', 'completed', 'expired')", name=op.f("ck_sessions_status")),
        sa.ForeignKeyConstraint(["flow_id"], ["flows.id"], name=op.f("fk_sessions_flow_id_flows"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_sessions_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sessions_tenant_id_channel_channel_user_hash"),
            ["tenant_id", "channel", "channel_user_hash"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_sessions_tenant_id_status_last_activity_at"),
            ["tenant_id", "status", "last_activity_at"],
            unique=False,
        )

    op.create_table(
        "ai_usage",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("tokens_in", sa.Integer(), nullable=False),
        sa.Column("tokens_out", sa.Integer(), nullable=False),
        sa.Column("cost_eur", sa.Numeric(precision=12, scale=6), nullable=False),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_ai_usage_session_id_sessions"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_ai_usage_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_usage")),
    )
    with op.batch_alter_table("ai_usage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ai_usage_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ai_usage_tenant_id_created_at"), ["tenant_id", "created_at"], unique=False)

    op.create_table(
        "leads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("temperature", sa.String(length=16), nullable=False),
        sa.Column("score_breakdown", JSON_TYPE, nullable=False),
        sa.Column("fields", JSON_TYPE, nullable=False),
        sa.Column("project_type", sa.String(length=32), nullable=True),
        sa.Column("contact", appliance.infra.db.base.EncryptedJSON(), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("notes", appliance.infra.db.base.EncryptedText(), nullable=True),
        sa.Column("assignee_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('new', 'contacted', 'qualified', 'won', 'lost')", name=op.f("ck_leads_status")),
        sa.CheckConstraint("temperature IN ('cold', 'warm', 'hot', 'premium')", name=op.f("ck_leads_temperature")),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_leads_assignee_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_leads_session_id_sessions"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_leads_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("session_id", name=op.f("uq_leads_session_id")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leads_tenant_id_created_at"), ["tenant_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_tenant_id_email_hash"), ["tenant_id", "email_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_tenant_id_phone_hash"), ["tenant_id", "phone_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_tenant_id_score"), ["tenant_id", "score"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_leads_tenant_id_status_created_at"),
            ["tenant_id", "status", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_leads_tenant_id_temperature_created_at"),
            ["tenant_id", "temperature", "created_at"],
            unique=False,
        )

    op.create_table(
        "messages",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("text", appliance.infra.db.base.EncryptedText(), nullable=True),
        sa.Column("data", appliance.infra.db.base.EncryptedJSON(), nullable=True),
        sa.Column("block_id", sa.String(length=100), nullable=True),
        sa.Column("channel_message_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('visitor', 'bot', 'staff', 'system')", name=op.f("ck_messages_role")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_messages_session_id_sessions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_messages_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("session_id", "seq", name=op.f("uq_messages_session_id_seq")),
        sa.UniqueConstraint("tenant_id", "channel_message_id", name=op.f("uq_messages_tenant_id_channel_message_id")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messages_tenant_id_created_at"), ["tenant_id", "created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_messages_tenant_id_session_id_seq"),
            ["tenant_id", "session_id", "seq"],
            unique=False,
        )

    op.create_table(
        "analytics_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("lead_id", sa.String(length=32), nullable=True),
        sa.Column("block_id", sa.String(length=100), nullable=True),
        sa.Column("data", JSON_TYPE, nullable=False),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_analytics_events_lead_id_leads"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_analytics_events_session_id_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_analytics_events_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_events")),
    )
    with op.batch_alter_table("analytics_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_analytics_events_tenant_id_name_created_at"),
            ["tenant_id", "name", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_analytics_events_tenant_id_session_id"), ["tenant_id", "session_id"], unique=False
        )

    op.create_table(
        "appointments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("lead_id", sa.String(length=32), nullable=True),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("start_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_start_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_end_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("contact", appliance.infra.db.base.EncryptedJSON(), nullable=False),
        sa.Column("notes", appliance.infra.db.base.EncryptedText(), nullable=True),
        sa.Column("postal_code", sa.String(length=16), nullable=True),
        sa.Column("ics_uid", sa.String(length=255), nullable=False),
        sa.Column("ics_sequence", sa.Integer(), nullable=False),
        sa.Column("reminder_24h_sent_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminder_2h_sent_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('booked', 'cancelled', 'no_show', 'completed')", name=op.f("ck_appointments_status")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_appointments_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_appointments_lead_id_leads"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_appointments_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("ics_uid", name=op.f("uq_appointments_ics_uid")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointments_status_start_at"), ["status", "start_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointments_tenant_id_lead_id"), ["tenant_id", "lead_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_appointments_tenant_id_service_blocked_start_at"),
            ["tenant_id", "service", "blocked_start_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_appointments_tenant_id_start_at"), ["tenant_id", "start_at"], unique=False)

    op.create_table(
        "consents",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("lead_id", sa.String(length=32), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("text_version", sa.String(length=64), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("evidence", JSON_TYPE, nullable=False),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_consents_lead_id_leads"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_consents_session_id_sessions"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_consents_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consents_tenant_id_lead_id"), ["tenant_id", "lead_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consents_tenant_id_session_id"), ["tenant_id", "session_id"], unique=False)

    op.create_table(
        "files",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("lead_id", sa.String(length=32), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("original_name", appliance.infra.db.base.EncryptedText(), nullable=True),
        sa.Column("created_at", appliance.infra.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('attachment', 'logo', 'document')", name=op.f("ck_files_kind")),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_files_lead_id_leads"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_files_session_id_sessions"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_files_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_files_storage_key")),
    )
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_files_tenant_id_lead_id"), ["tenant_id", "lead_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_files_tenant_id_session_id"), ["tenant_id", "session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_files_tenant_id_session_id"))
        batch_op.drop_index(batch_op.f("ix_files_tenant_id_lead_id"))

    op.drop_table("files")
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consents_tenant_id_session_id"))
        batch_op.drop_index(batch_op.f("ix_consents_tenant_id_lead_id"))

    op.drop_table("consents")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointments_tenant_id_start_at"))
        batch_op.drop_index(batch_op.f("ix_appointments_tenant_id_service_blocked_start_at"))
        batch_op.drop_index(batch_op.f("ix_appointments_tenant_id_lead_id"))
        batch_op.drop_index(batch_op.f("ix_appointments_status_start_at"))

    op.drop_table("appointments")
    with op.batch_alter_table("analytics_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_analytics_events_tenant_id_session_id"))
        batch_op.drop_index(batch_op.f("ix_analytics_events_tenant_id_name_created_at"))

    op.drop_table("analytics_events")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_tenant_id_session_id_seq"))
        batch_op.drop_index(batch_op.f("ix_messages_tenant_id_created_at"))

    op.drop_table("messages")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_tenant_id_temperature_created_at"))
        batch_op.drop_index(batch_op.f("ix_leads_tenant_id_status_created_at"))
        batch_op.drop_index(batch_op.f("ix_leads_tenant_id_score"))
        batch_op.drop_index(batch_op.f("ix_leads_tenant_id_phone_hash"))
        batch_op.drop_index(batch_op.f("ix_leads_tenant_id_email_hash"))
        batch_op.drop_index(batch_op.f("ix_leads_tenant_id_created_at"))

    op.drop_table("leads")
    with op.batch_alter_table("ai_usage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_usage_tenant_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_ai_usage_created_at"))

    op.drop_table("ai_usage")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_tenant_id_status_last_activity_at"))
        batch_op.drop_index(batch_op.f("ix_sessions_tenant_id_channel_channel_user_hash"))
        batch_op.drop_index(batch_op.f("ix_sessions_expires_at"))

    op.drop_table("sessions")
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audits_tenant_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_audits_created_at"))

    op.drop_table("audits")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_user_id"))

    op.drop_table("memberships")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_expires_at"))

    op.drop_table("idempotency_keys")
    with op.batch_alter_table("flows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flows_tenant_id_state"))

    op.drop_table("flows")
    op.drop_table("configs")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_tenant_id_revoked_at"))

    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("tenants")
