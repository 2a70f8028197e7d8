"""Tenants (stores), the people who work for them, and api tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from appliance.core.kinds import PLANS, PLATFORM_ROLES, TENANT_ROLES, TENANT_STATUSES
from appliance.core.plans import BILLING_STATES
from appliance.infra.db.base import ID_LENGTH, Base, EncryptedText, IdMixin, TenantScoped, Timestamps


class Tenant(IdMixin, Timestamps, Base):
    """A store: its identity, plan, branding and how visitors reach it."""

    __tablename__ = "tenants"
    id_prefix = "t"

    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    plan: Mapped[str] = mapped_column(String(16), default="base")
    status: Mapped[str] = mapped_column(String(16), default="active")
    branding: Mapped[dict[str, Any]] = mapped_column(default=dict)
    default_language: Mapped[str] = mapped_column(String(8), default="es")
    languages: Mapped[list[Any]] = mapped_column(default=lambda: ["es", "ca", "pt", "en"])
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Madrid")
    country: Mapped[str] = mapped_column(String(2), default="ES")
    allowed_origins: Mapped[list[Any]] = mapped_column(default=list)
    widget_key: Mapped[str] = mapped_column(String(64), unique=True)
    maintenance: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ai_monthly_cap_eur: Mapped[int | None] = mapped_column(Integer)
    # Per-tenant overrides of the plan's rate limits, e.g. {"tenant_per_minute": 240}.
    limits: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Billing (appliance.billing): the Stripe state on the platform; the appliance stays "active".
    billing_status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(255))
    past_due_since: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint(f"plan IN {PLANS}", name="plan"),
        CheckConstraint(f"billing_status IN {BILLING_STATES}", name="billing_status"),
        CheckConstraint(f"status IN {TENANT_STATUSES}", name="status"),
    )


class User(IdMixin, Timestamps, Base):
    """A person who signs in: store staff (through memberships) or platform staff (platform_role)."""

    __tablename__ = "users"
    id_prefix = "u"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    platform_role: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="es")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    # Two-factor is on only once the user proved the secret with a first code.
    totp_confirmed_at: Mapped[datetime | None]
    recovery_codes: Mapped[list[Any]] = mapped_column(default=list)
    last_login_at: Mapped[datetime | None]
    # Every panel session carries the generation it was signed in at; raising it (sign-out, a new
    # password) ends every session of the person at once, even a copy of the cookie.
    session_generation: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint(f"platform_role IS NULL OR platform_role IN {PLATFORM_ROLES}", name="role"),)


class LoginThrottle(IdMixin, Base):
    """Failed sign-ins of one e-mail from one client address, and the lock they earned.

    Kept per e-mail *and* address, so a stranger who fails from one address never locks the person
    out from another; kept for unknown e-mails too, so a lock tells nobody whether an account exists.
    The e-mail is stored only as a hash (``email_key``): strangers' typing is not kept in clear."""

    __tablename__ = "login_throttles"
    id_prefix = "lt"

    email_key: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # How many times this pair was locked: each lock lasts longer than the one before.
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("email_key", "address"),)


class Membership(IdMixin, TenantScoped, Timestamps, Base):
    """A user's role in one tenant."""

    __tablename__ = "memberships"
    id_prefix = "mb"

    user_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        Index(None, "user_id"),
        CheckConstraint(f"role IN {TENANT_ROLES}", name="role"),
    )


class ApiToken(IdMixin, Base):
    """An opaque bearer token, stored only as a hash; tenant tokens carry a tenant role,
    platform tokens (tenant_id NULL) a platform role."""

    __tablename__ = "api_tokens"
    id_prefix = "tk"

    tenant_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("tenants.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    display_prefix: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    __table_args__ = (
        Index(None, "tenant_id", "revoked_at"),
        CheckConstraint(
            f"(tenant_id IS NULL AND role IN {PLATFORM_ROLES}) OR (tenant_id IS NOT NULL AND role IN {TENANT_ROLES})",
            name="scope",
        ),
    )
