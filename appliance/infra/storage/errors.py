"""What every storage backend raises."""

from __future__ import annotations


class StorageError(Exception):
    """A stored object is missing or the backend failed."""
