"""Photos and plans a visitor attaches in the chat: checked by their content, made safe, stored encrypted.

Images are re-encoded (no EXIF, no GPS) and get a thumbnail stored as its own object; PDFs are
checked by structure (appliance.conversations.media). The visitor sees their files through signed
links (appliance.security.file_links), so an <img> in the widget shows them without a token.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from appliance.conversations.media import UnsafeFile, clean
from appliance.conversations.persistence import Conversation, lock_conversation, save_conversation
from appliance.core.ids import new_id
from appliance.errors import BadRequest, Conflict, NotFound, PayloadTooLarge, UnsupportedMediaType
from appliance.events.record import LEAD_PHOTOS, emit, lead_brief
from appliance.infra.db import File, utcnow
from appliance.infra.runtime import Runtime
from appliance.infra.storage import StorageError, thumbnail_key
from appliance.security.file_links import FileClaims, read_file_link, sign_file_link
from appliance.security.visitor import VisitorClaims

MAX_BYTES = 5 * 1024 * 1024
# Enough for five photos for each of a few media questions and some retries; a script that
# uploads without end fills no bucket.
MAX_PER_CONVERSATION = 30
# What the first bytes of a file say it is; the name and the declared type are not trusted.
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))
DEFAULT_NAMES = {"image/jpeg": "photo.jpg", "image/png": "photo.png", "application/pdf": "plan.pdf"}
# Tag of the stored objects, for the bucket's lifecycle rule (appliance.infra.storage.s3).
STORED_KIND = "attachment"


def sniff(data: bytes) -> str | None:
    """Return the content type of a JPG, PNG or PDF by its content, else None."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def attach(rt: Runtime, claims: VisitorClaims, data: bytes | None, name: str | None) -> dict[str, Any]:
    """Store an attachment of the visitor's conversation and return it as the visitor sees it.

    The answer has the file's id (to send as the media question's value), type, size, name, and
    signed links to the file and to its thumbnail (None for a PDF).
    """
    content_type, cleaned = _checked(data)
    file_id = new_id("f")
    key = f"{claims.tenant_id}/attachments/{file_id}"
    # The bytes are encrypted before they reach the disk or the bucket: photos of homes are personal.
    rt.storage.put(key, rt.keyring.encrypt_bytes(cleaned.data), kind=STORED_KIND)
    try:
        if cleaned.thumbnail is not None:
            rt.storage.put(thumbnail_key(key), rt.keyring.encrypt_bytes(cleaned.thumbnail), kind=STORED_KIND)
        row = _record(rt, claims, file_id, key, cleaned.data, content_type, name)
    except BaseException:
        for stored in (key, thumbnail_key(key)):
            rt.storage.delete(stored)  # nothing half-written stays behind
        raise
    return shown_file(rt.settings.secret_key or "", row, cleaned.thumbnail is not None)


def _checked(data: bytes | None) -> tuple[str, Any]:
    if not data:
        raise BadRequest("Send the file in the multipart field 'file'.", code="file_missing")
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge("Files can be up to 5 MB.", code="file_too_large")
    content_type = sniff(data)
    if content_type is None:
        raise UnsupportedMediaType("Only JPG, PNG and PDF files can be attached.", code="file_type_not_allowed")
    try:
        return content_type, clean(data, content_type)
    except UnsafeFile:
        raise UnsupportedMediaType(
            "That file could not be read as a safe JPG, PNG or PDF.", code="file_unreadable"
        ) from None


def _record(
    rt: Runtime, claims: VisitorClaims, file_id: str, key: str, data: bytes, content_type: str, name: str | None
) -> dict[str, Any]:
    row = {
        "id": file_id,
        "tenant_id": claims.tenant_id,
        "kind": "attachment",
        "session_id": claims.session_id,
        "lead_id": None,
        "content_type": content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "storage_key": key,
        "original_name": (name or "")[:200] or None,
        "created_at": utcnow(),
    }
    with rt.transaction() as db:
        conn = db.connection()
        chat = lock_conversation(conn, claims.tenant_id, claims.session_id)
        known = list(chat.state.get("attachments", []))
        if len(known) >= MAX_PER_CONVERSATION:
            raise Conflict(f"A conversation can hold up to {MAX_PER_CONVERSATION} files.", code="too_many_files")
        conn.execute(insert(File).values(**row))
        chat.state = {**chat.state, "attachments": [*known, file_id]}
        _announce_photos(conn, chat, content_type)
        save_conversation(conn, chat, utcnow())
    return row


def _announce_photos(conn: Connection, chat: Conversation, content_type: str) -> None:
    """Record once per conversation that its lead sent photos (staff are told; see appliance.events)."""
    lead = chat.state.get("lead")
    if not lead or not content_type.startswith("image/") or chat.state.get("photos_announced"):
        return
    chat.state = {**chat.state, "photos_announced": True}
    data = {"lead": lead_brief(lead | {"channel": chat.channel}), "session_id": chat.id}
    emit(conn, chat.tenant_id, LEAD_PHOTOS, lead["id"], data)


def shown_file(secret: str, row: dict[str, Any], has_thumbnail: bool) -> dict[str, Any]:
    """Return a stored file as a visitor (or a page of theirs) shows it: a name and links, never only an id."""
    link = f"/v1/chat/{quote(row['session_id'])}/files/{quote(row['id'])}?sig="
    sig = sign_file_link(secret, FileClaims(row["tenant_id"], row["session_id"], row["id"]))
    return {
        "id": row["id"],
        "name": row["original_name"] or DEFAULT_NAMES.get(row["content_type"], "file"),
        "content_type": row["content_type"],
        "size": row["size"],
        "url": link + sig,
        "thumbnail_url": f"{link}{sig}&size=thumb" if has_thumbnail else None,
    }


def file_ids(value: Any) -> list[str]:
    """Return the file ids a media answer holds (one id, or a list of them)."""
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str) and v.startswith("f_")]


def with_attachments(
    db: Session | Connection, secret: str, tenant_id: str, messages: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return the messages each with the files it answered with (``attachments``), for the visitor.

    A message's text that is only a file id (stored so by older versions) is dropped: the files
    are shown by name and thumbnail instead.
    """
    messages = list(messages)
    wanted = {i for m in messages for i in file_ids((m.get("data") or {}).get("value"))}
    rows = {}
    if wanted:
        query = select(File).where(File.tenant_id == tenant_id, File.id.in_(wanted), File.kind == "attachment")
        rows = {f.id: f for f in _scalars(db, query)}
    out = []
    for m in messages:
        ids = [i for i in file_ids((m.get("data") or {}).get("value")) if i in rows]
        shown = [shown_file(secret, _as_row(rows[i]), rows[i].content_type.startswith("image/")) for i in ids]
        text = None if m.get("text") in ids else m.get("text")
        out.append(m | {"text": text, "attachments": shown})
    return out


def _scalars(db: Session | Connection, query: Any) -> list[File]:
    if isinstance(db, Session):
        return list(db.scalars(query))
    # A Core connection returns rows, not File objects: read them through a session on it.
    return list(Session(bind=db).scalars(query))


def _as_row(file: File) -> dict[str, Any]:
    return {
        "id": file.id,
        "tenant_id": file.tenant_id,
        "session_id": file.session_id or "",
        "original_name": file.original_name,
        "content_type": file.content_type,
        "size": file.size,
    }


def visitor_file(rt: Runtime, session_id: str, file_id: str, sig: str, thumbnail: bool) -> tuple[bytes, str, str]:
    """Return the bytes, type and name of a file (or its thumbnail) a signed link opens; else 404."""
    claims = read_file_link(rt.settings.secret_key or "", sig, session_id, file_id)
    with rt.transaction() as db:
        row = db.scalar(
            select(File).where(
                File.tenant_id == claims.tenant_id,
                File.session_id == session_id,
                File.id == file_id,
                File.kind == "attachment",
            )
        )
        if row is None or (thumbnail and not row.content_type.startswith("image/")):
            raise NotFound("There is no such file, or its link has expired.")
        key, content_type = row.storage_key, row.content_type
        name = row.original_name or DEFAULT_NAMES.get(row.content_type, "file")
    return read_stored(rt, key, thumbnail), ("image/jpeg" if thumbnail else content_type), name


def read_stored(rt: Runtime, key: str, thumbnail: bool = False) -> bytes:
    """Return the decrypted bytes of a stored file or its thumbnail; a missing object is a 404.

    A photo stored before thumbnails were made has none: the photo itself stands in for it.
    """
    keys = [thumbnail_key(key), key] if thumbnail else [key]
    for each in keys:
        try:
            return rt.keyring.decrypt_bytes(rt.storage.get(each))
        except StorageError:
            continue
    raise NotFound("That file is no longer stored.")
