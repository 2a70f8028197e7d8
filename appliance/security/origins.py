"""Allowed website origins: exact (https://www.estudi.es) or with a wildcard subdomain or port
(https://*.estudi.es, http://localhost:*)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def _parts(origin: str) -> tuple[str, str, str] | None:
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port
    except ValueError:
        if not origin.endswith(":*"):
            return None
        parts, port = urlsplit(origin[:-2].strip().lower()), "*"
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    return parts.scheme, parts.hostname, str(port or DEFAULT_PORTS[parts.scheme])


def origin_matches(origin: str, pattern: str) -> bool:
    """Tell whether a request's Origin is allowed by one pattern."""
    if origin in ("", "null"):
        return False
    seen, allowed = _parts(origin), _parts(pattern)
    if seen is None or allowed is None or seen[0] != allowed[0]:
        return False
    host_ok = seen[1] == allowed[1] or (allowed[1].startswith("*.") and seen[1].endswith(allowed[1][1:]))
    port_ok = allowed[2] == "*" or seen[2] == allowed[2]
    return host_ok and port_ok


def origin_allowed(origin: str | None, patterns: Iterable[str]) -> bool:
    """Tell whether ``origin`` matches any of ``patterns``."""
    return bool(origin) and any(origin_matches(origin, p) for p in patterns)  # type: ignore[arg-type]
