"""The one way out to other servers over HTTP: a mandatory timeout, and failures told apart.

Callers decide about retries, so this module says exactly what happened: an answer (any status,
with its body), ``Unreached`` when the request surely never arrived (refused connection, unknown
host: safe to send again), or ``TimedOut`` when it may have arrived and been acted on (ambiguous:
a message may have gone out, so it must never be sent again blindly).
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Redirects are not followed: an API that redirects is misconfigured, and a redirect would carry
# the bearer token to another host.


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class HttpFailure(Exception):
    """No answer came back; ``ambiguous`` when the request may still have been acted on."""

    ambiguous = False


class Unreached(HttpFailure):
    """The request never reached the server (refused, unknown host, TLS failure before sending)."""


class TimedOut(HttpFailure):
    """The server did not answer in time: the request may or may not have been acted on."""

    ambiguous = True


@dataclass(frozen=True)
class HttpAnswer:
    """What the server answered."""

    status: int
    body: bytes
    content_type: str

    def json(self) -> Any:
        """Return the body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


def request(
    method: str,
    url: str,
    *,
    timeout: float,
    headers: dict[str, str] | None = None,
    json_body: Any = None,
    max_bytes: int = 20 * 1024 * 1024,
) -> HttpAnswer:
    """Send one request and return the answer; raise Unreached or TimedOut when there is none."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise Unreached(f"not an http(s) URL: {urlsplit(url).scheme}")
    data = None if json_body is None else json.dumps(json_body, ensure_ascii=False).encode("utf-8")
    sent_headers = {"User-Agent": "ebanista", **(headers or {})}
    if data is not None:
        sent_headers["Content-Type"] = "application/json"
    prepared = urllib.request.Request(url, data=data, headers=sent_headers, method=method)  # noqa: S310 - scheme checked
    try:
        with _OPENER.open(prepared, timeout=timeout) as answer:
            return HttpAnswer(answer.status, answer.read(max_bytes + 1), answer.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as exc:
        return HttpAnswer(exc.code, exc.read(max_bytes + 1), exc.headers.get("Content-Type", "") if exc.headers else "")
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise TimedOut("no answer in time") from None
        raise Unreached(type(exc.reason).__name__) from None
    except TimeoutError:
        raise TimedOut("no answer in time") from None
    except (ConnectionResetError, http.client.HTTPException) as exc:
        # The connection broke after the request went out: the server may have acted on it.
        raise TimedOut(type(exc).__name__) from None
