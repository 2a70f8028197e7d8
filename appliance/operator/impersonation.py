"""The trail an operator leaves while acting as a store, through the API or the panel: each request,
and the end.

The start is audited by ``appliance.operator.controls.start_impersonation``; together the three
entries show what an operator saw and did inside a store, reads included."""

from __future__ import annotations

from appliance.infra.audit import record, record_impersonated_request
from appliance.infra.runtime import Runtime


def note_impersonated_request(rt: Runtime, tenant_id: str, token_id: str, method: str, path: str) -> None:
    """Record one request made while impersonating ``tenant_id``, reads included (the actor is the request's)."""
    with rt.transaction() as db:
        record_impersonated_request(db, tenant_id, token_id, method, path)


def note_impersonation_ended(rt: Runtime, tenant_id: str, token_id: str) -> None:
    """Record that the operator stopped acting as the store."""
    with rt.transaction() as db:
        record(db, "impersonation.ended", tenant_id=tenant_id, target_type="impersonation", target_id=token_id)
