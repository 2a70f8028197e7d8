"""The /panel blueprint and its navigation bar; page modules import these and add their routes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask import request as flask_request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from appliance.accounts.people import Account, workplaces_of
from appliance.billing.limits import second_factor_required
from appliance.infra.runtime import current_runtime
from appliance.operator.impersonation import note_impersonated_request, note_impersonation_ended
from webui.panel.present import project_word, word
from webui.ui.account import add_account_routes
from webui.ui.area import setup_area
from webui.ui.auth import choose_store, current_principal, safe_next, sign_out
from webui.ui.auth import end_impersonation as end_impersonation_session
from webui.ui.login import SignInArea, add_login_routes
from webui.ui.nav import Nav

panel = Blueprint("panel", __name__, url_prefix="/panel", template_folder="../templates")
panel_nav = Nav()

panel_nav.add("panel.today", _l("Today"), permission="leads.read", order=10, exact=True)
panel_nav.add("panel.leads", _l("Leads"), permission="leads.read", order=20)
panel_nav.add("panel.calendar", _l("Calendar"), permission="agenda.read", order=30)
# Settings pages (P2) sit between 40 and 80; the account page is always last.
panel_nav.add("panel.account", _l("My account"), order=90)


def finish_sign_in(account: Account, next_url: str | None) -> str:
    """Send a signed-in person to their store (choosing it when there is only one), or refuse without one."""
    places = workplaces_of(current_runtime(), account.id)
    if len(places) == 1:
        choose_store(places[0].tenant_id)
        return safe_next(next_url, url_for("panel.today"))
    if places:
        return url_for("panel.stores", next=next_url or None)
    sign_out()
    flash(_("This account does not work for any store yet. Ask the store's owner to invite you."), "error")
    return url_for("panel.login")


def _plan_forces_second_factor(email: str) -> bool:
    # Store staff choose two-factor on their account page, unless a plan of a store they work for
    # requires it (the plan's two_factor_required feature, appliance.billing).
    return second_factor_required(current_runtime(), email)


def _words() -> dict[str, object]:
    """Give templates the words for stored values in the page's language."""
    lang = str(get_locale())
    return {
        "words": lambda kind, value: word(kind, value, lang),
        "project": lambda value: project_word(value, lang),
    }


def _audit_impersonation() -> None:
    """Leave a trace of every request an operator makes while acting as a store, reads included."""
    principal = current_principal()
    if principal is None or principal.impersonation is None:
        return
    tenant_id, token_id = principal.impersonation.tenant_id, principal.impersonation.token_id
    note_impersonated_request(current_runtime(), tenant_id, token_id, flask_request.method, flask_request.path)


setup_area(panel, name="panel", nav=panel_nav, home="panel.today", login="panel.login")
panel.before_request(_audit_impersonation)
panel.context_processor(_words)
add_login_routes(panel, SignInArea("panel", _plan_forces_second_factor, finish_sign_in))
add_account_routes(panel, login="panel.login", store=False)


@panel.post("/impersonation/end")
def end_impersonation() -> Response:
    """Stop acting as the store and go back to the operator's panel."""
    ended = end_impersonation_session()
    if ended is not None:
        note_impersonation_ended(current_runtime(), ended.tenant_id, ended.token_id)
    return redirect("/admin")


@panel.get("/<path:_rest>")
def not_found(_rest: str) -> None:
    """Answer unknown /panel addresses with the panel's 404 page instead of a bare one."""
    from werkzeug.exceptions import NotFound

    raise NotFound()
