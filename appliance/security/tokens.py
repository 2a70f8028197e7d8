"""Opaque api tokens: shown once, stored as a SHA-256 hash, recognisable by their prefix."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "eba_"  # noqa: S105 - a prefix, not a secret
DISPLAY_LENGTH = 10


def generate_token() -> str:
    """Return a new random api token (256 bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Return the stored form of ``token``; a high-entropy token needs no slow hash."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def display_prefix(token: str) -> str:
    """Return the start of ``token`` that lists show so people can tell tokens apart."""
    return token[:DISPLAY_LENGTH]
