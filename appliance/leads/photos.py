"""The files a visitor sent in the chat (photos, plans), listed and read back for staff.

Stored bytes are encrypted (see appliance.conversations.attachments); only a file of the lead's own
conversations (the web one and its WhatsApp continuation) in the staff member's own store is
served, so a guessed file id leads nowhere.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.conversations.attachments import DEFAULT_NAMES, read_stored
from appliance.errors import NotFound
from appliance.infra.db import File, Lead
from appliance.infra.runtime import Runtime
from appliance.leads.detail import get_lead, lead_sessions, staff_file


def lead_files(rt: Runtime, tenant_id: str, lead_id: str) -> list[dict[str, Any]]:
    """Return the lead's files, oldest first, each with its name and download links."""
    with rt.transaction() as db:
        lead = get_lead(db, tenant_id, lead_id)
        return [staff_file(f, lead_id) for f in _files(db, tenant_id, lead)]


def lead_file(
    rt: Runtime, tenant_id: str, lead_id: str, file_id: str, thumbnail: bool = False
) -> tuple[bytes, str, str]:
    """Return the decrypted bytes, content type and name of a lead's file (or its thumbnail), or raise 404."""
    with rt.transaction() as db:
        lead = get_lead(db, tenant_id, lead_id)
        row = next((f for f in _files(db, tenant_id, lead) if f.id == file_id), None)
        if row is None or (thumbnail and not row.content_type.startswith("image/")):
            raise NotFound("There is no such file for this lead.")
        key, content_type = row.storage_key, row.content_type
        name = row.original_name or DEFAULT_NAMES.get(content_type, "file")
    return read_stored(rt, key, thumbnail), ("image/jpeg" if thumbnail else content_type), name


def lead_thumbnails(rt: Runtime, db: Session, tenant_id: str, lead_id: str, limit: int = 12) -> list[tuple[str, bytes]]:
    """Return the names and thumbnails of the lead's first photos (for the PDF summary).

    A photo whose object is gone (retention got there first) is left out rather than failing the PDF.
    """
    lead = get_lead(db, tenant_id, lead_id)
    shown = []
    for row in [f for f in _files(db, tenant_id, lead) if f.content_type.startswith("image/")][:limit]:
        try:
            data = read_stored(rt, row.storage_key, thumbnail=True)
        except NotFound:
            continue
        shown.append((row.original_name or DEFAULT_NAMES.get(row.content_type, "file"), data))
    return shown


def _files(db: Session, tenant_id: str, lead: Lead) -> list[File]:
    if lead.erased_at is not None:
        return []
    sessions = list(lead_sessions(db, tenant_id, lead))
    mine = File.lead_id == lead.id
    if sessions:
        mine = mine | File.session_id.in_(sessions)
    query = select(File).where(File.tenant_id == tenant_id, File.kind == "attachment", mine)
    return list(db.scalars(query.order_by(File.created_at, File.id)))
