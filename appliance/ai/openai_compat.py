"""An OpenAI-compatible server (OpenAI, vLLM, llama.cpp, Ollama...) over plain HTTP, through the one
outbound gateway (appliance.infra.http): a 3-second timeout on every call, and the only retry is here.

A request that surely never arrived (refused connection) is sent once more, since it cost nothing;
a request that timed out or broke may have been answered and billed, so it is never sent again —
the rules answer instead. A 429 or a 5xx is not retried either: the visitor is waiting, and the
rules are already there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from appliance.ai.provider import ProviderError
from appliance.infra import http

TIMEOUT_SECONDS = 3.0
MODERATION_MODEL = "omni-moderation-latest"


class CallFailed(ProviderError):
    """A call got no usable answer; ``billed`` when it may still have been charged (it timed out)."""

    def __init__(self, message: str, *, permanent: bool = False, billed: bool = False) -> None:
        super().__init__(message, permanent=permanent)
        self.billed = billed


@dataclass(frozen=True)
class Endpoint:
    """Where the server is and the key it takes (from EBANISTA_AI_BASE_URL and EBANISTA_AI_API_KEY)."""

    base_url: str
    api_key: str | None = None
    timeout: float = TIMEOUT_SECONDS


@dataclass(frozen=True)
class Completion:
    """A model's answer: its text (unchecked) and the tokens it cost."""

    text: str
    tokens_in: int
    tokens_out: int


def post(endpoint: Endpoint, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to ``{base}{path}`` and return the JSON object answered; raise CallFailed."""
    headers = {"Authorization": f"Bearer {endpoint.api_key}"} if endpoint.api_key else {}
    url = endpoint.base_url + path
    for attempt in (1, 2):
        try:
            answer = http.request("POST", url, timeout=endpoint.timeout, headers=headers, json_body=body)
            break
        except http.TimedOut:
            raise CallFailed("the AI server did not answer in time", billed=True) from None
        except http.Unreached:
            if attempt == 2:
                raise CallFailed("the AI server cannot be reached") from None
    if answer.status != 200:
        # 429 (rate limit or quota) and 5xx may pass; other 4xx (bad key, bad model) will not.
        permanent = 400 <= answer.status < 500 and answer.status != 429
        raise CallFailed(f"the AI server answered {answer.status}", permanent=permanent)
    found = answer.json()
    if not isinstance(found, dict):
        raise CallFailed("the AI server answered something that is not a JSON object")
    return found


def moderate(endpoint: Endpoint, text: str) -> bool:
    """Tell whether the moderation endpoint flags ``text``; raise CallFailed when it cannot tell."""
    found = post(endpoint, "/moderations", {"model": MODERATION_MODEL, "input": text})
    results = found.get("results")
    if not isinstance(results, list) or not results or not isinstance(results[0], dict):
        raise CallFailed("the moderation answer has no results")
    flagged = results[0].get("flagged")
    if not isinstance(flagged, bool):
        raise CallFailed("the moderation answer does not say whether the text is flagged")
    return flagged


def complete(endpoint: Endpoint, body: dict[str, Any]) -> Completion:
    """Ask ``/chat/completions`` and return the first choice's text with its tokens; raise CallFailed."""
    found = post(endpoint, "/chat/completions", body)
    usage = found.get("usage") if isinstance(found.get("usage"), dict) else {}
    tokens_in, tokens_out = _whole(usage.get("prompt_tokens")), _whole(usage.get("completion_tokens"))
    try:
        text = found["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise CallFailed("the completion has no message") from None
    if not isinstance(text, str):
        raise CallFailed("the completion's message is not text")
    return Completion(text, tokens_in, tokens_out)


def _whole(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
