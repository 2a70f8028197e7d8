"""Photos and plans a visitor attaches in the chat: checked by their content, stored encrypted."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import insert

from appliance.conversations.persistence import lock_conversation, save_conversation
from appliance.core.ids import new_id
from appliance.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from appliance.infra.db import File, utcnow
from appliance.infra.runtime import Runtime
from appliance.security.visitor import VisitorClaims

MAX_BYTES = 5 * 1024 * 1024
# What the first bytes of a file say it is; the name and the declared type are not trusted.
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))


def sniff(data: bytes) -> str | None:
    """Return the content type of a JPG, PNG or PDF by its content, else None."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def attach(rt: Runtime, claims: VisitorClaims, data: bytes | None, name: str | None) -> dict[str, Any]:
    """Store an attachment of the visitor's conversation and return its id, type and size."""
    if not data:
        raise BadRequest("Send the file in the multipart field 'file'.", code="file_missing")
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge("Files can be up to 5 MB.", code="file_too_large")
    content_type = sniff(data)
    if content_type is None:
        raise UnsupportedMediaType("Only JPG, PNG and PDF files can be attached.", code="file_type_not_allowed")
    file_id = new_id("f")
    key = f"{claims.tenant_id}/attachments/{file_id}"
    # The bytes are encrypted before they reach the disk or the bucket: photos of homes are personal.
    rt.storage.put(key, rt.keyring.encrypt_bytes(data))
    try:
        _record(rt, claims, file_id, key, data, content_type, name)
    except BaseException:
        rt.storage.delete(key)  # nothing half-written stays behind
        raise
    return {"id": file_id, "content_type": content_type, "size": len(data)}


def _record(
    rt: Runtime, claims: VisitorClaims, file_id: str, key: str, data: bytes, content_type: str, name: str | None
) -> None:
    with rt.transaction() as db:
        conn = db.connection()
        chat = lock_conversation(conn, claims.tenant_id, claims.session_id)
        conn.execute(
            insert(File).values(
                id=file_id,
                tenant_id=claims.tenant_id,
                kind="attachment",
                session_id=chat.id,
                lead_id=None,
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                storage_key=key,
                original_name=(name or "")[:200] or None,
                created_at=utcnow(),
            )
        )
        chat.state = {**chat.state, "attachments": [*chat.state.get("attachments", []), file_id]}
        save_conversation(conn, chat, utcnow())
