"""Reading and saving a store's configuration: every save is a new version. The functions that take
the runtime open and commit their own transaction, for the API and the panel's settings pages."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from appliance.analytics.usage import plan_ai_cap
from appliance.configs.newest import newest_config, newest_first
from appliance.configs.schemas import MODELS, defaults_of
from appliance.core.scoring import parse_scoring
from appliance.errors import Invalid, NotFound
from appliance.infra.audit import record
from appliance.infra.db import Config, Tenant, utcnow
from appliance.infra.runtime import Runtime
from appliance.tenants import defaults
from appliance.tenants.directory import forget, forget_config, tenant_info

_SUBPATH = re.compile(r"^([A-Za-z_][\w.\[\]]*): (.+)$")


def check_kind(kind: str) -> str:
    """Return ``kind`` if it is a configuration kind, else raise NotFound."""
    if kind not in MODELS:
        raise NotFound(f"There is no configuration called {kind!r}. Kinds: {', '.join(MODELS)}.")
    return kind


def parse_config(kind: str, payload: Any) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """Return the normalised payload, or None and every problem with its path."""
    if kind == "scoring":
        config, problems = parse_scoring(payload)
        return (config.model_dump(mode="json") if config else None), problems
    try:
        model = MODELS[kind].model_validate(payload)
    except ValidationError as exc:
        return None, [problem for error in exc.errors() for problem in _problems(error)]
    return model.model_dump(mode="json"), []


def _problems(error: dict[str, Any]) -> list[dict[str, str]]:
    # Validators that check several things at once join them as "path: message; path: message".
    # pydantic marks a bad dict key with a literal "[key]" part, which is not part of the path.
    parts = [p for p in error["loc"] if p != "[key]"]
    base = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
    found = []
    for part in error["msg"].removeprefix("Value error, ").split("; "):
        match = _SUBPATH.match(part)
        if match and match.group(1).split(".")[0].split("[")[0] not in {"must", "give", "end", "the"}:
            sub = match.group(1)
            path = sub if not base or sub.startswith(base) else f"{base}.{sub}"
            found.append({"path": path, "message": match.group(2)})
        else:
            found.append({"path": base or "payload", "message": part})
    return found


def current(db: Session, tenant_id: str, kind: str) -> dict[str, Any]:
    """Return the newest version of a config, or its defaults as version 0."""
    row = newest_config(db, tenant_id, kind)
    if row is not None:
        return config_json(row)
    default = defaults_of(kind)
    if default is None:
        raise NotFound(f"This store has no {kind} configuration yet.")
    return {"kind": kind, "version": 0, "payload": default, "created_at": None, "created_by": None}


def save(
    db: Session, tenant_id: str, kind: str, payload: Any, user_id: str | None = None, *, skip_unchanged: bool = False
) -> dict[str, Any]:
    """Validate and store ``payload`` as the next version; raise Invalid with every problem.

    Every save through the API is a new version; seeding passes ``skip_unchanged`` so running it
    again adds no version when nothing changed.
    """
    normalised, problems = parse_config(kind, payload)
    if normalised is not None and kind == "ai":
        problems = _cap_problems(db, tenant_id, normalised)
        normalised = None if problems else normalised
    if normalised is None:
        raise Invalid(problems, f"The {kind} configuration has problems; nothing was saved.")
    if skip_unchanged:
        newest_row = newest_config(db, tenant_id, kind)
        if newest_row is not None and parse_config(kind, newest_row.payload)[0] == normalised:
            return config_json(newest_row)
    newest = db.scalar(select(func.max(Config.version)).where(Config.tenant_id == tenant_id, Config.kind == kind))
    row = Config(
        tenant_id=tenant_id,
        kind=kind,
        version=(newest or 0) + 1,
        payload=normalised,
        created_by=user_id,
        created_at=utcnow(),
    )
    db.add(row)
    if kind == "branding":
        # The widget reads the tenant's copy; both change in this one transaction.
        tenant = db.get(Tenant, tenant_id)
        if tenant is not None:
            tenant.branding = normalised
    db.flush()
    record(
        db, "config.saved", tenant_id=tenant_id, target_type="config", target_id=kind, details={"version": row.version}
    )
    return config_json(row)


def _cap_problems(db: Session, tenant_id: str, payload: dict[str, Any]) -> list[dict[str, str]]:
    """Refuse a store cap above the plan's: a store may spend less on AI than it pays for, never more."""
    tenant = db.get(Tenant, tenant_id)
    plan_cap = plan_ai_cap(db, tenant) if tenant is not None else None
    own = payload.get("monthly_cap_eur") or 0
    if plan_cap is not None and own > plan_cap:
        return [{"path": "monthly_cap_eur", "message": f"can only lower the plan's cap of {plan_cap:g} €"}]
    return []


def versions(db: Session, tenant_id: str, kind: str) -> list[dict[str, Any]]:
    """Return every saved version of a config, newest first, without their payloads."""
    rows = db.scalars(newest_first(tenant_id, kind))
    return [{k: v for k, v in config_json(r).items() if k != "payload"} for r in rows]


def config_json(row: Config) -> dict[str, Any]:
    """Return a config version as the API shows it."""
    return {
        "kind": row.kind,
        "version": row.version,
        "payload": row.payload,
        "created_at": row.created_at.isoformat(),
        "created_by": row.created_by,
    }


def put(rt: Runtime, tenant_id: str, kind: str, payload: Any, user_id: str | None) -> dict[str, Any]:
    """Save a new version and make it apply to the next request (cached copies are dropped)."""
    with rt.transaction() as db:
        saved = save(db, tenant_id, kind, payload, user_id)
    forget_config(rt, tenant_id, kind)
    if kind == "branding" and (info := tenant_info(rt, tenant_id)) is not None:
        forget(rt, info)  # branding lives on the tenant too
    return saved


def current_config(rt: Runtime, tenant_id: str, kind: str) -> dict[str, Any]:
    """Return the store's ``kind`` config in force (version 0: the defaults, never saved)."""
    with rt.transaction() as db:
        return current(db, tenant_id, kind)


def config_in_force(rt: Runtime, tenant_id: str, kind: str, timezone: str) -> dict[str, Any]:
    """Return the configuration in force, or for a store without an agenda the default one in ``timezone``."""
    with rt.transaction() as db:
        try:
            return current(db, tenant_id, kind)
        except NotFound:
            # Only the agenda has no defaults; every store gets one when created, so this is a fallback.
            return {"kind": kind, "version": 0, "payload": defaults.agenda(timezone), "created_at": None}


def widget_settings(rt: Runtime, tenant_id: str) -> dict[str, Any]:
    """Return the widget's saved look (``branding``), words (``texts``), ``opening``, allowed ``origins``,
    key and languages."""
    with rt.transaction() as db:
        tenant = db.get(Tenant, tenant_id)
        if tenant is None:
            raise NotFound("This store does not exist.")
        return {
            "branding": current(db, tenant.id, "branding")["payload"],
            "texts": current(db, tenant.id, "texts")["payload"],
            "opening": current(db, tenant.id, "widget")["payload"],
            "origins": list(tenant.allowed_origins),
            "widget_key": tenant.widget_key,
            "languages": list(tenant.languages),
            "default_language": tenant.default_language,
        }


def config_versions(rt: Runtime, tenant_id: str, kind: str) -> list[dict[str, Any]]:
    """Return every saved version of the store's ``kind`` config, newest first, without payloads."""
    with rt.transaction() as db:
        return versions(db, tenant_id, kind)
