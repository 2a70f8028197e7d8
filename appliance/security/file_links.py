"""Links to a visitor's own files that an <img> tag can load: signed, short-lived, one file each.

An image in the widget cannot send the visitor's bearer token, so the link itself carries a
signature: the tenant, the conversation and the file it opens, and when it stops working. A link
copied elsewhere opens that one file for a day and nothing else.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from appliance.errors import NotFound

AUDIENCE = "ebanista:file"
LIFETIME_SECONDS = 24 * 3600


@dataclass(frozen=True)
class FileClaims:
    """What a file link opens."""

    tenant_id: str
    session_id: str
    file_id: str


def sign_file_link(secret: str, claims: FileClaims, now: float | None = None) -> str:
    """Return the signature part of a link to one file (valid a day)."""
    issued = int(now or time.time())
    payload = {
        "aud": AUDIENCE,
        "tid": claims.tenant_id,
        "sid": claims.session_id,
        "fid": claims.file_id,
        "exp": issued + LIFETIME_SECONDS,
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def read_file_link(secret: str, token: str, session_id: str, file_id: str) -> FileClaims:
    """Return what a valid link for ``file_id`` of ``session_id`` opens; else raise 404.

    A bad or expired link is a 404 like a missing file: it says nothing about what exists.
    """
    try:
        payload = jwt.decode(token, secret, algorithms=["HS256"], audience=AUDIENCE, options={"require": ["exp"]})
    except jwt.InvalidTokenError:
        raise NotFound("There is no such file, or its link has expired.") from None
    if payload.get("sid") != session_id or payload.get("fid") != file_id or not isinstance(payload.get("tid"), str):
        raise NotFound("There is no such file, or its link has expired.")
    return FileClaims(payload["tid"], session_id, file_id)
