"""The real widget running inside the panel, for staff to try a version of the flow (a draft too) or
colours, texts and position they have not saved yet.

The preview page loads the same /widget.js stores paste into their websites, after a small script
(preview-shim.js) that sends the widget's one session request to this panel instead of the
public API: the panel opens a preview conversation on the chosen version (appliance.conversations.
preview) and, for unsaved looks, answers with the look the form describes. Everything else the
widget does goes to the public chat API as on any website, so what staff see is what visitors get.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import jsonify, render_template, request
from pydantic import BaseModel, Field, ValidationError
from werkzeug.wrappers import Response

from appliance.configs import documents as configs
from appliance.conversations.preview import open_preview
from appliance.conversations.visitors import widget_config
from appliance.errors import BadRequest, NotFound
from appliance.infra.runtime import current_runtime
from appliance.tenants.directory import tenant_info
from webui.panel.blueprint import panel
from webui.panel.config_forms import LANGUAGES, branding_from_form
from webui.ui.auth import in_store, require

# The preview page is framed by the panel's own flow and widget pages, and by nothing else.
PREVIEW_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


class PreviewSession(BaseModel):
    """What the preview page's widget asks for: a version (none: the published one), a conversation to resume."""

    version: int | None = Field(default=None, ge=1)
    session_id: str | None = Field(default=None, max_length=64)
    lang: str | None = Field(default=None, max_length=8)


@panel.get("/preview")
@require("flows.write")
def preview() -> Response:
    """Show a page with the widget on it, trying ``version`` (or the published flow) and, with
    ``look=1``, the colours, greeting and position given in the query (the widget form's fields)."""
    version = request.args.get("version", type=int)
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else None
    look = _unsaved_look(lang) if request.args.get("look") else None
    html = render_template(
        "panel/preview.html",
        version=version,
        lang=lang,
        look=look,
        start_open=bool(request.args.get("open")),
        widget_key=f"preview-{version or 'published'}",
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@panel.post("/preview/session")
@require("flows.write")
def preview_session() -> Response:
    """Open (or resume) a preview conversation for the widget on the preview page."""
    try:
        wanted = PreviewSession.model_validate(request.get_json(silent=True) or {})
    except ValidationError:
        raise BadRequest("The preview could not start.") from None
    origin = request.headers.get("Origin") or request.host_url.rstrip("/")
    tenant_id = in_store()[1]
    opened = open_preview(current_runtime(), tenant_id, origin, wanted.version, wanted.lang, wanted.session_id)
    return jsonify(opened)


def _unsaved_look(lang: str | None) -> dict[str, Any] | None:
    """Return the widget's look as the widget form in the query describes it (None when it is not valid)."""
    rt = current_runtime()
    tenant_id = in_store()[1]
    info = tenant_info(rt, tenant_id)
    if info is None:
        raise NotFound("This store does not exist.")
    saved = configs.current_config(rt, tenant_id, "branding")["payload"]
    branding, problems = configs.parse_config("branding", branding_from_form(request.args, saved))
    if branding is None or problems:
        return None
    language = lang if lang in info.languages else info.default_language
    return widget_config(dataclasses.replace(info, branding=branding), language)
