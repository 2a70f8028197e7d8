"""The backup archive: a gzipped tar whose first member, manifest.json, lists every other member
with its SHA-256, so a restore can prove nothing is missing, added or damaged before it writes.

This module knows nothing of the program: it packs a staged folder and checks and unpacks one.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
# What reading a damaged or truncated gzipped tar raises, depending on where the damage is.
UNREADABLE = (OSError, tarfile.TarError, EOFError, zlib.error)
FORMAT = 1
CHUNK = 1 << 20


class ArchiveError(Exception):
    """The archive is not a backup this program can trust; str() says why, in one line."""


@dataclass(frozen=True)
class Manifest:
    """What an archive says about itself."""

    format: int
    app_version: str
    schema_revision: str | None
    created_at: str
    members: dict[str, str]

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of the file at ``path``, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def staged_members(stage: Path) -> dict[str, str]:
    """Return every file under ``stage`` by its relative POSIX path, with its SHA-256."""
    files = sorted(p for p in stage.rglob("*") if p.is_file())
    return {p.relative_to(stage).as_posix(): file_sha256(p) for p in files}


def pack(stage: Path, manifest: Manifest, dest: Path) -> None:
    """Write ``stage`` and its manifest to ``dest`` atomically (a temporary file renamed at the end)."""
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".backup-", suffix=".tmp")
    os.close(fd)
    try:
        with tarfile.open(tmp, "w:gz") as tar:
            body = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(Path(tmp).stat().st_mtime)
            tar.addfile(info, io.BytesIO(body))
            for name in manifest.members:
                tar.add(stage / name, arcname=name, recursive=False)
        os.chmod(tmp, 0o600)  # it holds the keys: the owner alone may read it
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_manifest(path: Path) -> Manifest:
    """Return the manifest of the archive at ``path`` (without checking the members)."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            return _manifest_of(tar)
    except UNREADABLE as exc:
        raise ArchiveError(f"{path} is not a readable backup archive ({exc})") from None


def _manifest_of(tar: tarfile.TarFile) -> Manifest:
    member = tar.next()
    if member is None or member.name != MANIFEST:
        raise ArchiveError("the archive has no manifest.json first: not an Ebanista backup")
    handle = tar.extractfile(member)
    try:
        data: dict[str, Any] = json.loads(handle.read() if handle else b"")
        manifest = Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise ArchiveError(f"the manifest is damaged ({exc})") from None
    if manifest.format != FORMAT:
        raise ArchiveError(f"backup format {manifest.format} is not known to this program (it reads {FORMAT})")
    return manifest


def unpack_checked(path: Path, into: Path) -> Manifest:
    """Unpack the archive at ``path`` into the empty folder ``into`` and prove every member against
    the manifest: none missing, none extra, none changed. Raise ArchiveError otherwise."""
    try:
        _read_through(path)
        with tarfile.open(path, "r:gz") as tar:
            manifest = _manifest_of(tar)
            # The "data" filter refuses absolute paths, "..", links out of the folder and devices.
            tar.extractall(into, filter="data")
    except UNREADABLE as exc:
        raise ArchiveError(f"{path} is damaged or truncated ({exc})") from None
    (into / MANIFEST).unlink()
    found = staged_members(into)
    if found != manifest.members:
        raise ArchiveError(_difference(manifest.members, found))
    return manifest


def _read_through(path: Path) -> None:
    # tarfile stops at the end-of-archive marker; reading the gzip stream to its end also checks
    # its CRC, so damage anywhere in the file is caught, not only inside a member.
    with gzip.open(path, "rb") as stream:
        while stream.read(CHUNK):
            pass


def _difference(expected: dict[str, str], found: dict[str, str]) -> str:
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    changed = sorted(k for k in set(expected) & set(found) if expected[k] != found[k])
    if missing:
        return f"the archive is incomplete: {len(missing)} files missing, e.g. {missing[0]}"
    if extra:
        return f"the archive holds {len(extra)} files its manifest does not list, e.g. {extra[0]}"
    return f"checksum mismatch in {len(changed)} files, e.g. {changed[0]}: the archive is damaged"
