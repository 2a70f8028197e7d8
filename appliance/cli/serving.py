"""Commands that run the program: serve, worker, migrate and seed-demo."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click

from appliance.cli.base import main, make_app, reports_errors
from appliance.infra.runtime import Runtime, runtime_of
from appliance.infra.settings import ConfigError
from appliance.version import __version__


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--no-worker", is_flag=True, help="Web only (platform nodes, beside `ebanista worker`).")
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Web processes on the port (platform nodes with --no-worker, Linux).",
)
@reports_errors
def serve(host: str, port: int, no_worker: bool, processes: int) -> None:
    """Serve the API, widget and panels (with the task worker and scheduler unless --no-worker)."""
    from appliance.infra.db.migrate import status, upgrade
    from appliance.server import serve as run_server
    from appliance.server import serve_processes

    app = make_app()
    rt = runtime_of(app)
    if no_worker and not rt.settings.is_platform:
        raise ConfigError("--no-worker: the appliance runs its worker in the same process; use platform mode")
    if processes > 1 and not (no_worker and sys.platform.startswith("linux")):
        raise ConfigError(
            "--processes: several web processes are for platform nodes on Linux, with --no-worker "
            "(the appliance's cache, worker and scheduler live in its one process)"
        )
    _ensure_schema(rt, status, upgrade)
    if processes == 1:
        run_server(app, host, port, with_worker=not no_worker)
        return
    rt.engine.dispose()  # each process opens its own connections; none may be shared across a fork
    serve_processes(make_app, host, port, processes)


def _ensure_schema(rt: Runtime, status: Callable[..., Any], upgrade: Callable[..., Any]) -> None:
    """Migrate the appliance's database if needed; on the platform, ask the operator to."""
    current, head = status(rt.engine)
    if current == head:
        return
    refuse_newer_schema(current, head)
    if rt.settings.is_platform:
        raise ConfigError(f"EBANISTA_DATABASE_URL: schema is at {current}, code needs {head}; run `ebanista migrate`")
    upgrade(rt.engine)  # the appliance has one process, so it can safely migrate itself
    click.echo(f"database migrated to {head} (was {current or 'empty'})", err=True)


def refuse_newer_schema(current: str | None, head: str) -> None:
    """Stop with one line when the database was written by a newer Ebanista than this one: an
    older program would misread it, and Alembic cannot migrate backwards to a revision it lacks."""
    from appliance.infra.db.migrate import newer_than_program

    if newer_than_program(current):
        raise ConfigError(
            f"EBANISTA_DATABASE_URL: the database schema ({current}) is newer than this program "
            f"(Ebanista {__version__}, schema {head}); run the newer version or restore a backup"
        )


@main.command()
@reports_errors
def worker() -> None:
    """Run the task worker and the scheduler alone (platform mode)."""
    from appliance.server import work

    work(make_app())


@main.command()
@reports_errors
def migrate() -> None:
    """Bring the database schema to the current version."""
    from appliance.infra.db.migrate import status, upgrade

    rt = runtime_of(make_app())
    before, head = status(rt.engine)
    refuse_newer_schema(before, head)
    upgrade(rt.engine)
    click.echo(f"database at {head} (was {before or 'empty'})")


@main.command("seed-demo")
@click.option("--json", "as_json", is_flag=True, help="Print the credentials as one JSON object.")
@reports_errors
def seed_demo(as_json: bool) -> None:
    """Create or refresh the demo store and print fresh credentials."""
    from appliance.infra.db.migrate import status, upgrade
    from appliance.tenants.demo import seed_demo_store

    rt = runtime_of(make_app())
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
