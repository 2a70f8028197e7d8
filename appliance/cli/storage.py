"""`ebanista storage`: prepare where files are kept."""

from __future__ import annotations

import json

import click

from appliance.cli.base import main, make_app, reports_errors


@main.group()
def storage() -> None:
    """Where photos, plans and logos are kept (local disk or an S3-compatible bucket)."""


@storage.command("setup")
@reports_errors
def storage_setup() -> None:
    """Check the storage and, on S3, set the bucket's lifecycle rule that expires uploads.

    Run it once after pointing EBANISTA_STORAGE_URL at a bucket, and again after a store keeps
    its files longer than before: the rule follows the longest any store keeps them.
    """
    from appliance.infra.runtime import runtime_of
    from appliance.infra.storage import StorageError
    from appliance.privacy.lifecycle import setup_storage

    try:
        done = setup_storage(runtime_of(make_app()))
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(done, indent=2, default=str))
