"""The console's one way to the server: the admin HTTP API, with an api token.

Calls return plain JSON or raise ``ApiError`` with the envelope's code and message (or a network
problem said in words), so no screen ever shows a traceback. Only the standard library: the
console runs on a store's PC as well as over SSH on a platform node.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 10


class ApiError(Exception):
    """The server refused a call (its error code and message) or could not be reached."""

    def __init__(self, code: str, message: str, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.body = body

    def __str__(self) -> str:
        return f"{self.message} ({self.code})"


@dataclass(frozen=True)
class AdminClient:
    """A client of /v1 at ``base_url`` that sends ``token`` as a bearer."""

    base_url: str
    token: str

    def get(self, path: str, **query: Any) -> Any:
        """GET ``path`` (under /v1) with the query arguments that are not None."""
        args = {k: v for k, v in query.items() if v is not None}
        suffix = f"?{urllib.parse.urlencode(args)}" if args else ""
        return self._call("GET", path + suffix)

    def health(self) -> dict[str, Any]:
        """Return the public health report; with the database down the server answers 503 with it."""
        try:
            return self._call("GET", "/health")
        except ApiError as exc:
            if isinstance(exc.body, dict) and "checks" in exc.body:
                return exc.body
            raise

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """POST ``body`` as JSON to ``path``."""
        return self._call("POST", path, body)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        """PATCH ``path`` with ``body``."""
        return self._call("PATCH", path, body)

    def put(self, path: str, body: dict[str, Any]) -> Any:
        """PUT ``body`` at ``path``."""
        return self._call("PUT", path, body)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (the operator chooses the address, http or https)
            self.base_url.rstrip("/") + "/v1" + path, data=data, method=method, headers=self._headers(data)
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise _envelope_error(exc) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ApiError("unreachable", f"Cannot reach {self.base_url}: {reason}") from None

    def _headers(self, data: bytes | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        return headers | ({"Content-Type": "application/json"} if data is not None else {})


def _envelope_error(exc: urllib.error.HTTPError) -> ApiError:
    try:
        body = json.loads(exc.read() or b"{}")
        error = body.get("error") or {}
    except (ValueError, AttributeError):
        body, error = None, {}
    message = error.get("message") or f"The server answered {exc.code}."
    if exc.code == 404 and error.get("code") in (None, "not_found") and "nothing at this address" in message:
        # The admin surface is not disclosed to the wrong token: say what that means here.
        message = "This token is not a platform operator's token (or the address is wrong)."
    return ApiError(error.get("code") or f"http_{exc.code}", message, exc.code, body)
