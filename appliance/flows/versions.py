"""A store's flow versions as staff handle them: the list with who made and published each, a version's
document to edit, saving a draft, publishing, taking offline and rolling back. Each call opens and
commits its own transaction; ``appliance.flows.service`` decides and audits every change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.flows import service
from appliance.infra.db import Flow, User

if TYPE_CHECKING:
    from appliance.infra.runtime import Runtime


@dataclass(frozen=True)
class FlowSource:
    """A version's document to start editing from, and the version as the list shows it."""

    document: Any
    row: dict[str, Any]


def version_rows(rt: Runtime, tenant_id: str) -> list[dict[str, Any]]:
    """Return every version of the store's flow, newest first, naming who created and published it."""
    with rt.transaction() as db:
        versions = service.list_flows(db, tenant_id)
        people = _people(db, versions)
        return [_row(f, people) for f in versions]


def version_source(rt: Runtime, tenant_id: str, wanted: int | None) -> FlowSource | None:
    """Return version ``wanted`` to edit (the newest when there is no such version); None without versions."""
    with rt.transaction() as db:
        versions = service.list_flows(db, tenant_id)
        source = next((f for f in versions if f.version == wanted), versions[0] if versions else None)
        return FlowSource(source.document, _row(source, {})) if source is not None else None


def save_draft(rt: Runtime, tenant_id: str, document: Any, user_id: str | None) -> int:
    """Store ``document`` as a new draft and return its version; raise Invalid listing every problem."""
    with rt.transaction() as db:
        return service.create_draft(db, tenant_id, document, user_id).version


def publish_version(rt: Runtime, tenant_id: str, version: int, user_id: str | None) -> None:
    """Make ``version`` the one new conversations use."""
    with rt.transaction() as db:
        service.publish(db, tenant_id, version, user_id)


def unpublish_version(rt: Runtime, tenant_id: str, version: int) -> None:
    """Take the live ``version`` offline; raise Conflict (``not_published``) when it is not live."""
    with rt.transaction() as db:
        service.unpublish(db, tenant_id, version)


def roll_back(rt: Runtime, tenant_id: str, version: int, user_id: str | None) -> None:
    """Bring back a version that was live before; raise Conflict (``never_published``) for one that never was."""
    with rt.transaction() as db:
        service.rollback(db, tenant_id, version, user_id)


def block_questions(db: Session, tenant_id: str, lang: str) -> dict[str, str]:
    """Return the published flow's blocks by id, each as its question in ``lang`` (for the drop-off table)."""
    flow = service.published_flow(db, tenant_id)
    blocks = (flow.document or {}).get("blocks", []) if flow is not None else []
    found = {}
    for block in blocks:
        text = block.get("text") if isinstance(block, dict) else None
        if isinstance(text, dict):
            question = text.get(lang) or text.get("es") or next(iter(text.values()), "")
            found[block["id"]] = str(question).replace("{name}", "").strip(" ,.")
    return found


def _people(db: Session, versions: list[Flow]) -> dict[str, str]:
    """Return the names (or e-mails) of the people who created or published ``versions``."""
    ids = {i for f in versions for i in (f.created_by, f.published_by) if i}
    if not ids:
        return {}
    return {u.id: u.name or u.email for u in db.scalars(select(User).where(User.id.in_(ids)))}


def _row(version: Flow, people: dict[str, str]) -> dict[str, Any]:
    return {
        "version": version.version,
        "name": version.name,
        "state": version.state,
        "created_at": version.created_at,
        "created_by": people.get(version.created_by or ""),
        "published_at": version.published_at,
        "published_by": people.get(version.published_by or ""),
        "was_published": version.published_at is not None,
    }
