"""Settings → Team and Settings → API tokens: who works in the store, and the keys scripts use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from appliance.core.kinds import TENANT_ROLES
from appliance.errors import AppError, NotFound
from appliance.infra.runtime import Runtime, current_runtime
from appliance.tenants import team
from appliance.tenants.api_tokens import issue_store_token, revoke_store_token, store_tokens
from webui.panel.blueprint import panel
from webui.ui.auth import Principal, in_store, require


def role_names() -> dict[str, str]:
    """Return the roles' names in the panel's language."""
    return {"OWNER": _("Owner"), "ADMIN": _("Manager"), "AGENT": _("Agent")}


def _grantable(principal: Principal) -> list[str]:
    """Return the roles this person may give (only an owner makes owners)."""
    return [r for r in TENANT_ROLES if r != team.OWNER or principal.role == team.OWNER]


def _refusal(exc: AppError) -> str:
    messages = {
        "owner_only": _("Only an owner can make someone an owner, or change or remove an owner."),
        "last_owner": _("The store needs at least one owner. Make someone else an owner first."),
        "already_member": _("This person is already in the team."),
        "role_too_high": _("You cannot create a token with more rights than your own role."),
        "not_found": _("That is no longer there. Reload the page."),
        "invalid": _("Check the e-mail address and the role."),
    }
    return messages.get(exc.code, exc.message)


# --- team -------------------------------------------------------------------------------------------


@panel.get("/settings/team")
@require("team.manage")
def settings_team(invitation: dict[str, Any] | None = None) -> str:
    """List the team with their roles, and invite someone new."""
    principal = in_store()[0]
    members = team.team_of(current_runtime(), principal.tenant_id or "")
    return render_template(
        "panel/settings_team.html",
        members=members,
        roles=role_names(),
        grantable=_grantable(principal),
        invitation=invitation,
    )


@panel.post("/settings/team/invite")
@require("team.manage")
def settings_team_invite() -> Response | str:
    """Add someone to the team and show the link they use to choose their password."""
    principal = in_store()[0]
    email, role = request.form.get("email", ""), request.form.get("role", "AGENT")
    tenant_id, by_role = principal.tenant_id or "", principal.role or ""
    try:
        # The service e-mails the link once the new member is committed.
        invitation = team.invite_member(current_runtime(), tenant_id, email, role, by_role, base_url=request.host_url)
    except AppError as exc:
        flash(_refusal(exc), "error")
        return redirect(url_for("panel.settings_team"))
    return settings_team(invitation)


@panel.post("/settings/team/<user_id>/role")
@require("team.manage")
def settings_team_role(user_id: str) -> Response:
    """Give a team member another role."""
    principal = in_store()[0]
    role = request.form.get("role", "")

    def change(rt: Runtime) -> None:
        team.change_member_role(rt, principal.tenant_id or "", user_id, role, principal.role or "")

    return _team_change(change, _("The role is changed."))


@panel.post("/settings/team/<user_id>/remove")
@require("team.manage")
def settings_team_remove(user_id: str) -> Response:
    """Take someone out of the team (they can no longer open this store's panel)."""
    principal = in_store()[0]

    def change(rt: Runtime) -> None:
        team.remove_member(rt, principal.tenant_id or "", user_id, principal.role or "")

    return _team_change(change, _("They are no longer in the team."))


def _team_change(change: Callable[[Runtime], None], done: str) -> Response:
    try:
        change(current_runtime())
    except NotFound:
        raise  # another store's person, like a made-up id, is a 404 page
    except AppError as exc:
        flash(_refusal(exc), "error")
    else:
        flash(done, "success")
    return redirect(url_for("panel.settings_team"))


# --- api tokens -------------------------------------------------------------------------------------


@panel.get("/settings/tokens")
@require("tokens.manage")
def settings_tokens(created: dict[str, str] | None = None) -> str:
    """List the store's live tokens with their last use, and create one."""
    principal = in_store()[0]
    rows = store_tokens(current_runtime(), principal.tenant_id or "")
    grantable = TENANT_ROLES[TENANT_ROLES.index(principal.role) :] if principal.role in TENANT_ROLES else []
    return render_template(
        "panel/settings_tokens.html", tokens=rows, roles=role_names(), grantable=grantable, created=created
    )


@panel.post("/settings/tokens")
@require("tokens.manage")
def settings_tokens_create() -> Response | str:
    """Create a token and show it once: only its hash is kept."""
    principal = in_store()[0]
    name, role = request.form.get("name", ""), request.form.get("role", "AGENT")
    try:
        created = issue_store_token(
            current_runtime(), principal.tenant_id or "", name, role, principal.role or "", principal.user_id
        )
    except AppError as exc:
        message = _("Give the token a name.") if exc.code == "invalid" else _refusal(exc)
        flash(message, "error")
        return redirect(url_for("panel.settings_tokens"))
    return settings_tokens(created)


@panel.post("/settings/tokens/<token_id>/revoke")
@require("tokens.manage")
def settings_tokens_revoke(token_id: str) -> Response:
    """Revoke a token: scripts using it are refused from the next request."""
    principal = in_store()[0]
    try:
        revoke_store_token(current_runtime(), principal.tenant_id or "", token_id)
    except NotFound:
        raise
    except AppError as exc:
        flash(_refusal(exc), "error")
    else:
        flash(_("The token is revoked. Anything still using it is refused from now on."), "success")
    return redirect(url_for("panel.settings_tokens"))
