"""The words the /admin pages show for stored codes (statuses, plans, roles, services), translated."""

from __future__ import annotations

from flask_babel import format_currency, format_decimal
from flask_babel import lazy_gettext as _l

STATUSES = {"active": _l("Active"), "paused": _l("Paused")}
PLANS = {"base": _l("Base"), "pro": _l("Pro"), "elite": _l("Elite")}
ROLES = {"SUPER_ADMIN": _l("Super admin"), "INTERNAL": _l("Internal (read-only)")}
HEALTH = {"ok": _l("All systems working"), "degraded": _l("Degraded"), "down": _l("Down")}
SERVICES = {"database": _l("Database"), "cache": _l("Cache"), "queue": _l("Task queue"), "storage": _l("File storage")}
LANGUAGE_NAMES = {"es": _l("Spanish"), "ca": _l("Catalan"), "pt": _l("Portuguese"), "en": _l("English")}
LIMITS = {
    "tenant_per_minute": _l("Requests per minute for the store"),
    "widget_sessions_per_minute": _l("Chat windows opened per minute on the store's website"),
    "whatsapp_sender_per_minute": _l("WhatsApp messages per minute from one number"),
}


def _lookup(table: dict[str, object]) -> object:
    return lambda code: str(table.get(code, code))


def money(amount: float | None) -> str:
    """Format an amount in euros in the page's language."""
    return format_currency(amount or 0, "EUR")


def percent(ratio: float | None) -> str:
    """Format a ratio (0.0123) as a percentage with two decimals in the page's language ("1,23 %")."""
    return f"{format_decimal((ratio or 0) * 100, '#,##0.00')} %"


def template_helpers() -> dict[str, object]:
    """Return the helpers every /admin template gets."""
    return {
        "status_label": _lookup(STATUSES),
        "plan_label": _lookup(PLANS),
        "role_label": _lookup(ROLES),
        "health_label": _lookup(HEALTH),
        "service_label": _lookup(SERVICES),
        "language_label": _lookup(LANGUAGE_NAMES),
        "limit_label": _lookup(LIMITS),
        "money": money,
        "percent": percent,
    }
