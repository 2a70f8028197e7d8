"""What each role may do: the one table (mirrored in docs/security.md) every check reads.

Handlers and panel views ask for a permission, never for a role, so changing who may do
something is a one-line change here."""

from __future__ import annotations

from appliance.core.kinds import PLATFORM_ROLES, TENANT_ROLES

STAFF = frozenset({"OWNER", "ADMIN", "AGENT"})
MANAGERS = frozenset({"OWNER", "ADMIN"})
OPERATORS = frozenset({"SUPER_ADMIN", "INTERNAL"})

PERMISSIONS: dict[str, frozenset[str]] = {
    # A store's staff (tenant roles; an impersonating operator acts as OWNER).
    "leads.read": STAFF,
    "leads.write": STAFF,  # status, notes, assignee
    "leads.export": STAFF,  # CSV of the filtered set, PDF summary
    "agenda.read": STAFF,
    "agenda.write": STAFF,  # book, reschedule, cancel, no-show
    "analytics.read": STAFF,
    "flows.read": STAFF,
    "flows.write": MANAGERS,  # drafts, publish, unpublish, rollback
    "config.read": STAFF,
    "config.write": MANAGERS,  # branding, texts, widget, agenda, scoring, ai, retention
    "usage.read": MANAGERS,
    "team.manage": MANAGERS,  # invite, change roles, remove (only an OWNER makes OWNERs)
    "tokens.manage": MANAGERS,
    "widget.rotate_key": MANAGERS,
    "privacy.export": MANAGERS,
    "privacy.erase": MANAGERS,
    # Plans and billing: managers see the plan and its use; only an owner subscribes or pays.
    "billing.read": MANAGERS,
    "billing.manage": frozenset({"OWNER"}),
    # The platform operator.
    "admin.read": OPERATORS,
    "admin.write": frozenset({"SUPER_ADMIN"}),
}

ROLES = TENANT_ROLES + PLATFORM_ROLES


def allowed(role: str | None, permission: str) -> bool:
    """Return whether ``role`` may do ``permission`` (an unknown permission is a programming error)."""
    return role in PERMISSIONS[permission]
