"""A store's outbound webhooks: create (secret shown once), list, read, delete, deliveries, replay."""

from __future__ import annotations

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from appliance.events import webhooks
from appliance.infra.runtime import current_runtime
from appliance.web.api.auth import current_staff
from appliance.web.api.models import Body
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("webhooks", __name__, abp_tags=[Tag(name="webhooks")])
STAFF = [{"apiToken": []}]
ERRORS = {401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, 422: ErrorEnvelope}
# Webhook addresses and their secrets are the store's configuration: managers only, like config writes.
PERMISSION = "config.write"
PRIVATE = {"Cache-Control": "no-store"}


class WebhookIn(Body):
    """Where to send events, and which ones (see docs/webhooks.md)."""

    url: str = Field(max_length=2000, description="A public http(s) URL")
    events: list[str] = Field(max_length=20, description="lead.created, lead.updated, appointment.booked, ...")


class WebhookOut(BaseModel):
    """A webhook (its secret is only in the answer that created it)."""

    id: str
    url: str
    events: list[str]
    created_at: str | None
    secret: str | None = Field(default=None, description="The signing secret, shown once")


class WebhookList(BaseModel):
    """The store's webhooks."""

    items: list[WebhookOut]
    next_cursor: str | None = None


class WebhookPath(BaseModel):
    """The webhook in the path."""

    webhook_id: str = Field(max_length=64)


class DeliveryPath(WebhookPath):
    """One delivery of the webhook in the path."""

    delivery_id: str = Field(max_length=64)


class DeliveryQuery(BaseModel):
    """A page of deliveries."""

    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=64)


class DeliveryOut(BaseModel):
    """One event sent to the webhook: its status and every attempt."""

    id: str
    webhook_id: str
    event_id: str
    event: str
    status: str
    attempts: int
    next_attempt_at: str | None
    delivered_at: str | None
    created_at: str | None
    log: list[dict]


class DeliveryPage(BaseModel):
    """A page of deliveries, newest first."""

    items: list[DeliveryOut]
    next_cursor: str | None


@api.post("/webhooks", responses={201: WebhookOut, 409: ErrorEnvelope, **ERRORS}, security=STAFF)
def create(body: WebhookIn) -> tuple[Response, int, dict[str, str]]:
    """Add a webhook; the answer holds its signing secret, which is never shown again."""
    staff = current_staff(PERMISSION)
    return jsonify(webhooks.create_webhook(current_runtime(), staff.tenant_id, body.url, body.events)), 201, PRIVATE


@api.get("/webhooks", responses={200: WebhookList, **ERRORS}, security=STAFF)
def list_all() -> Response:
    """List the store's webhooks."""
    staff = current_staff(PERMISSION)
    return jsonify({"items": webhooks.list_webhooks(current_runtime(), staff.tenant_id), "next_cursor": None})


@api.get("/webhooks/<webhook_id>", responses={200: WebhookOut, **ERRORS}, security=STAFF)
def get_one(path: WebhookPath) -> Response:
    """Return one webhook."""
    staff = current_staff(PERMISSION)
    return jsonify(webhooks.get_webhook(current_runtime(), staff.tenant_id, path.webhook_id))


@api.delete("/webhooks/<webhook_id>", responses={204: None, **ERRORS}, security=STAFF)
def delete(path: WebhookPath) -> tuple[str, int]:
    """Delete the webhook and its deliveries."""
    staff = current_staff(PERMISSION)
    webhooks.delete_webhook(current_runtime(), staff.tenant_id, path.webhook_id)
    return "", 204


@api.get("/webhooks/<webhook_id>/deliveries", responses={200: DeliveryPage, **ERRORS}, security=STAFF)
def deliveries(path: WebhookPath, query: DeliveryQuery) -> Response:
    """List the webhook's deliveries, newest first, with every attempt."""
    staff = current_staff(PERMISSION)
    rt = current_runtime()
    items, cursor = webhooks.list_deliveries(rt, staff.tenant_id, path.webhook_id, query.limit, query.cursor)
    return jsonify({"items": items, "next_cursor": cursor})


@api.post(
    "/webhooks/<webhook_id>/deliveries/<delivery_id>/replay",
    responses={202: DeliveryOut, 409: ErrorEnvelope, **ERRORS},
    security=STAFF,
)
def replay(path: DeliveryPath) -> tuple[Response, int]:
    """Send a finished delivery again, with the same event id and a fresh set of retries."""
    staff = current_staff(PERMISSION)
    rt = current_runtime()
    return jsonify(webhooks.replay_delivery(rt, staff.tenant_id, path.webhook_id, path.delivery_id)), 202
