"""Storage of record: typed SQLAlchemy models (one module per aggregate), engine and sessions."""

from __future__ import annotations

from appliance.db.agenda import Appointment
from appliance.db.analytics import AIUsage, AnalyticsEvent
from appliance.db.base import Base, TenantScoped, utcnow
from appliance.db.configs import Config
from appliance.db.conversations import ChatSession, IdempotencyKey, Message
from appliance.db.files import File
from appliance.db.flows import Flow
from appliance.db.leads import Lead
from appliance.db.privacy import Audit, Consent, ErrorEvent
from appliance.db.tenants import ApiToken, Membership, Tenant, User

__all__ = [
    "AIUsage",
    "AnalyticsEvent",
    "ApiToken",
    "Appointment",
    "Audit",
    "Base",
    "ChatSession",
    "Config",
    "Consent",
    "ErrorEvent",
    "File",
    "Flow",
    "IdempotencyKey",
    "Lead",
    "Membership",
    "Message",
    "Tenant",
    "TenantScoped",
    "User",
    "utcnow",
]
