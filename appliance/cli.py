"""The `ebanista` command: an interface like the API, whose commands call services that own their
transaction (and the migrations, which are infrastructure)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from flask import Flask

from appliance.errors import AppError
from appliance.infra.runtime import Runtime, runtime_of
from appliance.infra.settings import ConfigError
from appliance.version import __version__

# Each command imports the app and the services it calls when it runs, which keeps `ebanista --help` fast.


def _fail(message: str, code: int) -> None:
    click.echo(f"ebanista: {message}", err=True)
    sys.exit(code)


def reports_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn configuration and domain errors into one line on stderr and an exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            _fail(str(exc), 2)
        except AppError as exc:
            problems = exc.details.get("problems") or []
            detail = "; ".join(f"{p['path']}: {p['message']}" for p in problems)
            _fail(f"{exc.message} {detail}".strip(), 1)

    return wrapper


def _app() -> Flask:
    from appliance.app import create_app

    return create_app()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ebanista")
def main() -> None:
    """Ebanista: the assistant that answers your studio's visitors, qualifies leads and books visits."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--no-worker", is_flag=True, help="Web only (platform nodes, beside `ebanista worker`).")
@reports_errors
def serve(host: str, port: int, no_worker: bool) -> None:
    """Serve the API, widget and panels (with the task worker and scheduler unless --no-worker)."""
    from appliance.infra.db.migrate import status, upgrade
    from appliance.server import serve as run_server

    app = _app()
    rt = runtime_of(app)
    if no_worker and not rt.settings.is_platform:
        raise ConfigError("--no-worker: the appliance runs its worker in the same process; use platform mode")
    _ensure_schema(rt, status, upgrade)
    run_server(app, host, port, with_worker=not no_worker)


def _ensure_schema(rt: Runtime, status: Callable[..., Any], upgrade: Callable[..., Any]) -> None:
    """Migrate the appliance's database if needed; on the platform, ask the operator to."""
    current, head = status(rt.engine)
    if current == head:
        return
    if rt.settings.is_platform:
        raise ConfigError(f"EBANISTA_DATABASE_URL: schema is at {current}, code needs {head}; run `ebanista migrate`")
    upgrade(rt.engine)  # the appliance has one process, so it can safely migrate itself
    click.echo(f"database migrated to {head} (was {current or 'empty'})", err=True)


@main.command()
@reports_errors
def worker() -> None:
    """Run the task worker and the scheduler alone (platform mode)."""
    from appliance.server import work

    work(_app())


@main.command()
@reports_errors
def migrate() -> None:
    """Bring the database schema to the current version."""
    from appliance.infra.db.migrate import status, upgrade

    rt = runtime_of(_app())
    before, head = status(rt.engine)
    upgrade(rt.engine)
    click.echo(f"database at {head} (was {before or 'empty'})")


@main.command("seed-demo")
@click.option("--json", "as_json", is_flag=True, help="Print the credentials as one JSON object.")
@reports_errors
def seed_demo(as_json: bool) -> None:
    """Create or refresh the demo store and print fresh credentials."""
    from appliance.infra.db.migrate import status, upgrade
    from appliance.tenants.demo import seed_demo_store

    rt = runtime_of(_app())
    _ensure_schema(rt, status, upgrade)
    result = seed_demo_store(rt)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    _print_demo(result)


def _print_demo(result: dict[str, Any]) -> None:
    urls = result["urls"]
    lines = [
        "",
        "  Ebanista demo store is ready.",
        "",
        f"  Talk to the bot      {urls['demo']}",
        f"  Store panel          {urls['panel']}   {result['owner_email']} / {result['owner_password']}",
        f"  Admin panel          {urls['admin']}   {result['admin_email']} / {result['admin_password']}",
        f"  API docs             {urls['docs']}",
        f"  API token (owner)    {result['api_token']}",
        f"  Widget key           {result['widget_key']}",
        "",
    ]
    click.echo("\n".join(lines))


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

    click.echo(make_api_token(runtime_of(_app()), slug, role, name=name))


@main.group()
def tenant() -> None:
    """Stores (tenants)."""


@tenant.command("create")
@click.argument("name")
@click.option("--slug", help="Address name (default: made from the name).")
@click.option("--plan", default="base", show_default=True, type=click.Choice(["base", "pro", "elite"]))
@click.option("--language", "default_language", default="es", show_default=True)
@click.option("--timezone", default="Europe/Madrid", show_default=True)
@click.option("--origin", "origins", multiple=True, help="An allowed website origin (repeatable).")
@reports_errors
def tenant_create(
    name: str, slug: str | None, plan: str, default_language: str, timezone: str, origins: tuple[str, ...]
) -> None:
    """Create a store, live at once."""
    from appliance.tenants.registry import TenantSpec, add_tenant

    spec = TenantSpec(name, slug, plan, default_language, timezone, allowed_origins=list(origins))
    created = add_tenant(runtime_of(_app()), spec)
    click.echo(json.dumps(_tenant_row(created), ensure_ascii=False))


@tenant.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@reports_errors
def tenant_list(as_json: bool) -> None:
    """List the stores."""
    from appliance.tenants.registry import all_tenants

    rows = [_tenant_row(t) for t in all_tenants(runtime_of(_app()))]
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
        _fail(f"this deletes everything of {slug!r} for good; add --yes to confirm", 1)
    rt = runtime_of(_app())
    counts = purge_tenant(rt, tenant_called(rt, slug).id)
    click.echo(json.dumps({"purged": slug, "deleted": counts}))


def _set_status(slug: str, status: str) -> None:
    from appliance.tenants.registry import change_tenant_status

    change_tenant_status(runtime_of(_app()), slug, status)
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

    counts = rotate_keys(runtime_of(_app()))
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
    stored = add_person(runtime_of(_app()), email, password, role, name=name, slug=slug)
    click.echo(json.dumps({"email": stored, "role": role, "tenant": slug, "password": password}))


@main.command()
@click.argument("text", required=False)
@click.option("--batch", "batch", type=click.File("r", encoding="utf-8"), help='A JSONL file of {"id", "text"}.')
@click.option(
    "--default-language",
    default="es",
    show_default=True,
    type=click.Choice(["es", "ca", "pt", "en"]),
    help="The store's language, used when the text cannot tell.",
)
@click.option("--country", default="ES", show_default=True, help="Country for phone numbers without a prefix.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def nlu(text: str | None, batch: Any, default_language: str, country: str, as_json: bool) -> None:
    """Show what the bot understands of a message (or of each line of --batch)."""
    from appliance.core.understanding import understand

    if (text is None) == (batch is None):
        raise click.UsageError("give either TEXT or --batch FILE")
    if batch is None:
        found = understand(text or "", default_language=default_language, default_country=country.upper())
        click.echo(json.dumps(found, ensure_ascii=False) if as_json else _nlu_table(found))
        return
    for number, line in enumerate(batch, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            found = understand(item["text"], default_language=default_language, default_country=country.upper())
        except (ValueError, KeyError, TypeError):
            _fail(f"line {number} of {batch.name} is not a JSON object with a text", 1)
        click.echo(json.dumps({"id": item.get("id"), **found}, ensure_ascii=False))


def _nlu_table(found: dict[str, Any]) -> str:
    return "\n".join(f"{key:<16} {'—' if value is None else value}" for key, value in found.items())
