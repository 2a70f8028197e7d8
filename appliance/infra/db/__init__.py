"""Storage of record: typed SQLAlchemy models (one module per aggregate), engine and sessions."""

from __future__ import annotations

from appliance.infra.db.agenda import Appointment
from appliance.infra.db.alerts import AlertWindow, StoreAlertRoute
from appliance.infra.db.analytics import AIUsage, AnalyticsEvent
from appliance.infra.db.base import Base, TenantScoped, utcnow
from appliance.infra.db.billing import Plan, StripeEvent
from appliance.infra.db.configs import Config
from appliance.infra.db.conversations import ChatSession, IdempotencyKey, Message
from appliance.infra.db.events import DomainEvent, Notification, NotificationPrefs, Webhook, WebhookDelivery
from appliance.infra.db.files import File
from appliance.infra.db.flows import Flow
from appliance.infra.db.leads import Lead
from appliance.infra.db.privacy import Audit, Consent, ErrorEvent
from appliance.infra.db.tenants import ApiToken, LoginThrottle, Membership, Tenant, User
from appliance.infra.db.texts import AIText
from appliance.infra.db.usage import UsageEntry
from appliance.infra.db.whatsapp import (
    WhatsAppChannel,
    WhatsAppContact,
    WhatsAppEvent,
    WhatsAppInbound,
    WhatsAppOutbox,
)

__all__ = [
    "AIText",
    "AIUsage",
    "AlertWindow",
    "AnalyticsEvent",
    "ApiToken",
    "Appointment",
    "Audit",
    "Base",
    "ChatSession",
    "Config",
    "Consent",
    "DomainEvent",
    "ErrorEvent",
    "File",
    "Flow",
    "IdempotencyKey",
    "Lead",
    "LoginThrottle",
    "Membership",
    "Message",
    "Notification",
    "NotificationPrefs",
    "Plan",
    "StoreAlertRoute",
    "StripeEvent",
    "Tenant",
    "TenantScoped",
    "UsageEntry",
    "User",
    "Webhook",
    "WebhookDelivery",
    "WhatsAppChannel",
    "WhatsAppContact",
    "WhatsAppEvent",
    "WhatsAppInbound",
    "WhatsAppOutbox",
    "utcnow",
]
