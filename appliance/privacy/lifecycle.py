"""The bucket's own expiry of uploads: a lifecycle rule as a backstop for the retention task.

The daily retention task (appliance.privacy.retention) deletes each file on its store's schedule
and its row with it. On S3 the bucket is also told to expire uploaded photos and plans after the
longest time any store keeps them, so an object the task never reached (a failed run, an object
whose row was lost) still goes. Local disk has no such thing: there the task alone does it.
"""

from __future__ import annotations

from typing import Any

from appliance.configs.schemas import RetentionConfig
from appliance.conversations.attachments import STORED_KIND
from appliance.infra.runtime import Runtime
from appliance.privacy.retention import policy, tenant_batches


def setup_storage(rt: Runtime) -> dict[str, Any]:
    """Check the storage answers and, on S3, set the uploads' lifecycle rule; return what was done."""
    rt.storage.check()
    days = longest_file_days(rt)
    set_expiry = getattr(rt.storage, "set_expiry", None)
    if set_expiry is None:
        return {"storage": "local", "lifecycle": None, "days": days}
    return {"storage": "s3", "lifecycle": set_expiry(STORED_KIND, days), "days": days}


def longest_file_days(rt: Runtime) -> int:
    """Return the longest any store keeps an uploaded file (the defaults when no store says more)."""
    defaults = RetentionConfig()
    longest = max(defaults.attachments_days, defaults.lead_files_days)
    for tenant_ids in tenant_batches(rt):
        with rt.transaction() as db:
            conn = db.connection()
            for tenant_id in tenant_ids:
                rules = policy(conn, tenant_id)
                longest = max(longest, rules.attachments_days, rules.lead_files_days)
    return longest
