"""The store a request was attributed to, read once by the rate-limit hook and reused by its handler."""

from __future__ import annotations

from flask import g

from appliance.tenants.directory import TenantInfo


def remember_store(tenant: TenantInfo | None) -> None:
    """Keep the store the rate limits counted this request against, for the handler."""
    g.request_tenant = tenant


def store_read() -> TenantInfo | None:
    """Return the store this request's rate limits were counted against, if the hook read one."""
    return g.get("request_tenant")
