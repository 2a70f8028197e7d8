"""Billing: the store's plan and usage, owner-only Stripe checkout and portal, and Stripe's webhook.

The operator's plan editing lives under /v1/admin/plans (appliance.web.api.plans); the logic is in
appliance.billing, which the panels call too.
"""

from __future__ import annotations

from typing import Literal

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from appliance.billing.account import store_plan
from appliance.billing.checkout import open_portal, start_checkout
from appliance.billing.webhook import receive
from appliance.infra.runtime import current_runtime
from appliance.web.api.auth import current_staff
from appliance.web.api.models import Body
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("billing", __name__, abp_tags=[Tag(name="billing")])
STAFF = [{"apiToken": []}]
ERRORS = {401: ErrorEnvelope, 403: ErrorEnvelope, 409: ErrorEnvelope, 503: ErrorEnvelope}
WEBHOOK_PATH = "/v1/billing/stripe/webhook"


class CheckoutBody(Body):
    """The plan to subscribe to (one EBANISTA_STRIPE_PRICES sells)."""

    plan: Literal["base", "pro", "elite"]


class BillingSessionOut(BaseModel):
    """Where to send the owner: Stripe's hosted page."""

    url: str


class WebhookOut(BaseModel):
    """The delivery was taken: ``handled``, ``duplicate`` (a replay, nothing changed) or ``ignored``."""

    received: bool
    result: str


SIGNED_EVENT = {
    "parameters": [
        {
            "name": "Stripe-Signature",
            "in": "header",
            "required": True,
            "description": "t=<unix time>,v1=<hex HMAC-SHA256 of '{t}.{raw body}' with the endpoint's secret>",
            "schema": {"type": "string"},
        }
    ],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
}


@api.get("/billing", responses={200: None, 401: ErrorEnvelope, 403: ErrorEnvelope}, security=STAFF)
def get_billing() -> Response:
    """Return the store's plan, its use (seats, WhatsApp numbers, AI spend against the cap) and billing state."""
    staff = current_staff("billing.read")
    return jsonify(store_plan(current_runtime(), staff.tenant_id))


@api.post("/billing/checkout", responses={200: BillingSessionOut, **ERRORS}, security=STAFF)
def post_checkout(body: CheckoutBody) -> Response:
    """Open a Stripe Checkout for a new subscription (owner only); 409 ``billing_disabled`` in the appliance."""
    staff = current_staff("billing.manage")
    return jsonify(start_checkout(current_runtime(), staff.tenant_id, body.plan))


@api.post("/billing/portal", responses={200: BillingSessionOut, **ERRORS}, security=STAFF)
def post_portal() -> Response:
    """Open Stripe's customer portal (owner only): invoices, card, plan changes, cancellation."""
    staff = current_staff("billing.manage")
    return jsonify(open_portal(current_runtime(), staff.tenant_id))


@api.post(
    "/billing/stripe/webhook",
    responses={200: WebhookOut, 400: ErrorEnvelope, 409: ErrorEnvelope},
    openapi_extensions=SIGNED_EVENT,
)
def stripe_webhook() -> Response:
    """Take a signed Stripe event (Stripe-Signature); each event id is handled once."""
    outcome = receive(current_runtime(), request.get_data(cache=False), request.headers.get("Stripe-Signature"))
    return jsonify(outcome)
