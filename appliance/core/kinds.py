"""The closed sets of values the data holds: roles, plans, statuses, channels and kinds.

They live in the core so that every layer (the database's check constraints, services, the API's
models and the panels' choices) names the same values without importing the database.
"""

from __future__ import annotations

PLATFORM_ROLES = ("SUPER_ADMIN", "INTERNAL")
TENANT_ROLES = ("OWNER", "ADMIN", "AGENT")
PLANS = ("base", "pro", "elite")
# What each plan may spend on AI calls a month, in euros; a store may only lower it.
PLAN_AI_CAPS_EUR = {"base": 10, "pro": 25, "elite": 100}
TENANT_STATUSES = ("active", "paused")

CHANNELS = ("web", "whatsapp")
SESSION_STATUSES = ("active", "completed", "expired")
MESSAGE_ROLES = ("visitor", "bot", "staff", "system")

LEAD_STATUSES = ("new", "contacted", "qualified", "won", "lost")
TEMPERATURES = ("cold", "warm", "hot", "premium")
APPOINTMENT_STATUSES = ("booked", "cancelled", "no_show", "completed")

CONFIG_KINDS = ("branding", "texts", "widget", "scoring", "agenda", "ai", "retention", "channels", "catalogue")
FILE_KINDS = ("attachment", "logo", "document")
FLOW_STATES = ("draft", "published", "archived")
