"""The `ebanista` command group and what its commands share: the app they run on and how errors end them."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from flask import Flask

from appliance.errors import AppError
from appliance.infra.settings import ConfigError
from appliance.version import __version__


def fail(message: str, code: int) -> None:
    click.echo(f"ebanista: {message}", err=True)
    sys.exit(code)


def reports_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn configuration and domain errors into one line on stderr and an exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            fail(str(exc), 2)
        except AppError as exc:
            problems = exc.details.get("problems") or []
            detail = "; ".join(f"{p['path']}: {p['message']}" for p in problems)
            fail(f"{exc.message} {detail}".strip(), 1)

    return wrapper


def make_app() -> Flask:
    from appliance.app import create_app

    return create_app()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ebanista")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Ebanista: the assistant that answers your studio's visitors, qualifies leads and books visits."""
    # The command starts with the collector off (appliance.launch); serve switches it on once warm.
    if ctx.invoked_subcommand != "serve":
        gc.enable()
