"""Where a webhook may be sent: the host's addresses are resolved and each must be public.

A store's staff choose the URL, so without this check they could make our servers call inside
our own network (SSRF): loopback, private ranges, link-local (cloud metadata at 169.254.169.254)
and every other non-global range are refused. The check runs when a webhook is created and
again before each attempt, and the request then goes to the very address that was checked, so a
name that resolves elsewhere a moment later (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from appliance.infra.settings import Settings


class AddressRefused(Exception):
    """The URL may not be called: ``code`` says why (address_not_allowed, unresolvable, invalid_url)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Target:
    """A checked destination: the URL's host and port, and the address to connect to."""

    host: str
    port: int
    address: str


def resolve(host: str, port: int) -> list[str]:
    """Return every address ``host`` resolves to (tests stand a local name table in here)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: str) -> bool:
    """Tell whether ``address`` is a global unicast address (an IPv4-mapped IPv6 one is judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def allows_private(settings: Settings) -> bool:
    """Tell whether private addresses are allowed: only an appliance that says so."""
    return settings.webhooks_allow_private and not settings.is_platform


def check_url(url: str) -> tuple[str, int]:
    """Return the host and port of an http(s) URL, or raise AddressRefused(invalid_url)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a bracketed host that is no IPv6 address, a port out of range
        raise AddressRefused("invalid_url", "is not a valid URL") from None
    if parts.scheme not in {"http", "https"} or not host or parts.username or parts.password:
        raise AddressRefused("invalid_url", "must be an http:// or https:// URL without credentials")
    return host, port


def target(url: str, allow_private: bool) -> Target:
    """Resolve the URL's host and return where to connect, or raise AddressRefused."""
    host, port = check_url(url)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        raise AddressRefused("unresolvable", "its host name does not resolve") from None
    if not addresses:
        raise AddressRefused("unresolvable", "its host name does not resolve")
    if not allow_private and not all(is_public(a) for a in addresses):
        # Every address must be public: a name with one private address among public ones could
        # be steered to it by whoever answers for that name.
        raise AddressRefused("address_not_allowed", "resolves to a private, loopback or reserved address")
    return Target(host, port, addresses[0])
