"""What every panel blueprint gets with one call: CSRF checks, error pages, security headers and the layout's data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from flask import Blueprint, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from appliance.errors import AppError
from webui.ui.auth import current_principal
from webui.ui.i18n import LANGUAGE_NAMES, LANGUAGES, select_language
from webui.ui.nav import Nav

log = structlog.get_logger(__name__)

# Our pages load only our own files; htmx and the calendar set inline style attributes, which is allowed.
PANEL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def setup_area(bp: Blueprint, *, name: str, nav: Nav | None, home: str, login: str) -> None:
    """Make ``bp`` a panel area: every unsafe request needs a CSRF token, errors are pages in the layout,
    responses carry strict headers, and templates get the area's navigation."""
    bp.before_request(_protect)
    bp.after_request(_harden)
    bp.context_processor(lambda: _layout(name, nav, home, login))
    bp.register_error_handler(CSRFError, _csrf_page)
    bp.register_error_handler(AppError, _app_error_page)
    bp.register_error_handler(HTTPException, _http_error_page)


def _protect() -> None:
    current_app.extensions["csrf"].protect()


def _harden(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", PANEL_CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype == "text/html":
        # Pages show personal data: no shared cache and no back-button copy after sign-out.
        response.headers["Cache-Control"] = "no-store"
    return response


def _layout(name: str, nav: Nav | None, home: str, login: str) -> dict[str, Any]:
    principal = current_principal()
    return {
        "area": name,
        "area_home": home,
        "area_login": login,
        "principal": principal,
        "nav_links": nav.visible(principal) if nav else [],
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "current_language": select_language(),
        "impersonation": principal.impersonation if principal else None,
        "impersonation_ended": g.get("impersonation_ended", False),
    }


def error_page(status: int, title: str, message: str) -> tuple[str, int]:
    """Render the layout's error page with ``status``."""
    return render_template("ui/error.html", status=status, title=title, message=message), status


def _csrf_page(exc: CSRFError) -> tuple[str, int]:
    log.info("csrf_refused", path=request.path, reason=exc.description)
    return error_page(
        400,
        _("The form has expired"),
        _("For your security the form could not be sent. Go back, reload the page and try again."),
    )


def _app_error_page(exc: AppError) -> tuple[str, int]:
    titles: dict[int, Callable[[], str]] = {
        403: lambda: _("Not allowed"),
        404: lambda: _("Not found"),
        409: lambda: _("That clashes with something else"),
        422: lambda: _("Some values are not valid"),
    }
    messages: dict[int, Callable[[], str]] = {
        403: lambda: _("Your role does not allow this page. Ask the store's owner if you need it."),
        404: lambda: _("There is nothing here. It may have been removed, or the link is wrong."),
    }
    title = titles.get(exc.status, lambda: _("Something went wrong"))()
    message = messages.get(exc.status, lambda: exc.message)()
    return error_page(exc.status, title, message)


def _http_error_page(exc: HTTPException) -> tuple[str, int] | HTTPException:
    status = exc.code or 500
    if status == 404:
        return error_page(
            404, _("Not found"), _("There is nothing here. It may have been removed, or the link is wrong.")
        )
    if status == 403:
        return error_page(
            403, _("Not allowed"), _("Your role does not allow this page. Ask the store's owner if you need it.")
        )
    if status == 400:
        return error_page(400, _("Bad request"), _("The request could not be understood. Go back and try again."))
    if status == 405:
        return error_page(405, _("Not available"), _("This address does not take that kind of request."))
    return exc
