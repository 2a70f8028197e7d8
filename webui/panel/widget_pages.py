"""The Widget & branding page: colours, logo, greetings and way of speaking per language, position,
the websites allowed to show the chat, the snippet to paste, and the widget key."""

from __future__ import annotations

from typing import Any

from flask import Response as FlaskResponse
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from appliance.configs import documents as configs
from appliance.configs.logos import read_logo, store_logo
from appliance.errors import AppError
from appliance.infra.runtime import current_runtime
from appliance.operator.controls import rotate_widget_key
from appliance.operator.tenants import snippet, update_store
from appliance.tenants.validation import origin_problem, parse_origins
from webui.panel.blueprint import panel, panel_nav
from webui.panel.config_forms import (
    FORM_PROBLEMS,
    LANGUAGES,
    branding_from_form,
    opening_from_form,
    texts_from_form,
)
from webui.ui.auth import in_store, require

panel_nav.add("panel.widget", _l("Widget & branding"), permission="config.write", order=50)

LOGO_CACHE = "public, max-age=31536000, immutable"  # a logo's address changes with each upload


def _saved() -> dict[str, Any]:
    """Return what the page shows when nothing was typed yet: the saved settings."""
    saved = configs.widget_settings(current_runtime(), in_store()[1])
    # The page offers only the languages it has fields for.
    return saved | {"languages": [lang for lang in saved["languages"] if lang in LANGUAGES]}


def _page(values: dict[str, Any], problems: list[dict[str, str]], status: int = 200) -> tuple[str, int]:
    rt = current_runtime()
    html = render_template(
        "panel/widget.html",
        **values,
        problems=problems,
        snippet=snippet(rt.settings.public_url, values["widget_key"]),
        language_names=_language_names(),
    )
    return html, status


@panel.get("/widget")
@require("config.write")
def widget() -> tuple[str, int]:
    """Show the widget's settings with a live preview."""
    return _page(_saved(), [])


@panel.post("/widget")
@require("config.write")
def widget_save() -> Response | tuple[str, int]:
    """Save the look, greetings, way of speaking and allowed websites, or show every problem and keep the form."""
    saved = _saved()
    branding = branding_from_form(request.form, saved["branding"])
    texts = texts_from_form(request.form, saved["texts"])
    opening = opening_from_form(request.form, saved["opening"])
    origins = parse_origins(request.form.get("allowed_origins") or "")
    problems = [p for kind, payload in _kinds(branding, texts, opening) for p in configs.parse_config(kind, payload)[1]]
    problems += [
        {"path": "allowed_origins", "message": _origin_message(origin)} for origin in origins if origin_problem(origin)
    ]
    if problems:
        typed = {"branding": branding, "texts": texts, "opening": opening, "origins": origins}
        return _page(saved | typed, problems, FORM_PROBLEMS)
    rt = current_runtime()
    changed = False
    for kind, payload in _kinds(branding, texts, opening):
        before = saved["opening" if kind == "widget" else kind]
        if configs.parse_config(kind, payload)[0] != configs.parse_config(kind, before)[0]:
            configs.put(rt, in_store()[1], kind, payload, in_store()[0].user_id)
            changed = True
    if origins != saved["origins"]:
        update_store(rt, in_store()[1], {"allowed_origins": origins})
        changed = True
    if changed:
        flash(_("Saved. Your website shows the changes the next time a page opens."), "success")
    else:
        flash(_("Nothing had changed."), "info")
    return redirect(url_for("panel.widget"))


def _kinds(
    branding: dict[str, Any], texts: dict[str, Any], opening: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    # The page edits three configuration kinds; "widget" holds when the chat opens by itself.
    return [("branding", branding), ("texts", texts), ("widget", opening)]


def _origin_message(origin: str) -> str:
    return _(
        "%(origin)s is not a website address like https://www.mystore.es (a * may stand for any subdomain or port).",
        origin=origin,
    )


@panel.post("/widget/logo")
@require("config.write")
def widget_logo() -> Response:
    """Upload a new logo and show it in the widget at once."""
    upload = request.files.get("logo")
    rt = current_runtime()
    try:
        file_id = store_logo(rt, in_store()[1], upload.read() if upload else None)
    except AppError as exc:
        refusals = {
            "file_missing": _("Choose an image file for the logo."),
            "file_too_large": _("The logo can be up to 1 MB. Try a smaller image."),
            "file_type_not_allowed": _("The logo must be a PNG or JPG image."),
        }
        flash(refusals.get(exc.code, exc.message), "error")
        return redirect(url_for("panel.widget"))
    # The widget runs on the store's website, so the logo needs this server's full address.
    branding = _saved()["branding"] | {"logo_url": url_for("panel.logo", file_id=file_id, _external=True)}
    configs.put(rt, in_store()[1], "branding", branding, in_store()[0].user_id)
    flash(_("The new logo is saved."), "success")
    return redirect(url_for("panel.widget"))


@panel.get("/logos/<file_id>")
def logo(file_id: str) -> FlaskResponse:
    """Serve a store's logo to anyone: it is shown on the store's own website, in the widget."""
    found = read_logo(current_runtime(), file_id)
    response = FlaskResponse(found.data, mimetype=found.content_type)
    response.headers["Cache-Control"] = LOGO_CACHE
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@panel.post("/widget/rotate-key")
@require("widget.rotate_key")
def widget_rotate_key() -> Response:
    """Give the widget a new key; the old one stops opening chats at once."""
    rotate_widget_key(current_runtime(), in_store()[1])
    flash(
        _("The widget has a new key. Paste the new snippet into your website now: the old one no longer works."),
        "warning",
    )
    return redirect(url_for("panel.widget") + "#snippet")


def _language_names() -> dict[str, str]:
    return {"es": _("Spanish"), "ca": _("Catalan"), "pt": _("Portuguese"), "en": _("English")}
