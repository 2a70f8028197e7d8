"""The words the /admin pages show for stored codes (statuses, plans, roles, services, audit actions), translated."""

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

# Audit actions: the log stores codes; one without words yet (added later) is shown as its code.
ACTIONS = {
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "appointment.booked": _l("Appointment booked"),
    "appointment.cancelled": _l("Appointment cancelled"),
    "appointment.no_show": _l("Appointment marked as no-show"),
    "appointment.noted": _l("Note added to an appointment"),
    "appointment.rescheduled": _l("Appointment moved"),
    "appointment.restored": _l("Appointment restored"),
    "config.saved": _l("Settings saved"),
    "flow.draft_created": _l("Conversation draft saved"),
    "flow.published": _l("Conversation published"),
    "flow.rolled_back": _l("Conversation rolled back"),
    "flow.unpublished": _l("Conversation unpublished"),
    "impersonation.started": _l("Operator entered the store"),
    "impersonation.ended": _l("Operator left the store"),
    "lead.updated": _l("Lead updated"),
    "lead.contact_changed": _l("Lead's contact corrected"),
    "leads.exported": _l("Leads exported"),
    "login.succeeded": _l("Signed in"),
    "login.failed": _l("Failed sign-in"),
    "login.locked": _l("Sign-in locked"),
    "logo.uploaded": _l("Logo uploaded"),
    "platform_user.created": _l("Platform staff added"),
    "platform_user.deactivated": _l("Platform staff switched off"),
    "platform_user.reactivated": _l("Platform staff switched on"),
    "privacy.erased": _l("Personal data erased"),
    "privacy.exported": _l("Personal data exported"),
    "privacy.file_exported": _l("Personal file exported"),
    "team.invited": _l("Person invited to the team"),
    "team.removed": _l("Person removed from the team"),
    "team.role_changed": _l("Team role changed"),
    "tenant.created": _l("Store created"),
    "tenant.maintenance": _l("Store maintenance switched"),
    "tenant.purged": _l("Store deleted with all its data"),
    "tenant.updated": _l("Store settings changed"),
    "user.invitation_accepted": _l("Invitation accepted"),
    "user.password_changed": _l("Password changed"),
    "user.sessions_ended": _l("Signed out everywhere"),
    "user.two_factor_enabled": _l("Two-factor sign-in switched on"),
    "user.two_factor_disabled": _l("Two-factor sign-in switched off"),
    "backup.created": _l("Backup taken"),
    "billing.changed": _l("Billing state changed"),
    "billing.paused": _l("Store paused for non-payment"),
    "console.jobs_read": _l("Scheduled jobs viewed in the console"),
    "console.live_read": _l("Live conversations viewed in the console"),
    "console.queue_read": _l("Task queue viewed in the console"),
    "console.task_retried": _l("Failed task retried"),
    "console.token_created": _l("Console token created"),
    "plan.updated": _l("Plan changed"),
    "tenant.alerts": _l("Store alert channel changed"),
    "webhook.created": _l("Webhook added"),
    "webhook.deleted": _l("Webhook removed"),
    "webhook.replayed": _l("Webhook delivery sent again"),
    "widget_key.rotated": _l("Widget key replaced"),
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
        "action_label": _lookup(ACTIONS),
        "money": money,
        "percent": percent,
    }
