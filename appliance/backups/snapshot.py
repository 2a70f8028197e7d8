"""Taking a backup of the running appliance: a consistent copy of the database through SQLite's
online backup API (writers keep going), then the stored files and the keys, in one archive."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from appliance.backups.archive import FORMAT, Manifest, file_sha256, pack, staged_members
from appliance.errors import Conflict
from appliance.infra.private import make_private_folder
from appliance.infra.runtime import Runtime
from appliance.infra.settings import Settings
from appliance.infra.storage import LocalStorage
from appliance.version import __version__

APPLIANCE_ONLY = "Backups are taken by the appliance; the platform relies on PostgreSQL and Redis (docs/deploy.md)."
SUFFIX = ".tar.gz"


def appliance_only(settings: Settings) -> None:
    """Refuse (409 appliance_only) on the platform, whose data lives in PostgreSQL, Redis and S3."""
    if settings.is_platform:
        raise Conflict(APPLIANCE_ONLY, code="appliance_only")


def sqlite_path(url: str) -> Path:
    """Return the file of a sqlite:/// database URL."""
    return Path(make_url(url).database or "")


def archive_name(now: datetime) -> str:
    """Return the file name of a backup taken at ``now`` (sortable: the newest sorts last)."""
    return f"ebanista-{now.astimezone(UTC):%Y%m%d-%H%M%S}{SUFFIX}"


def create_backup(rt: Runtime, dest: Path, *, folder: bool | None = None, now: datetime | None = None) -> Path:
    """Write a backup of the appliance to ``dest`` and a ``.sha256`` file beside it; return the
    archive's path. ``dest`` is a folder (given a dated name inside) when ``folder`` is true or,
    left unsaid, when it is an existing folder."""
    appliance_only(rt.settings)
    when = now or datetime.now(UTC)
    into_folder = dest.is_dir() if folder is None else folder
    target = dest / archive_name(when) if into_folder else dest
    make_private_folder(target.parent)
    with tempfile.TemporaryDirectory(prefix="ebanista-backup-") as tmp:
        stage = Path(tmp)
        revision = _stage(rt, stage)
        manifest = Manifest(FORMAT, __version__, revision, when.isoformat(), staged_members(stage))
        pack(stage, manifest, target)
    write_checksum(target)
    return target


def _stage(rt: Runtime, stage: Path) -> str | None:
    settings = rt.settings
    # The database first: files written after it are harmless extras, never missing ones.
    _copy_database(sqlite_path(str(settings.database_url)), stage / "ebanista.db")
    revision = _revision_of(stage / "ebanista.db")
    tasks = settings.data_dir / "tasks.db"
    if tasks.exists():
        _copy_database(tasks, stage / "tasks.db")
    if isinstance(rt.storage, LocalStorage) and rt.storage.root.exists():
        shutil.copytree(rt.storage.root, stage / "files", ignore=shutil.ignore_patterns(".tmp-*"))
    keys = stage / "keys"
    keys.mkdir()
    (keys / "secret_key").write_text(settings.secret_key or "", encoding="utf-8")
    if settings.encryption_keys:
        (keys / "encryption_keys").write_text(settings.encryption_keys, encoding="utf-8")
    return revision


def _copy_database(source: Path, target: Path) -> None:
    """Copy a live SQLite database page by page; the copy is one consistent moment."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _revision_of(database: Path) -> str | None:
    # Read from the copy, not the live database: migrate.status() would wait for its writers.
    conn = sqlite3.connect(database)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # a database never migrated has no such table
        row = None
    finally:
        conn.close()
    return row[0] if row else None


def write_checksum(archive: Path) -> Path:
    """Write ``<archive>.sha256`` in the format `sha256sum -c` reads; return its path."""
    sidecar = archive.with_name(archive.name + ".sha256")
    sidecar.write_text(f"{file_sha256(archive)}  {archive.name}\n", encoding="utf-8")
    return sidecar
