"""The files a visitor sent in the chat (photos, plans), read back for the lead page.

Stored bytes are encrypted (see appliance.conversations attachments); only a file of the lead's own
conversation in the staff member's own store is served, so a guessed file id leads nowhere."""

from __future__ import annotations

from sqlalchemy import select

from appliance.errors import NotFound
from appliance.infra.db import File
from appliance.infra.runtime import Runtime
from appliance.leads.detail import get_lead


def lead_file(rt: Runtime, tenant_id: str, lead_id: str, file_id: str) -> tuple[bytes, str]:
    """Return the decrypted bytes and content type of a file of the lead's conversation, or raise 404."""
    with rt.transaction() as db:
        lead = get_lead(db, tenant_id, lead_id)
        row = None
        if lead.session_id is not None and lead.erased_at is None:
            row = db.scalar(
                select(File).where(File.id == file_id, File.tenant_id == tenant_id, File.session_id == lead.session_id)
            )
        if row is None:
            raise NotFound("There is no such file for this lead.")
        key, content_type = row.storage_key, row.content_type
    return rt.keyring.decrypt_bytes(rt.storage.get(key)), content_type
