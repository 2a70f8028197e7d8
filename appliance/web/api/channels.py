"""Channels: a store's WhatsApp settings, and Meta's webhook (the handshake, and signed events)."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from appliance.core.moments import utcnow
from appliance.errors import Forbidden
from appliance.infra.runtime import current_runtime
from appliance.web.api.auth import current_staff
from appliance.web.errors import ErrorEnvelope
from appliance.whatsapp import config as whatsapp
from appliance.whatsapp.ledger import usage_since
from appliance.whatsapp.reminders import send_follow_up
from appliance.whatsapp.webhook import accept_event

api = APIBlueprint("channels", __name__, abp_tags=[Tag(name="channels")])
STAFF = [{"apiToken": []}]
ERRORS = {401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope}
USAGE_DAYS = 30


class Template(BaseModel):
    """An approved template: its name in Meta's WhatsApp Manager and its language code."""

    name: str
    language: str


class WhatsAppIn(BaseModel):
    """The store's number and secrets; secrets left out keep the stored ones (send new ones to rotate)."""

    model_config = ConfigDict(extra="forbid")

    phone_number_id: str = Field(description="The Phone number ID from Meta's WhatsApp API setup")
    access_token: str | None = Field(default=None, description="A System User access token (write-only)")
    app_secret: str | None = Field(default=None, description="The Meta app's App Secret (write-only)")
    verify_token: str | None = Field(default=None, description="The webhook's verify token (write-only)")
    templates: dict[str, Template] | None = Field(default=None, description="reminder_24h, reminder_2h, follow_up")
    prices_eur: dict[str, float] | None = Field(default=None, description="Price per message by category")


class WhatsAppOut(BaseModel):
    """The store's WhatsApp settings, without any secret."""

    phone_number_id: str
    access_token_set: bool
    app_secret_set: bool
    verify_token_set: bool
    templates: dict[str, Template]
    prices_eur: dict[str, float]
    updated_at: str | None
    usage: dict = Field(description="Messages and their cost in the last 30 days, by category")


class HandshakeQuery(BaseModel):
    """Meta's subscription check."""

    model_config = ConfigDict(populate_by_name=True)

    hub_mode: str | None = Field(default=None, alias="hub.mode")
    hub_verify_token: str | None = Field(default=None, alias="hub.verify_token")
    hub_challenge: str | None = Field(default=None, alias="hub.challenge", max_length=200)


class Received(BaseModel):
    """The event was verified and kept; it is processed apart."""

    received: bool


class FollowUpIn(BaseModel):
    """Which lead gets the store's follow-up template."""

    model_config = ConfigDict(extra="forbid")

    lead_id: str = Field(max_length=32)


class FollowUpOut(BaseModel):
    """The outbox key of the follow-up, and whether it was queued now (False: already today)."""

    key: str
    queued: bool


@api.get("/channels/whatsapp", responses={200: WhatsAppOut, **ERRORS}, security=STAFF)
def get_whatsapp() -> Response:
    """Return the store's WhatsApp settings (never a secret) and what its messages cost lately."""
    staff = current_staff("config.read")
    rt = current_runtime()
    view = whatsapp.channel_view(rt, staff.tenant_id)
    since = utcnow() - timedelta(days=USAGE_DAYS)
    return jsonify(view | {"usage": usage_since(rt, staff.tenant_id, "whatsapp", since)})


@api.put("/channels/whatsapp", responses={200: WhatsAppOut, 422: ErrorEnvelope, **ERRORS}, security=STAFF)
def put_whatsapp(body: WhatsAppIn) -> Response:
    """Save the store's WhatsApp number, secrets (encrypted at rest), templates and prices."""
    staff = current_staff("config.write")
    rt = current_runtime()
    view = whatsapp.save_channel(rt, staff.tenant_id, body.model_dump(exclude_none=True))
    since = utcnow() - timedelta(days=USAGE_DAYS)
    return jsonify(view | {"usage": usage_since(rt, staff.tenant_id, "whatsapp", since)})


@api.post("/channels/whatsapp/follow-ups", responses={202: FollowUpOut, **ERRORS}, security=STAFF)
def post_follow_up(body: FollowUpIn) -> tuple[Response, int]:
    """Send a lead the store's approved follow-up template (allowed outside the 24-hour window)."""
    staff = current_staff("leads.write")
    return jsonify(send_follow_up(current_runtime(), staff.tenant_id, body.lead_id)), 202


@api.get("/channels/whatsapp/webhook", responses={200: None, 403: ErrorEnvelope})
def verify_webhook(query: HandshakeQuery) -> Response:
    """Answer Meta's subscription handshake: the challenge, when the verify token is a store's."""
    known = whatsapp.verify_token_known(current_runtime(), query.hub_verify_token)
    if query.hub_mode != "subscribe" or not known or query.hub_challenge is None:
        raise Forbidden("The verify token does not match.", code="verify_token_mismatch")
    return Response(query.hub_challenge, status=200, mimetype="text/plain")


SIGNED_EVENT = {
    "parameters": [
        {
            "name": "X-Hub-Signature-256",
            "in": "header",
            "required": True,
            "description": "sha256=<hex HMAC-SHA256 of the raw body with the app secret>",
            "schema": {"type": "string"},
        }
    ],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
}


@api.post(
    "/channels/whatsapp/webhook",
    responses={200: Received, 401: ErrorEnvelope, 403: ErrorEnvelope},
    openapi_extensions=SIGNED_EVENT,
)
def receive_webhook() -> Response:
    """Take a signed event (X-Hub-Signature-256 over the raw body): kept at once, processed apart."""
    accept_event(current_runtime(), request.get_data(cache=False), request.headers.get("X-Hub-Signature-256"))
    return jsonify({"received": True})
