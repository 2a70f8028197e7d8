"""Creating and changing tenants, users, memberships and api tokens.

The functions that take the runtime open and commit their own transaction: they are what the
``ebanista`` command calls.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.accounts import throttle
from appliance.accounts.people import next_session_generation
from appliance.core.flows.presets import preset
from appliance.core.kinds import PLANS, PLATFORM_ROLES, TENANT_ROLES, TENANT_STATUSES
from appliance.errors import Conflict, Invalid, NotFound
from appliance.flows.versions import create_draft, publish, published_flow
from appliance.infra.db import ApiToken, Config, Membership, Tenant, User, utcnow
from appliance.infra.runtime import Runtime
from appliance.security.passwords import MIN_PASSWORD_LENGTH, hash_password
from appliance.security.tokens import display_prefix, generate_token, hash_token
from appliance.tenants import defaults
from appliance.tenants.directory import TenantInfo
from appliance.tenants.validation import (
    country_problem,
    email_problem,
    language_problem,
    origin_problem,
    slug_problem,
    slugify,
    timezone_problem,
)


@dataclass
class TenantSpec:
    """What a new tenant is created with; ``owner_email`` gets an invitation to the panel when the
    operator creates the store (appliance.operator.tenants.create_store)."""

    name: str
    slug: str | None = None
    plan: str = "base"
    default_language: str = "es"
    timezone: str = "Europe/Madrid"
    country: str = "ES"
    allowed_origins: list[str] = field(default_factory=list)
    owner_email: str | None = None

    def problems(self) -> list[dict[str, str]]:
        """Return every problem of this spec, each with the field it concerns."""
        checks = {
            "name": None if self.name.strip() else "must not be empty",
            "slug": slug_problem(self.slug or slugify(self.name)),
            "plan": None if self.plan in PLANS else f"must be one of {', '.join(PLANS)}",
            "default_language": language_problem(self.default_language),
            "timezone": timezone_problem(self.timezone),
            "country": country_problem(self.country),
        }
        found = [{"path": path, "message": msg} for path, msg in checks.items() if msg]
        for i, origin in enumerate(self.allowed_origins):
            if problem := origin_problem(origin):
                found.append({"path": f"allowed_origins[{i}]", "message": problem})
        if self.owner_email is not None and (problem := email_problem(self.owner_email.strip())):
            found.append({"path": "owner_email", "message": problem})
        return found


def create_tenant(db: Session, spec: TenantSpec) -> Tenant:
    """Create a live tenant with its default configuration; raise Invalid or Conflict."""
    problems = spec.problems()
    if problems:
        raise Invalid(problems)
    slug = spec.slug or slugify(spec.name)
    if db.scalar(select(Tenant.id).where(Tenant.slug == slug)):
        raise Conflict(f"A store with the address name {slug!r} already exists.", code="slug_taken")
    tenant = Tenant(
        name=spec.name.strip(),
        slug=slug,
        plan=spec.plan,
        default_language=spec.default_language,
        timezone=spec.timezone,
        country=spec.country,
        allowed_origins=list(spec.allowed_origins),
        widget_key=new_widget_key(),
        branding=defaults.branding(spec.name.strip()),
    )
    db.add(tenant)
    db.flush()
    for kind, payload in defaults.configs(tenant).items():
        db.add(Config(tenant_id=tenant.id, kind=kind, version=1, payload=payload))
    ensure_published_flow(db, tenant)
    return tenant


def ensure_published_flow(db: Session, tenant: Tenant) -> None:
    """Publish the base flow for a tenant that has no published flow, so its chat works at once."""
    if published_flow(db, tenant.id) is None:
        publish(db, tenant.id, create_draft(db, tenant.id, preset("base")).version)


def new_widget_key() -> str:
    """Return a new public widget key (routing only; it proves nothing)."""
    return "wk_" + secrets.token_urlsafe(18)


def get_tenant_by_slug(db: Session, slug: str) -> Tenant:
    """Return the tenant called ``slug`` or raise NotFound."""
    tenant = db.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise NotFound(f"There is no store called {slug!r}.")
    return tenant


def list_tenants(db: Session) -> list[Tenant]:
    """Return every tenant, oldest first."""
    return list(db.scalars(select(Tenant).order_by(Tenant.created_at, Tenant.id)))


def set_tenant_status(tenant: Tenant, status: str) -> Tenant:
    """Pause or resume a tenant."""
    if status not in TENANT_STATUSES:
        raise Invalid([{"path": "status", "message": f"must be one of {', '.join(TENANT_STATUSES)}"}])
    tenant.status = status
    return tenant


def upsert_user(db: Session, email: str, password: str, *, name: str = "", platform_role: str | None = None) -> User:
    """Create the user with ``email`` or update its password, name and platform role."""
    problems = []
    if problem := email_problem(email):
        problems.append({"path": "email", "message": problem})
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append({"path": "password", "message": f"must have at least {MIN_PASSWORD_LENGTH} characters"})
    if platform_role is not None and platform_role not in PLATFORM_ROLES:
        problems.append({"path": "role", "message": f"must be one of {', '.join(PLATFORM_ROLES)}"})
    if problems:
        raise Invalid(problems)
    email = email.strip().lower()
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email)
        db.add(user)
    else:
        next_session_generation(user)  # a password set anew ends the sessions signed in before
    user.password_hash = hash_password(password)
    user.name = name or user.name
    if platform_role is not None:
        user.platform_role = platform_role
    # A new password starts afresh from every address.
    throttle.forget(db, email)
    db.flush()
    return user


def add_membership(db: Session, tenant: Tenant, user: User, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``tenant`` (replacing any role it had there)."""
    role = role.upper()
    if role not in TENANT_ROLES:
        raise Invalid([{"path": "role", "message": f"must be one of {', '.join(TENANT_ROLES)}"}])
    membership = db.scalar(select(Membership).where(Membership.tenant_id == tenant.id, Membership.user_id == user.id))
    if membership is None:
        membership = Membership(tenant_id=tenant.id, user_id=user.id, role=role)
        db.add(membership)
    membership.role = role
    db.flush()
    return membership


def create_api_token(
    db: Session, tenant: Tenant | None, role: str, *, name: str = "api", user: User | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``tenant`` (or the platform when None); return it and its only plaintext copy."""
    role = role.upper()
    allowed = TENANT_ROLES if tenant is not None else PLATFORM_ROLES
    if role not in allowed:
        raise Invalid([{"path": "role", "message": f"must be one of {', '.join(allowed)}"}])
    plaintext = generate_token()
    token = ApiToken(
        tenant_id=tenant.id if tenant else None,
        user_id=user.id if user else None,
        name=name,
        role=role,
        token_hash=hash_token(plaintext),
        display_prefix=display_prefix(plaintext),
        created_at=utcnow(),
    )
    db.add(token)
    db.flush()
    return token, plaintext


def find_api_token(db: Session, plaintext: str) -> ApiToken | None:
    """Return the live (not revoked, not expired) token matching ``plaintext``."""
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plaintext)))
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= utcnow():
        return None
    return token


def revoke_tokens_named(db: Session, tenant: Tenant | None, name: str) -> int:
    """Revoke every live token called ``name`` of ``tenant`` (or of the platform); return how many."""
    scope = ApiToken.tenant_id == tenant.id if tenant else ApiToken.tenant_id.is_(None)
    tokens = db.scalars(select(ApiToken).where(scope, ApiToken.name == name, ApiToken.revoked_at.is_(None)))
    count = 0
    for token in tokens:
        token.revoked_at = utcnow()
        count += 1
    return count


# --- each in its own transaction, for the command line ---------------------------------------------------------


def add_tenant(rt: Runtime, spec: TenantSpec) -> TenantInfo:
    """Create a live tenant (see create_tenant) and return it; raise Invalid or Conflict."""
    with rt.transaction() as db:
        return TenantInfo.of(create_tenant(db, spec))


def all_tenants(rt: Runtime) -> list[TenantInfo]:
    """Return every tenant, oldest first."""
    with rt.transaction() as db:
        return [TenantInfo.of(tenant) for tenant in list_tenants(db)]


def tenant_called(rt: Runtime, slug: str) -> TenantInfo:
    """Return the tenant called ``slug`` or raise NotFound."""
    with rt.transaction() as db:
        return TenantInfo.of(get_tenant_by_slug(db, slug))


def change_tenant_status(rt: Runtime, slug: str, status: str) -> None:
    """Pause or resume the tenant called ``slug``; raise NotFound or Invalid."""
    with rt.transaction() as db:
        set_tenant_status(get_tenant_by_slug(db, slug), status)


def add_person(rt: Runtime, email: str, password: str, role: str, *, name: str = "", slug: str | None = None) -> str:
    """Create (or update) the user with ``email`` and return their address as stored: staff with
    ``role`` in the tenant called ``slug``, or platform staff with the platform ``role`` without one."""
    with rt.transaction() as db:
        if slug:
            user = upsert_user(db, email, password, name=name)
            add_membership(db, get_tenant_by_slug(db, slug), user, role)
        else:
            user = upsert_user(db, email, password, name=name, platform_role=role)
        return user.email


def make_api_token(rt: Runtime, slug: str | None, role: str, *, name: str) -> str:
    """Create a token for the tenant called ``slug`` (for the platform without one) and return its
    only plaintext copy."""
    with rt.transaction() as db:
        tenant = get_tenant_by_slug(db, slug) if slug else None
        _token, plaintext = create_api_token(db, tenant, role, name=name)
        return plaintext
