"""Flow versions of a tenant: drafts, publishing, unpublishing and rollback, and the published
flow's questions.

Versions are immutable once written, so a session pinned to a version never changes under a
visitor's feet, and parsed documents can be cached by id forever. The functions that take the
runtime open and commit their own transaction, for the API and the panel alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from appliance.accounts.people import names_of
from appliance.core.flows.diff import FlowDiff, diff_flows
from appliance.core.flows.schema import FlowDocument
from appliance.core.flows.validation import validate_flow
from appliance.core.lru import LRU
from appliance.errors import Conflict, Invalid, NotFound
from appliance.infra.audit import record
from appliance.infra.db import Flow, utcnow
from appliance.infra.runtime import Runtime


def create_draft(db: Session, tenant_id: str, document: Any, user_id: str | None = None) -> Flow:
    """Store a new draft version, or raise Invalid listing every problem of the document."""
    flow, problems = validate_flow(document)
    if flow is None:
        raise Invalid(problems, "The flow has problems; nothing was saved.")
    newest = db.scalar(select(func.max(Flow.version)).where(Flow.tenant_id == tenant_id)) or 0
    draft = Flow(
        tenant_id=tenant_id,
        version=newest + 1,
        name=flow.name,
        state="draft",
        document=flow.model_dump(mode="json", by_alias=True, exclude_none=True),
        created_by=user_id,
    )
    db.add(draft)
    db.flush()
    _audit(db, "flow.draft_created", draft)
    return draft


def list_flows(db: Session, tenant_id: str) -> list[Flow]:
    """Return every version of a tenant's flow, newest first."""
    return list(db.scalars(select(Flow).where(Flow.tenant_id == tenant_id).order_by(Flow.version.desc())))


def get_version(db: Session, tenant_id: str, version: int, *, lock: bool = False) -> Flow:
    """Return one version of the tenant's flow, or raise NotFound."""
    query = select(Flow).where(Flow.tenant_id == tenant_id, Flow.version == version)
    flow = db.scalar(query.with_for_update() if lock else query)
    if flow is None:
        raise NotFound(f"There is no version {version} of this flow.")
    return flow


def published_flow(db: Session, tenant_id: str) -> Flow | None:
    """Return the version visitors talk to now, if any."""
    return db.scalar(select(Flow).where(Flow.tenant_id == tenant_id, Flow.state == "published"))


def publish(db: Session, tenant_id: str, version: int, user_id: str | None = None) -> Flow:
    """Make ``version`` the one new conversations use; the previous one is archived.

    Sessions in progress keep the version they started on, so publishing never breaks them.
    """
    published = _publish(db, tenant_id, version, user_id)
    _audit(db, "flow.published", published)
    return published


def _publish(db: Session, tenant_id: str, version: int, user_id: str | None) -> Flow:
    # Lock the tenant's versions so two publishes at once cannot leave two published versions.
    db.scalars(select(Flow.id).where(Flow.tenant_id == tenant_id).with_for_update()).all()
    target = get_version(db, tenant_id, version)
    for current in db.scalars(select(Flow).where(Flow.tenant_id == tenant_id, Flow.state == "published")):
        if current.id != target.id:
            current.state = "archived"
    target.state = "published"
    target.published_at = utcnow()
    target.published_by = user_id
    db.flush()
    return target


def unpublish(db: Session, tenant_id: str, version: int) -> Flow:
    """Take ``version`` offline; with no published version, new visitors are told the chat is closed."""
    target = get_version(db, tenant_id, version, lock=True)
    if target.state != "published":
        raise Conflict(f"Version {version} is not published.", code="not_published")
    target.state = "archived"
    db.flush()
    _audit(db, "flow.unpublished", target)
    return target


def rollback(db: Session, tenant_id: str, to_version: int, user_id: str | None = None) -> Flow:
    """Publish again a version that was published before."""
    target = get_version(db, tenant_id, to_version)
    if target.published_at is None:
        raise Conflict(f"Version {to_version} was never published; publish it instead.", code="never_published")
    published = _publish(db, tenant_id, to_version, user_id)
    _audit(db, "flow.rolled_back", published)
    return published


def block_questions(db: Session, tenant_id: str, lang: str) -> dict[str, str]:
    """Return the published flow's blocks by id, each as its question in ``lang`` (for the drop-off table)."""
    flow = published_flow(db, tenant_id)
    blocks = (flow.document or {}).get("blocks", []) if flow is not None else []
    found = {}
    for block in blocks:
        text = block.get("text") if isinstance(block, dict) else None
        if isinstance(text, dict):
            question = text.get(lang) or text.get("es") or next(iter(text.values()), "")
            found[block["id"]] = str(question).replace("{name}", "").strip(" ,.")
    return found


def _audit(db: Session, action: str, flow: Flow) -> None:
    record(db, action, tenant_id=flow.tenant_id, target_type="flow", target_id=str(flow.version))


class DocumentCache:
    """Parsed flow documents by flow id (immutable rows, so entries never go stale)."""

    def __init__(self, size: int = 256) -> None:
        self._items: LRU[str, FlowDocument] = LRU(size)

    def get(self, db: Session | Connection, tenant_id: str, flow_id: str) -> FlowDocument:
        """Return the parsed document of the tenant's flow version ``flow_id`` (read once per process)."""
        key = f"{tenant_id}:{flow_id}"
        found = self._items.get(key)
        if found is None:
            raw = db.scalar(select(Flow.document).where(Flow.id == flow_id, Flow.tenant_id == tenant_id))
            if raw is None:
                raise NotFound("This conversation's flow no longer exists.")
            found = FlowDocument.model_validate(raw)
            self._items.put(key, found)
        return found


documents = DocumentCache()


# --- each in its own transaction, for the interfaces ----------------------------------------------------------


@dataclass(frozen=True)
class FlowVersion:
    """One version of a store's flow, as staff see it; ``creator`` and ``publisher`` name the people
    ``created_by`` and ``published_by`` are (their name, or their e-mail without one), when known."""

    version: int
    name: str
    state: str
    created_at: datetime
    created_by: str | None
    published_at: datetime | None
    published_by: str | None
    document: dict[str, Any]
    creator: str | None = None
    publisher: str | None = None

    @property
    def was_published(self) -> bool:
        """Tell whether this version was ever live (so it can be rolled back to)."""
        return self.published_at is not None

    @classmethod
    def of(cls, flow: Flow, people: Mapping[str, str] | None = None) -> FlowVersion:
        """Copy a flow row, naming its people from ``people`` (user id: name)."""
        people = people or {}
        return cls(
            version=flow.version,
            name=flow.name,
            state=flow.state,
            created_at=flow.created_at,
            created_by=flow.created_by,
            published_at=flow.published_at,
            published_by=flow.published_by,
            document=flow.document,
            creator=people.get(flow.created_by or ""),
            publisher=people.get(flow.published_by or ""),
        )


def flow_versions(rt: Runtime, tenant_id: str) -> list[FlowVersion]:
    """Return every version of the store's flow, newest first, naming who created and published each."""
    with rt.transaction() as db:
        flows = list_flows(db, tenant_id)
        people = names_of(db, (i for f in flows for i in (f.created_by, f.published_by)))
        return [FlowVersion.of(flow, people) for flow in flows]


def flow_version(rt: Runtime, tenant_id: str, version: int) -> FlowVersion:
    """Return one version of the store's flow, or raise NotFound."""
    with rt.transaction() as db:
        return FlowVersion.of(get_version(db, tenant_id, version))


def version_to_edit(rt: Runtime, tenant_id: str, wanted: int | None) -> FlowVersion | None:
    """Return version ``wanted`` to start editing from (the newest when there is no such version);
    None when the store has no version at all."""
    with rt.transaction() as db:
        flows = list_flows(db, tenant_id)
        source = next((f for f in flows if f.version == wanted), flows[0] if flows else None)
        return FlowVersion.of(source) if source is not None else None


def save_draft(rt: Runtime, tenant_id: str, document: Any, user_id: str | None = None) -> FlowVersion:
    """Store a new draft version (see create_draft), or raise Invalid listing every problem."""
    with rt.transaction() as db:
        return FlowVersion.of(create_draft(db, tenant_id, document, user_id))


def publish_version(rt: Runtime, tenant_id: str, version: int, user_id: str | None = None) -> FlowVersion:
    """Make ``version`` the one new conversations use (see publish)."""
    with rt.transaction() as db:
        return FlowVersion.of(publish(db, tenant_id, version, user_id))


def unpublish_version(rt: Runtime, tenant_id: str, version: int) -> FlowVersion:
    """Take the live ``version`` offline (see unpublish); raise Conflict (``not_published``) when it is not live."""
    with rt.transaction() as db:
        return FlowVersion.of(unpublish(db, tenant_id, version))


def roll_back(rt: Runtime, tenant_id: str, to_version: int, user_id: str | None = None) -> FlowVersion:
    """Publish again a version that was published before (see rollback); raise Conflict
    (``never_published``) for one that never was."""
    with rt.transaction() as db:
        return FlowVersion.of(rollback(db, tenant_id, to_version, user_id))


def changes_to_publish(rt: Runtime, tenant_id: str, version: int) -> tuple[FlowVersion, FlowVersion | None, FlowDiff]:
    """Return ``version``, the live version (if any) and what publishing ``version`` would change in
    texts and paths, for staff to review before they publish; raise NotFound for no such version."""
    with rt.transaction() as db:
        target, live = get_version(db, tenant_id, version), published_flow(db, tenant_id)
        current = FlowVersion.of(live) if live is not None else None
        return FlowVersion.of(target), current, diff_flows(current.document if current else None, target.document)
