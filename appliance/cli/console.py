"""`ebanista console`: the operator's terminal console, a client of the admin API (tui/)."""

from __future__ import annotations

import click

from appliance.cli.base import fail, main, make_app, reports_errors
from appliance.infra.runtime import runtime_of


@main.command()
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="The server's address.")
@click.option(
    "--token",
    envvar="EBANISTA_CONSOLE_TOKEN",
    help="A platform api token (SUPER_ADMIN, or INTERNAL to only read); also EBANISTA_CONSOLE_TOKEN.",
)
@click.option("--light", is_flag=True, help="Light colours instead of dark.")
@reports_errors
def console(url: str, token: str | None, light: bool) -> None:
    """Open the operator's terminal console on the server at --url."""
    notice = ""
    if not token:
        token = _local_token()
        notice = "No token given: using a console token made here, valid for one hour (audited)."
    from tui.app import run_console

    run_console(url, token, notice, light)


def _local_token() -> str:
    # Only the appliance's own machine can mint one: it holds the database. On the platform the
    # operator brings a token (`ebanista token create --role SUPER_ADMIN` where the database is).
    from appliance.operator.console_tokens import mint_console_token

    rt = runtime_of(make_app())
    if rt.settings.mode != "appliance":
        fail("give --token or EBANISTA_CONSOLE_TOKEN (a platform api token) on the platform", 2)
    return mint_console_token(rt)
