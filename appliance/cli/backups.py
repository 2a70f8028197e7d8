"""Commands that back up and restore the appliance: `ebanista backup PATH`, `ebanista restore PATH`."""

from __future__ import annotations

from pathlib import Path

import click

from appliance.cli.base import fail, main, make_app, reports_errors


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@reports_errors
def backup(path: Path) -> None:
    """Write a backup (database, files, keys; checksummed) to PATH, a file or a folder (dated name inside)."""
    from appliance.backups.snapshot import create_backup
    from appliance.infra.runtime import runtime_of

    folder = path.is_dir() or str(path).endswith("/")
    archive = create_backup(runtime_of(make_app()), path, folder=folder)
    click.echo(f"backup written to {archive} (checksum in {archive.name}.sha256)")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace the store in the data folder (it is moved aside, not deleted).")
@reports_errors
def restore(path: Path, force: bool) -> None:
    """Restore the backup at PATH into the data folder; stop `ebanista serve` first."""
    from appliance.backups.archive import ArchiveError
    from appliance.backups.restore import RestoreRefused, restore_backup
    from appliance.infra.settings import load_settings

    try:
        restored = restore_backup(load_settings(), path, force=force)
    except (ArchiveError, RestoreRefused) as exc:
        fail(f"restore: {exc}", 1)
        return
    manifest = restored.manifest
    click.echo(f"restored the backup of {manifest.created_at} (Ebanista {manifest.app_version})")
    if restored.moved_aside:
        click.echo(f"the store that was there is in {restored.moved_aside}")
    for note in restored.notes:
        click.echo(f"note: {note}", err=True)
    click.echo("start `ebanista serve`: it brings the schema up to date")
