"""The visitor's conversation: start, send, and the whole transcript."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, model_validator

from appliance.channels import web as channel
from appliance.channels.base import Inbound
from appliance.conversations.attachments import MAX_BYTES
from appliance.infra.idempotency import check_key
from appliance.infra.runtime import current_runtime
from appliance.security.visitor import VisitorClaims
from appliance.tenants.directory import TenantInfo
from appliance.web.api.auth import current_visitor
from appliance.web.api.models import IDEMPOTENCY_KEY, AttachmentOut, Body, Language, TurnAnswer
from appliance.web.api.visitor_errors import speak_visitors_language
from appliance.web.errors import ErrorEnvelope
from appliance.web.files import file_response
from appliance.web.request_store import store_read

api = APIBlueprint("chat", __name__, abp_tags=[Tag(name="chat")])
# The longest message a visitor may send (the widget says it before sending, too).
MAX_TEXT = 2000
speak_visitors_language(api, MAX_TEXT)
VISITOR = [{"visitorToken": []}]
ERRORS = {401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, 503: ErrorEnvelope}


class StartBody(Body):
    """Which conversation to start, optionally in which language."""

    session_id: str = Field(max_length=64)
    lang: Language | None = None


class SendBody(Body):
    """Exactly one of text, choice, value or skip; or only lang, to switch language."""

    session_id: str = Field(max_length=64)
    text: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    choice: str | None = Field(default=None, max_length=255)
    value: Any = None
    skip: bool | None = None
    lang: Language | None = None

    @model_validator(mode="after")
    def _one_reply(self) -> SendBody:
        given = [k for k in ("text", "choice", "value", "skip") if k in self.model_fields_set]
        if len(given) > 1 or (not given and self.lang is None):
            raise ValueError("send exactly one of text, choice, value or skip (or only lang)")
        if self.skip is False:
            raise ValueError("skip can only be true")
        return self

    def inbound(self, idempotency_key: str | None) -> Inbound:
        """Return the visitor's message this body carries, as the web channel reads it."""
        fields = {name: getattr(self, name) for name in self.model_fields_set - {"session_id"}}
        return replace(channel.WEB.parse(fields), idempotency_key=idempotency_key)


def open_store_visitor(session_id: str, lang: str | None = None) -> tuple[VisitorClaims, TenantInfo | None]:
    """Return the visitor's claims for ``session_id`` and their store; while the store is in
    maintenance, answer 503 with its message in the visitor's language instead."""
    claims = current_visitor(session_id)
    info = channel.arrive(current_runtime(), claims, store_read(), lang, request.headers.get("Accept-Language"))
    return claims, info


class SessionPath(BaseModel):
    """The conversation in the path."""

    session_id: str = Field(max_length=64)


@api.post("/chat/start", responses={200: TurnAnswer, **ERRORS}, security=VISITOR)
def start_chat(body: StartBody) -> Response:
    """Start the conversation (the bot's first messages); on a started one, say where it stands."""
    claims, info = open_store_visitor(body.session_id, body.lang)
    return jsonify(channel.start(current_runtime(), claims, info, body.lang))


@api.post(
    "/chat/send",
    responses={200: TurnAnswer, 409: ErrorEnvelope, **ERRORS},
    security=VISITOR,
    openapi_extensions={"parameters": [IDEMPOTENCY_KEY]},
)
def send_chat(body: SendBody) -> Response:
    """Send the visitor's reply; a wrong value is explained by the bot (200), never an error."""
    claims, info = open_store_visitor(body.session_id, body.lang)
    inbound = body.inbound(check_key(request.headers.get("Idempotency-Key")))
    answer, replayed = channel.send(current_runtime(), claims, info, inbound, request.get_json())
    response = jsonify(answer)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@api.get("/chat/<session_id>", responses={200: TurnAnswer, **ERRORS}, security=VISITOR)
def get_chat(path: SessionPath) -> Response:
    """Return the whole conversation (visitor and bot) and what it waits for."""
    claims, info = open_store_visitor(path.session_id)
    return jsonify(channel.transcript(current_runtime(), claims, info))


@api.post(
    "/chat/<session_id>/attachments",
    responses={
        201: AttachmentOut,
        400: ErrorEnvelope,
        409: ErrorEnvelope,
        413: ErrorEnvelope,
        415: ErrorEnvelope,
        **ERRORS,
    },
    security=VISITOR,
    openapi_extensions={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                }
            },
        }
    },
)
def upload_attachment(path: SessionPath) -> tuple[Response, int]:
    """Attach a photo or a plan (JPG, PNG or PDF up to 5 MB, checked by content) to the conversation.

    Images are re-encoded without their EXIF data (GPS included) and get a thumbnail; PDFs with
    scripts or launch actions are refused (415 file_unreadable). Up to 30 files per conversation
    (409 too_many_files); a media question takes up to `max_files` of them as a list.
    """
    claims, _info = open_store_visitor(path.session_id)
    upload = request.files.get("file")
    data = upload.read(MAX_BYTES + 1) if upload else None
    stored = channel.attach(current_runtime(), claims, data, upload.filename if upload else None)
    return jsonify(stored), 201


class FilePath(BaseModel):
    """A file of the conversation."""

    session_id: str = Field(max_length=64)
    file_id: str = Field(max_length=64)


class FileQuery(BaseModel):
    """The link's signature, and which form of the file."""

    sig: str = Field(max_length=2048, description="The signature of the link, as given in `url`.")
    size: Literal["full", "thumb"] = "full"


@api.get(
    "/chat/<session_id>/files/<file_id>",
    responses={200: None, 404: ErrorEnvelope, **ERRORS},
    openapi_extensions={"security": []},
)
def get_attachment(path: FilePath, query: FileQuery) -> Response:
    """Return a file of the conversation (or its thumbnail) through the signed link of its `url`.

    No token: the link itself is the permission (an image tag cannot send one), for one file, a day.
    """
    data, content_type, name = channel.attachment(
        current_runtime(), path.session_id, path.file_id, query.sig, query.size == "thumb"
    )
    return file_response(data, content_type, name, cross_origin=True)
