"""Meta's Graph API, the few calls the channel makes: send a message, find and fetch a media file.

Every call goes through the one HTTP chokepoint (appliance.infra.http) with a timeout. A refusal
is a GraphError that says, by Meta's error code (never its wording), whether trying again may help.
"""

from __future__ import annotations

from typing import Any

from appliance.errors import ExternalError
from appliance.infra.http import HttpAnswer, HttpFailure, request
from appliance.infra.settings import Settings
from appliance.whatsapp.config import Credentials

SEND_TIMEOUT = 10.0
MEDIA_TIMEOUT = 20.0
THROUGHPUT = 130429
WINDOW_CLOSED = 131047
# Codes that are worth another try after a pause (protocols.md §1.7); every other code is final.
RETRYABLE = frozenset({1, 2, 4, 80007, THROUGHPUT, 131000, 131016, 131056, 131057})


class GraphError(ExternalError):
    """Meta refused or did not answer: ``code`` is Meta's (or None), ``ambiguous`` when a message
    may have gone out all the same (a timeout), so it must not be sent again."""

    def __init__(self, message: str, *, code: int | None, permanent: bool, ambiguous: bool = False) -> None:
        super().__init__(message, permanent=permanent)
        self.code = code
        self.ambiguous = ambiguous


def send_message(settings: Settings, creds: Credentials, payload: dict[str, Any]) -> str:
    """Send one message and return its WhatsApp message id (wamid)."""
    url = f"{settings.whatsapp_graph_url}/{creds.phone_number_id}/messages"
    answer = _call("POST", url, creds, SEND_TIMEOUT, {"messaging_product": "whatsapp", **payload})
    try:
        return str(answer.json()["messages"][0]["id"])
    except (TypeError, KeyError, IndexError):
        raise GraphError("no message id in Meta's answer", code=None, permanent=False, ambiguous=True) from None


def media_info(settings: Settings, creds: Credentials, media_id: str) -> dict[str, Any]:
    """Return a media file's short-lived URL, type, size and sha256."""
    url = f"{settings.whatsapp_graph_url}/{media_id}?phone_number_id={creds.phone_number_id}"
    found = _call("GET", url, creds, MEDIA_TIMEOUT).json()
    if not isinstance(found, dict) or "url" not in found:
        raise GraphError("no URL in Meta's media answer", code=None, permanent=True)
    return found


def media_bytes(creds: Credentials, url: str, max_bytes: int) -> bytes | None:
    """Return a media file's bytes, or None when its URL has expired (401/404: ask for a new one)."""
    try:
        answer = request("GET", url, timeout=MEDIA_TIMEOUT, headers=_auth(creds), max_bytes=max_bytes)
    except HttpFailure as exc:
        raise GraphError(f"media download failed: {type(exc).__name__}", code=None, permanent=False) from None
    if answer.status in {401, 403, 404}:
        return None
    if answer.status != 200:
        raise GraphError(f"media download answered {answer.status}", code=None, permanent=answer.status < 500)
    return answer.body


def _call(method: str, url: str, creds: Credentials, timeout: float, body: Any = None) -> HttpAnswer:
    try:
        answer = request(method, url, timeout=timeout, headers=_auth(creds), json_body=body)
    except HttpFailure as exc:
        raise GraphError(
            f"Graph API {type(exc).__name__}", code=None, permanent=False, ambiguous=exc.ambiguous
        ) from None
    if 200 <= answer.status < 300:
        return answer
    raise refusal(answer)


def refusal(answer: HttpAnswer) -> GraphError:
    """Return the error of a refused call, classified by Meta's code (or by the status without one)."""
    error = (answer.json() or {}).get("error") if isinstance(answer.json(), dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    if isinstance(code, int):
        return GraphError(f"Graph API error {code}", code=code, permanent=code not in RETRYABLE)
    return GraphError(f"Graph API answered {answer.status}", code=None, permanent=answer.status < 500)


def _auth(creds: Credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {creds.access_token}"}
