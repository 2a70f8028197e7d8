"""An HTTP POST to a URL's host at one address checked beforehand (outbound webhooks).

Like appliance.infra.http it has a mandatory timeout, follows no redirect and tells failures
apart (Unreached, TimedOut); unlike it, the connection goes to the given address instead of
resolving the host name again, while the Host header and TLS (SNI and certificate check) keep the
name. That is what makes an address check stick (see appliance.events.addresses).
"""

from __future__ import annotations

import http.client
import socket
import ssl
from urllib.parse import urlsplit

from appliance.infra.http import HttpAnswer, TimedOut, Unreached

MAX_ANSWER_BYTES = 64 * 1024


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, address: str, body: bytes, headers: dict[str, str], *, timeout: float) -> HttpAnswer:
    """POST ``body`` to ``url`` through ``address``; return the answer or raise Unreached/TimedOut."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    conn = kind(host, port, address, timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent_headers = {"User-Agent": "ebanista", "Content-Type": "application/json", **headers}
    try:
        try:
            conn.connect()
        except (TimeoutError, OSError) as exc:
            raise Unreached(type(exc).__name__) from None
        try:
            conn.request("POST", path, body=body, headers=sent_headers)
            answer = conn.getresponse()
            return HttpAnswer(answer.status, answer.read(MAX_ANSWER_BYTES), answer.getheader("Content-Type", ""))
        except TimeoutError:
            raise TimedOut("no answer in time") from None
        except (OSError, http.client.HTTPException) as exc:
            # The request may have gone out: the receiver may have acted on it.
            raise TimedOut(type(exc).__name__) from None
    finally:
        conn.close()
