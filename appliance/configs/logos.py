"""A store's logo: uploaded from the panel, stored as a file of kind "logo", served publicly.

Logos are public by nature (they appear on the store's website), so unlike visitors' photos they
are stored unencrypted and served to anyone who knows their id. Each upload gets a new id, so a
logo's address never changes content and browsers may cache it for good.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.conversations.attachments import sniff
from appliance.core.ids import new_id
from appliance.errors import BadRequest, NotFound, PayloadTooLarge, UnsupportedMediaType
from appliance.infra.audit import record
from appliance.infra.db import File, utcnow
from appliance.infra.runtime import Runtime
from appliance.infra.storage import StorageError

MAX_LOGO_BYTES = 1024 * 1024
LOGO_TYPES = ("image/png", "image/jpeg")


@dataclass(frozen=True)
class Logo:
    """A stored logo's bytes and type."""

    data: bytes
    content_type: str


def store_logo(rt: Runtime, tenant_id: str, data: bytes | None) -> str:
    """Store a PNG or JPG logo for the store and return its file id (checked by content, not by name)."""
    if not data:
        raise BadRequest("Choose an image file for the logo.", code="file_missing")
    if len(data) > MAX_LOGO_BYTES:
        raise PayloadTooLarge("A logo can be up to 1 MB.", code="file_too_large")
    content_type = sniff(data)
    if content_type not in LOGO_TYPES:
        raise UnsupportedMediaType("The logo must be a PNG or JPG image.", code="file_type_not_allowed")
    file_id = new_id("f")
    key = f"{tenant_id}/logos/{file_id}"
    rt.storage.put(key, data)
    try:
        with rt.transaction() as db:
            db.add(
                File(
                    id=file_id,
                    tenant_id=tenant_id,
                    kind="logo",
                    content_type=content_type,
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    storage_key=key,
                    created_at=utcnow(),
                )
            )
            record(db, "logo.uploaded", tenant_id=tenant_id, target_type="file", target_id=file_id)
    except BaseException:
        rt.storage.delete(key)  # nothing half-written stays behind
        raise
    return file_id


def read_logo(rt: Runtime, file_id: str) -> Logo:
    """Return a logo by its id; anything that is not a logo is not found."""
    with rt.transaction() as db:
        return load_logo(rt, db, file_id)


def load_logo(rt: Runtime, db: Session, file_id: str, tenant_id: str | None = None) -> Logo:
    """Return a logo through ``db`` (of ``tenant_id`` when given: logos are public, but a store's PDF
    shows only its own); anything that is not a logo is not found."""
    query = select(File).where(File.id == file_id, File.kind == "logo")
    if tenant_id is not None:
        query = query.where(File.tenant_id == tenant_id)
    row = db.scalar(query)
    if row is None:
        raise NotFound("There is no such logo.")
    try:
        return Logo(rt.storage.get(row.storage_key), row.content_type)
    except StorageError:
        raise NotFound("There is no such logo.") from None
