"""Files: local disk in the appliance; S3-compatible storage on the platform. One interface."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from appliance.infra.private import make_private_folder
from appliance.infra.settings import ConfigError, Settings
from appliance.infra.storage.errors import StorageError

__all__ = ["LocalStorage", "Storage", "StorageError", "make_storage", "object_keys", "thumbnail_key"]


class Storage(Protocol):
    """Bytes by key."""

    def put(self, key: str, data: bytes, *, kind: str | None = None) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def delete_prefix(self, prefix: str) -> int: ...
    def check(self) -> None: ...


def thumbnail_key(key: str) -> str:
    """Return where the thumbnail of the object under ``key`` is kept (if it has one)."""
    return f"{key}.thumb"


def object_keys(key: str) -> list[str]:
    """Return every object stored for one file: its bytes and its thumbnail (if any)."""
    return [key, thumbnail_key(key)]


class LocalStorage:
    """Files under one folder; writes go through a temporary file so no half-written file stays."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise StorageError("storage keys may not leave the storage folder")
        return path

    def put(self, key: str, data: bytes, *, kind: str | None = None) -> None:
        """Write ``data`` under ``key`` atomically (``kind`` matters only to a bucket's lifecycle rule)."""
        path = self._path(key)
        make_private_folder(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """Return the bytes under ``key``."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise StorageError(f"no stored object {key!r}") from None

    def delete(self, key: str) -> None:
        """Remove ``key`` if it exists."""
        self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        """Remove every file under the folder ``prefix`` names; return how many there were."""
        folder = self._path(prefix.rstrip("/"))
        if not folder.is_dir():
            return 0
        count = sum(1 for p in folder.rglob("*") if p.is_file())
        shutil.rmtree(folder)
        return count

    def check(self) -> None:
        """Raise unless the folder exists and is writable."""
        make_private_folder(self.root)
        if not os.access(self.root, os.W_OK):
            raise StorageError(f"{self.root} is not writable")


def make_storage(settings: Settings) -> Storage:
    """Return the storage named by EBANISTA_STORAGE_URL (default: files in the data folder)."""
    url = settings.storage_url or (settings.data_dir / "files").resolve().as_uri()
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalStorage(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        # Imported here: boto3 takes a while to load, and the appliance never needs it.
        from appliance.infra.storage.s3 import S3Storage

        return S3Storage(url)
    raise ConfigError(f"EBANISTA_STORAGE_URL: {parts.scheme}:// storage is not supported by this version")
