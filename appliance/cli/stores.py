"""Commands for stores, people, api tokens and keys; each calls a service that owns its transaction."""

from __future__ import annotations

import json
from typing import Any

import click

from appliance.cli.base import fail, main, make_app, reports_errors
from appliance.infra.runtime import runtime_of


@main.group()
def token() -> None:
    """Api tokens."""


@token.command("create")
@click.option("--tenant", "slug", help="The store's slug (omit with --role SUPER_ADMIN or INTERNAL).")
@click.option("--role", required=True, help="OWNER, ADMIN or AGENT; SUPER_ADMIN or INTERNAL without --tenant.")
@click.option("--name", default="cli", show_default=True, help="A label to recognise the token by.")
@reports_errors
def token_create(slug: str | None, role: str, name: str) -> None:
    """Create an api token and print it, alone, on standard output."""
    from appliance.tenants.registry import make_api_token

    click.echo(make_api_token(runtime_of(make_app()), slug, role, name=name))


@main.group()
def tenant() -> None:
    """Stores (tenants)."""


@tenant.command("create")
@click.argument("name")
@click.option("--slug", help="Address name (default: made from the name).")
@click.option("--plan", default="base", show_default=True, type=click.Choice(["base", "pro", "elite"]))
@click.option("--language", "default_language", default="es", show_default=True)
@click.option("--timezone", default="Europe/Madrid", show_default=True)
@click.option("--country", default="ES", show_default=True, help="Country of phone numbers written without a prefix.")
@click.option("--origin", "origins", multiple=True, help="An allowed website origin (repeatable).")
@reports_errors
def tenant_create(
    name: str,
    slug: str | None,
    plan: str,
    default_language: str,
    timezone: str,
    country: str,
    origins: tuple[str, ...],
) -> None:
    """Create a store, live at once."""
    from appliance.tenants.registry import TenantSpec, add_tenant

    spec = TenantSpec(
        name, slug, plan, default_language, timezone, country=country.upper(), allowed_origins=list(origins)
    )
    created = add_tenant(runtime_of(make_app()), spec)
    click.echo(json.dumps(_tenant_row(created), ensure_ascii=False))


@tenant.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@reports_errors
def tenant_list(as_json: bool) -> None:
    """List the stores."""
    from appliance.tenants.registry import all_tenants

    rows = [_tenant_row(t) for t in all_tenants(runtime_of(make_app()))]
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{row['slug']:<24} {row['status']:<8} {row['plan']:<6} {row['name']}")


@tenant.command("pause")
@click.argument("slug")
@reports_errors
def tenant_pause(slug: str) -> None:
    """Pause a store: its visitors are told it is unavailable."""
    _set_status(slug, "paused")


@tenant.command("resume")
@click.argument("slug")
@reports_errors
def tenant_resume(slug: str) -> None:
    """Resume a paused store."""
    _set_status(slug, "active")


@tenant.command("purge")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Confirm: everything of this store is deleted for good.")
@reports_errors
def tenant_purge(slug: str, yes: bool) -> None:
    """Delete a store for good: every row, every file, staff who work nowhere else (the audit trail stays)."""
    from appliance.privacy.purge import purge_tenant
    from appliance.tenants.registry import tenant_called

    if not yes:
        fail(f"this deletes everything of {slug!r} for good; add --yes to confirm", 1)
    rt = runtime_of(make_app())
    counts = purge_tenant(rt, tenant_called(rt, slug).id)
    click.echo(json.dumps({"purged": slug, "deleted": counts}))


def _set_status(slug: str, status: str) -> None:
    from appliance.tenants.registry import change_tenant_status

    change_tenant_status(runtime_of(make_app()), slug, status)
    click.echo(f"{slug} {status}")


def _tenant_row(t: Any) -> dict[str, Any]:
    return {
        "id": t.id,
        "slug": t.slug,
        "name": t.name,
        "status": t.status,
        "plan": t.plan,
        "widget_key": t.widget_key,
    }


@main.group()
def keys() -> None:
    """Encryption keys (EBANISTA_ENCRYPTION_KEYS: the first encrypts, all decrypt)."""


@keys.command("new")
def keys_new() -> None:
    """Print a new encryption key, to put first in EBANISTA_ENCRYPTION_KEYS."""
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode("ascii"))


@keys.command("rotate")
@reports_errors
def keys_rotate() -> None:
    """Re-encrypt everything stored (database values and files) under the first key; then old keys can go."""
    from appliance.privacy.keys import rotate_keys

    counts = rotate_keys(runtime_of(make_app()))
    for name, count in counts.items():
        click.echo(f"{name:<32} {count}")


@main.group()
def user() -> None:
    """People who sign in to the panels."""


@user.command("create")
@click.argument("email")
@click.option("--tenant", "slug", help="The store this person works for.")
@click.option("--role", required=True, help="OWNER, ADMIN or AGENT with --tenant; SUPER_ADMIN or INTERNAL without.")
@click.option("--name", default="", help="Full name.")
@click.option("--password", help="Default: a random one, printed once.")
@reports_errors
def user_create(email: str, slug: str | None, role: str, name: str, password: str | None) -> None:
    """Create (or update) a user and print the password."""
    from appliance.security.passwords import generate_password
    from appliance.tenants.registry import add_person

    password = password or generate_password()
    role = role.upper()
    stored = add_person(runtime_of(make_app()), email, password, role, name=name, slug=slug)
    click.echo(json.dumps({"email": stored, "role": role, "tenant": slug, "password": password}))
