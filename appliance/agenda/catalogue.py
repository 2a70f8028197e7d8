"""The kinds of visit a store offers (a showroom visit, measuring at home…), named in a language."""

from __future__ import annotations

from sqlalchemy.orm import Session

from appliance.infra.runtime import Runtime
from appliance.tenants.directory import tenant_config


def service_names(rt: Runtime, tenant_id: str, lang: str) -> dict[str, str]:
    """Return the store's agenda services by id, named in ``lang`` (the id when a name is missing)."""
    with rt.transaction() as db:
        return service_names_with(rt, db, tenant_id, lang)


def service_names_with(rt: Runtime, db: Session, tenant_id: str, lang: str) -> dict[str, str]:
    """Do what ``service_names`` does inside the caller's transaction ``db``."""
    services = tenant_config(rt, db, tenant_id, "agenda").get("services", [])
    return {s["id"]: (s.get("name") or {}).get(lang) or s["id"] for s in services if isinstance(s, dict) and "id" in s}
