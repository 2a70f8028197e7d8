"""The appliance's backup folder: what is on it, taking one more (audited), keeping the newest N,
and when the next nightly backup is due. The admin API and the nightly task call these."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from appliance.backups.archive import file_sha256
from appliance.backups.snapshot import SUFFIX, appliance_only, create_backup
from appliance.infra.audit import Actor, record
from appliance.infra.runtime import Runtime
from appliance.infra.settings import Settings


def backup_dir(settings: Settings) -> Path:
    """Return the folder the appliance keeps its backups in."""
    return settings.backup_dir or settings.data_dir / "backups"


def archives(settings: Settings) -> list[Path]:
    """Return the archives in the backup folder, newest first (the names sort by time)."""
    folder = backup_dir(settings)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob(f"ebanista-*{SUFFIX}") if p.is_file()), reverse=True)


def describe(archive: Path) -> dict[str, Any]:
    """Return an archive as the API shows it; the checksum comes from its .sha256 file when there is one."""
    stat = archive.stat()
    return {
        "name": archive.name,
        "size_bytes": stat.st_size,
        "created_at": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
        "sha256": _checksum(archive),
    }


def _checksum(archive: Path) -> str:
    sidecar = archive.with_name(archive.name + ".sha256")
    if sidecar.exists():
        return sidecar.read_text(encoding="utf-8").split()[0]
    return file_sha256(archive)


def list_backups(rt: Runtime, now: datetime | None = None) -> dict[str, Any]:
    """Return the backups (newest first) and the nightly schedule; 409 on the platform."""
    appliance_only(rt.settings)
    return {
        "backups": [describe(p) for p in archives(rt.settings)],
        "schedule": schedule(rt.settings, now or datetime.now(UTC)),
    }


def schedule(settings: Settings, now: datetime) -> dict[str, Any]:
    """Return whether nightly backups run, how many are kept and when the next one is due."""
    enabled = settings.backup_schedule == "on"
    return {
        "enabled": enabled,
        "keep": settings.backup_keep,
        "next_run": next_run(settings.backup_hour, now).isoformat(timespec="seconds") if enabled else None,
    }


def next_run(hour: int, now: datetime) -> datetime:
    """Return the next time it is ``hour``:00 UTC after ``now``."""
    today = now.astimezone(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return today if today > now else today + timedelta(days=1)


def take_backup(rt: Runtime, actor: Actor | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Take a backup into the backup folder, audit it, drop the oldest beyond the kept number,
    and return it as the API shows it."""
    archive = create_backup(rt, backup_dir(rt.settings), folder=True, now=now)
    found = describe(archive)
    with rt.transaction() as db:
        details = {"size_bytes": found["size_bytes"], "sha256": found["sha256"]}
        record(
            db,
            "backup.created",
            tenant_id=None,
            target_type="backup",
            target_id=archive.name,
            details=details,
            actor=actor,
        )
    prune(rt.settings)
    return found


def prune(settings: Settings) -> list[str]:
    """Delete all but the newest ``backup_keep`` archives (and their .sha256); return the names deleted."""
    dropped = archives(settings)[settings.backup_keep :]
    for archive in dropped:
        archive.with_name(archive.name + ".sha256").unlink(missing_ok=True)
        archive.unlink(missing_ok=True)
    return [p.name for p in dropped]


def newest_age(settings: Settings, now: datetime) -> timedelta | None:
    """Return how old the newest backup is, or None when there is none."""
    found = archives(settings)
    if not found:
        return None
    return now - datetime.fromtimestamp(found[0].stat().st_mtime, UTC)
