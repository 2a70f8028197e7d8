"""The platform operator's API under /v1/admin: stores, maintenance, keys, impersonation, reports.

Only platform api tokens reach it (SUPER_ADMIN, and INTERNAL for reads); everyone else gets the
404 of an unknown address, before any validation could tell the routes exist. The logic lives in
appliance.operator, which the admin panel calls too.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, StrictBool, StrictInt

from appliance.infra.runtime import current_runtime
from appliance.operator import controls, reports, tenants
from appliance.tenants.registry import TenantSpec
from appliance.web.api.auth import current_operator
from appliance.web.api.models import Body, Language, Page
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("admin", __name__, abp_tags=[Tag(name="admin")])
OPERATOR = [{"apiToken": []}]
ERRORS = {403: ErrorEnvelope, 404: ErrorEnvelope}
PREFIX = "/v1/admin"
Plan = Literal["base", "pro", "elite"]
Status = Literal["active", "paused"]


def guard_admin_surface() -> None:
    """Answer 404 to anyone but platform staff on every /v1/admin address (a before_request hook,
    so that neither validation errors nor 405s disclose the routes), and 403 to read-only staff
    on writes."""
    if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
        # Every admin read needs admin.read and every write admin.write, so read-only staff get
        # their 403 before a body is looked at. This is the one check: the handlers repeat none.
        current_operator("admin.read" if request.method in {"GET", "HEAD", "OPTIONS"} else "admin.write")


class TenantPath(BaseModel):
    """The store in the path."""

    tenant_id: str = Field(max_length=64)


class NewTenantBody(Body):
    """A new store; the slug is made from the name when absent."""

    name: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(default=None, max_length=63)
    plan: Plan = "base"
    default_language: Language = "es"
    timezone: str = Field(default="Europe/Madrid", max_length=64)
    allowed_origins: list[str] = Field(default_factory=list, max_length=50)
    owner_email: str | None = Field(default=None, max_length=254)


class TenantChanges(Body):
    """The fields to change; the others stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    plan: Plan | None = None
    ai_monthly_cap_eur: StrictInt | None = Field(default=None, ge=0, le=1_000_000)
    allowed_origins: list[str] | None = Field(default=None, max_length=50)
    status: Status | None = None
    limits: dict[str, StrictInt] | None = None


class MaintenanceBody(Body):
    """Close (or reopen) the store's chat for visitors, with a message per language."""

    enabled: StrictBool
    message: dict[str, str] = Field(default_factory=dict)


class TenantOut(BaseModel):
    """A store as the operator sees it."""

    id: str
    name: str
    slug: str
    status: Status
    plan: Plan
    widget_key: str
    snippet: str
    languages: list[str]
    default_language: str
    timezone: str
    allowed_origins: list[str]
    maintenance: dict[str, Any]
    ai_monthly_cap_eur: int | None
    limits: dict[str, int]
    billing_status: str | None = None
    created_at: str
    usage: dict[str, Any] | None = None
    owner_invitation: dict[str, Any] | None = None


class TenantsQuery(BaseModel):
    """A page of stores, optionally by status or plan."""

    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=64)
    status: Status | None = None
    plan: Plan | None = None


class ErrorsQuery(BaseModel):
    """A page of recent errors, optionally of one store."""

    tenant_id: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=64)


class AuditQuery(BaseModel):
    """A page of the audit trail, filtered."""

    tenant_id: str | None = Field(default=None, max_length=64)
    action: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(default=None, max_length=255)
    from_: str | None = Field(default=None, alias="from", max_length=40)
    to: str | None = Field(default=None, max_length=40)
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=64)


class KeyOut(BaseModel):
    """The store's new widget key."""

    widget_key: str


class PurgeOut(BaseModel):
    """What a purge deleted, counted by kind."""

    tenant_id: str
    purged: bool
    counts: dict[str, Any]


class OverviewOut(BaseModel):
    """The platform at a glance."""

    tenants: dict[str, int]
    conversations: dict[str, int]
    leads: dict[str, int]
    ai_spend_month_eur: float
    error_rate: dict[str, Any]
    health: dict[str, str]


class ImpersonationOut(BaseModel):
    """A token acting as the store's owner, for that store only."""

    token: str
    expires_in: int


@api.post("/admin/tenants", responses={201: TenantOut, 409: ErrorEnvelope, **ERRORS}, security=OPERATOR)
def create_tenant(body: NewTenantBody) -> tuple[Response, int]:
    """Create a store, live at once (base flow published), with its snippet and an owner invitation."""
    new = TenantSpec(**body.model_dump())
    return jsonify(tenants.create_store(current_runtime(), new)), 201


@api.get("/admin/tenants", responses={200: Page, **ERRORS}, security=OPERATOR)
def list_tenants(query: TenantsQuery) -> Response:
    """List the stores, oldest first, with their usage (conversations and leads in 30 days, AI spend)."""
    page = tenants.list_stores(
        current_runtime(), limit=query.limit, cursor=query.cursor, status=query.status, plan=query.plan
    )
    return jsonify(page)


@api.get("/admin/tenants/<tenant_id>", responses={200: TenantOut, **ERRORS}, security=OPERATOR)
def get_tenant(path: TenantPath) -> Response:
    """Return one store with its usage."""
    return jsonify(tenants.get_store(current_runtime(), path.tenant_id))


@api.patch("/admin/tenants/<tenant_id>", responses={200: TenantOut, **ERRORS}, security=OPERATOR)
def patch_tenant(path: TenantPath, body: TenantChanges) -> Response:
    """Change a store's name, plan, AI cap, allowed origins, status or rate-limit overrides."""
    changes = body.model_dump(exclude_unset=True)
    return jsonify(tenants.update_store(current_runtime(), path.tenant_id, changes))


@api.put("/admin/tenants/<tenant_id>/maintenance", responses={200: TenantOut, **ERRORS}, security=OPERATOR)
def put_maintenance(path: TenantPath, body: MaintenanceBody) -> Response:
    """Close or reopen the store's chat for visitors; its staff keep working."""
    return jsonify(controls.set_maintenance(current_runtime(), path.tenant_id, body.enabled, body.message))


@api.post("/admin/tenants/<tenant_id>/widget-key/rotate", responses={200: KeyOut, **ERRORS}, security=OPERATOR)
def rotate_key(path: TenantPath) -> Response:
    """Give the store a new widget key; the old one stops working at once."""
    return jsonify({"widget_key": controls.rotate_widget_key(current_runtime(), path.tenant_id)})


@api.post("/admin/impersonate/<tenant_id>", responses={200: ImpersonationOut, **ERRORS}, security=OPERATOR)
def impersonate(path: TenantPath) -> Response:
    """Return a 15-minute token acting as the store's owner; every request made with it is audited."""
    return jsonify(controls.start_impersonation(current_runtime(), path.tenant_id))


@api.delete("/admin/tenants/<tenant_id>/purge", responses={200: PurgeOut, **ERRORS}, security=OPERATOR)
def purge_tenant(path: TenantPath) -> Response:
    """Delete everything of the store, files included; answer what was deleted."""
    return jsonify(controls.purge_store(current_runtime(), path.tenant_id))


@api.get("/admin/overview", responses={200: OverviewOut, **ERRORS}, security=OPERATOR)
def overview() -> Response:
    """The platform at a glance: stores, conversations, leads, AI spend, error rate, health."""
    return jsonify(reports.overview(current_runtime()))


@api.get("/admin/errors", responses={200: Page, **ERRORS}, security=OPERATOR)
def list_errors(query: ErrorsQuery) -> Response:
    """List failed requests (5xx), newest first, optionally of one store."""
    page = reports.recent_errors(current_runtime(), tenant_id=query.tenant_id, limit=query.limit, cursor=query.cursor)
    return jsonify(page)


@api.get("/admin/audit", responses={200: Page, **ERRORS}, security=OPERATOR)
def list_audit(query: AuditQuery) -> Response:
    """List the audit trail, newest first, by store, action, actor and time (from, to)."""
    which = reports.AuditFilter(query.tenant_id, query.action, query.actor, query.from_, query.to)
    return jsonify(reports.audit_log(current_runtime(), which, limit=query.limit, cursor=query.cursor))
