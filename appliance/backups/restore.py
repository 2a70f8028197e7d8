"""Restoring a backup into the appliance's data folder while the program is stopped.

It checks everything before it writes anything: the archive's own checksum file, every member
against the manifest, and that the schema is one this program knows (an older program cannot run
a newer database). An existing store is only replaced with ``force``, and then moved aside, not
deleted, so a mistaken restore can be undone by hand.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from appliance.backups.archive import ArchiveError, Manifest, file_sha256, unpack_checked
from appliance.backups.snapshot import appliance_only, sqlite_path
from appliance.infra.db.migrate import newer_than_program
from appliance.infra.private import PRIVATE_FILE, make_private_folder
from appliance.infra.settings import SECRET_KEY_FILE, Settings
from appliance.infra.storage import LocalStorage, make_storage
from appliance.version import __version__

ENCRYPTION_KEYS_FILE = "encryption_keys"


class RestoreRefused(Exception):
    """The restore would lose data or cannot work; str() is the one line to show."""


@dataclass
class Restored:
    """What a restore brought back, and what the operator still has to do."""

    manifest: Manifest
    moved_aside: Path | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Places:
    """Where this configuration keeps each part of a store."""

    database: Path
    tasks: Path
    files: Path | None
    secret_key: Path
    encryption_keys: Path

    @classmethod
    def of(cls, settings: Settings) -> Places:
        storage = make_storage(settings)
        files = storage.root if isinstance(storage, LocalStorage) else None
        data = settings.data_dir
        return cls(
            sqlite_path(str(settings.database_url)),
            data / "tasks.db",
            files,
            data / SECRET_KEY_FILE,
            data / ENCRYPTION_KEYS_FILE,
        )

    def holds_a_store(self) -> bool:
        """Tell whether a store already lives here (a database with data, or stored files)."""
        has_db = self.database.exists() and self.database.stat().st_size > 0
        has_files = self.files is not None and self.files.is_dir() and any(self.files.iterdir())
        return has_db or has_files


def restore_backup(settings: Settings, archive: Path, *, force: bool = False) -> Restored:
    """Restore ``archive`` into the configured data folder; raise ArchiveError or RestoreRefused."""
    appliance_only(settings)
    check_sidecar(archive)
    places = Places.of(settings)
    if places.holds_a_store() and not force:
        raise RestoreRefused(
            f"{settings.data_dir} already holds a store; add --force to replace it (it is moved aside)"
        )
    make_private_folder(settings.data_dir)
    with tempfile.TemporaryDirectory(dir=settings.data_dir, prefix=".restore-") as tmp:
        stage = Path(tmp)
        manifest = unpack_checked(archive, stage)
        if newer_than_program(manifest.schema_revision):
            raise RestoreRefused(
                f"the backup's schema {manifest.schema_revision} is newer than this program "
                f"(Ebanista {__version__}, backup from {manifest.app_version}); restore it with that version or newer"
            )
        restored = Restored(manifest)
        if places.holds_a_store():
            restored.moved_aside = _move_aside(places, settings.data_dir)
        _put_in_place(stage, places, restored)
    return restored


def check_sidecar(archive: Path) -> None:
    """Compare the archive with the ``.sha256`` file written beside it, when that file is there."""
    if not archive.is_file():
        raise ArchiveError(f"{archive} does not exist")
    sidecar = archive.with_name(archive.name + ".sha256")
    if sidecar.exists() and sidecar.read_text(encoding="utf-8").split()[0] != file_sha256(archive):
        raise ArchiveError(f"{archive.name} does not match {sidecar.name}: the archive is damaged")


def _move_aside(places: Places, data_dir: Path) -> Path:
    aside = data_dir / f"pre-restore-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    make_private_folder(aside)
    db = places.database
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), places.tasks, places.files):
        if path is not None and path.exists():
            shutil.move(path, aside / path.name)
    return aside


def _put_in_place(stage: Path, places: Places, restored: Restored) -> None:
    make_private_folder(places.database.parent)
    os.replace(stage / "ebanista.db", places.database)
    if (stage / "tasks.db").exists():
        os.replace(stage / "tasks.db", places.tasks)
    _restore_files(stage / "files", places.files, restored)
    _restore_key(stage / "keys" / "secret_key", places.secret_key)
    if (stage / "keys" / ENCRYPTION_KEYS_FILE).exists():
        _restore_key(stage / "keys" / ENCRYPTION_KEYS_FILE, places.encryption_keys)
        restored.notes.append(
            f"the store used EBANISTA_ENCRYPTION_KEYS: set it to the contents of {places.encryption_keys} before start"
        )
    if os.environ.get("EBANISTA_SECRET_KEY"):
        restored.notes.append("EBANISTA_SECRET_KEY is set and wins over the restored secret_key file: unset it")


def _restore_files(source: Path, target: Path | None, restored: Restored) -> None:
    if not source.exists():
        return
    if target is None:
        restored.notes.append("the backup holds files but EBANISTA_STORAGE_URL is not a local folder: not restored")
        return
    if target.exists():
        shutil.rmtree(target)
    make_private_folder(target.parent)
    shutil.move(source, target)


def _restore_key(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(source.read_text(encoding="utf-8"))
