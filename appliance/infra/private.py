"""Folders and files that only the program's own user may read: the data folder, the databases, the secret key."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def make_private_folder(path: Path) -> None:
    """Create ``path`` and any missing parents readable by their owner alone; leave existing ones as they are."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    # Path.mkdir(parents=True) would give the parents it creates the umask's mode, not ours.
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and readable by its owner alone, unless it already exists.

    SQLite opens an empty file as a new database and gives its -wal and -shm files the database
    file's mode, so creating the file first keeps all three private whatever the umask.
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
