"""POST /v1/widget/session: a visitor's page opens (or resumes) a conversation."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from appliance.conversations.visitors import Resume, open_visit
from appliance.infra.runtime import current_runtime
from appliance.infra.store_scope import work_for_store
from appliance.tenants.directory import tenant_by_widget_key
from appliance.web.api.auth import request_origin
from appliance.web.api.models import Body, Language
from appliance.web.api.visitor_errors import speak_visitors_language
from appliance.web.errors import ErrorEnvelope
from appliance.web.request_store import store_read

api = APIBlueprint("widget", __name__, abp_tags=[Tag(name="widget")])
speak_visitors_language(api)


class SessionBody(Body):
    """Which store (its public widget key), and optionally which conversation to resume."""

    widget_key: str = Field(min_length=1, max_length=64)
    session_id: str | None = Field(default=None, max_length=64)
    # The secret this conversation was opened with: without it, an id alone opens a new conversation.
    session_secret: str | None = Field(default=None, max_length=128)
    lang: Language | None = None


class SessionOut(BaseModel):
    """A visitor token for one conversation and the widget's look."""

    token: str
    expires_in: int
    session_id: str
    # Only when the conversation was just given it (a new one): keep it with the id to resume.
    session_secret: str | None = None
    config: dict[str, Any]


@api.post(
    "/widget/session",
    responses={200: SessionOut, 403: ErrorEnvelope, 404: ErrorEnvelope, 503: ErrorEnvelope},
    security=[],
)
def create_session(body: SessionBody) -> Response:
    """Open or resume a conversation for a page whose origin the store allows (call again to renew).

    Resuming needs the conversation's id and the ``session_secret`` given when it was opened; an
    id without its secret opens a new conversation (200, with a new id and secret), never an error.
    """
    rt = current_runtime()
    # The public key names the store (the rate limits' hook read it already, unless they are off or
    # it went by a token the request also sent): the conversation is opened or resumed working for
    # that store alone (row-level security).
    store = store_read()
    if store is None or store.widget_key != body.widget_key:
        store = tenant_by_widget_key(rt, body.widget_key)
    if store is not None:
        work_for_store(store.id)
    languages = request.headers.get("Accept-Language")
    asked = Resume(body.session_id, body.session_secret)
    visit = open_visit(rt, body.widget_key, request_origin(), asked, body.lang, languages)
    return jsonify(visit)
