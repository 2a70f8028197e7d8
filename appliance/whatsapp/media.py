"""Photos and plans sent on WhatsApp: fetched at once (Meta's links expire in minutes), checked,
and stored like the widget's uploads (appliance.conversations.attachments).

Checked before anything is kept: the declared type and size against the widget's limits, then the
bytes against the SHA-256 Meta announced, then the content itself (a JPG, PNG or PDF by its first
bytes, by the attachments service). An expired download link is asked for again, once.
"""

from __future__ import annotations

import hashlib
from typing import Any

from appliance.conversations import attachments
from appliance.errors import AppError
from appliance.infra.runtime import Runtime
from appliance.security.visitor import VisitorClaims
from appliance.whatsapp import graph
from appliance.whatsapp.config import Credentials

ALLOWED_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})


class MediaRefused(Exception):
    """The file cannot be kept: ``reason`` is a code for the log (never its content)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def receive_media(rt: Runtime, creds: Credentials, claims: VisitorClaims, media: dict[str, Any]) -> str:
    """Download, check and store one inbound image or document; return the stored file's id."""
    declared = str(media.get("mime_type") or "").split(";")[0].strip()
    if declared not in ALLOWED_TYPES:
        raise MediaRefused("type_not_allowed")
    data = _download(rt, creds, str(media.get("id") or ""))
    expected = str(media.get("sha256") or "")
    if expected and hashlib.sha256(data).hexdigest() != expected.lower():
        raise MediaRefused("sha256_mismatch")
    try:
        stored = attachments.attach(rt, claims, data, media.get("filename"))
    except AppError as exc:
        raise MediaRefused(exc.code) from None
    return str(stored["id"])


def _download(rt: Runtime, creds: Credentials, media_id: str) -> bytes:
    if not media_id:
        raise MediaRefused("no_media_id")
    for _try in range(2):
        info = graph.media_info(rt.settings, creds, media_id)
        if int(info.get("file_size") or 0) > attachments.MAX_BYTES:
            raise MediaRefused("too_large")
        data = graph.media_bytes(creds, str(info["url"]), attachments.MAX_BYTES)
        if data is not None:
            if len(data) > attachments.MAX_BYTES:
                raise MediaRefused("too_large")
            return data
    raise MediaRefused("url_expired")
