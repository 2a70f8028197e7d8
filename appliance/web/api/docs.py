"""The OpenAPI 3.1 document at /v1/openapi.json and its docs page at /v1/docs (vendored Swagger UI)."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template_string
from flask_openapi3 import Info, OpenAPI
from flask_openapi3_swagger.templates import swagger_html_string

from appliance.core.flows.schema import FlowDocument
from appliance.version import __version__
from appliance.web.errors import ErrorEnvelope, validation_error_response
from appliance.web.json_provider import BoundedJSONProvider
from appliance.web.limited_paths import is_limited

SECURITY_SCHEMES: dict[str, Any] = {
    "apiToken": {"type": "http", "scheme": "bearer", "description": "A store's api token (eba_...)."},
    "visitorToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "From /v1/widget/session.",
    },
}


ENVELOPE = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
INVALID = "Unprocessable Content: details.problems lists every problem"

# Answers given before any handler runs, documented on every operation they can reach rather than
# route by route: the body checks of appliance.web.api.require_json_body and Flask's body limit
# (every write), and the rate limiter (every operation but the health check, which
# appliance.web.limits never limits). A route's own description of the same status is kept.
WRITE_METHODS = frozenset({"post", "put", "patch"})
BODY_ANSWERS = {
    "400": "Bad Request: the body is not valid JSON (invalid_json), or a header is malformed"
    " (such as invalid_idempotency_key)",
    "413": "Content Too Large: the body is over the size limit (payload_too_large)",
    "415": "Unsupported Media Type: a body that is not JSON where JSON is expected (unsupported_media_type)",
}
RATE_LIMITED = {
    "description": "Too Many Requests: over a rate limit (rate_limited); try again after Retry-After seconds",
    "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}},
    "content": ENVELOPE,
}


class EbanistaOpenAPI(OpenAPI):
    """flask-openapi3 with our error envelope documented for every error answer, reading bodies of bounded depth."""

    json_provider_class = BoundedJSONProvider

    def generate_spec_json(self) -> None:
        """Generate the document, then point every 422 at the error envelope (not a bare list) and
        add the answers that the middleware gives to every operation it reaches."""
        super().generate_spec_json()
        schemas = self.spec_json["components"]["schemas"]
        for model in (ErrorEnvelope, FlowDocument):
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
        for path, path_item in self.spec_json["paths"].items():
            for method, operation in path_item.items():
                operation["responses"]["422"] = {"description": INVALID, "content": ENVELOPE}
                add_general_answers(path, method, operation["responses"])


def add_general_answers(path: str, method: str, responses: dict[str, Any]) -> None:
    """Add to ``responses`` what the middleware may answer to ``method path`` before its handler runs."""
    if method in WRITE_METHODS:
        for status, description in BODY_ANSWERS.items():
            responses.setdefault(status, {"description": description, "content": ENVELOPE})
    if is_limited(path):  # the limiter's own rule, so the document cannot drift from it
        responses.setdefault("429", RATE_LIMITED)


def make_openapi_app(import_name: str) -> EbanistaOpenAPI:
    """Return the Flask application object, which also builds the OpenAPI document."""
    app = EbanistaOpenAPI(
        import_name,
        info=Info(title="Ebanista API", version=__version__, description="The public contract of Ebanista."),
        security_schemes=SECURITY_SCHEMES,
        doc_prefix="/v1",
        doc_url="/openapi.json",
        validation_error_status=422,
        validation_error_model=ErrorEnvelope,
        validation_error_callback=validation_error_response,
    )
    app.add_url_rule("/v1/docs", "api_docs", _docs_page)
    return app


def _docs_page() -> str:
    # Swagger UI's assets are vendored by flask-openapi3-swagger and served under /v1/swagger/.
    return render_template_string(
        swagger_html_string,
        doc_url="openapi.json",
        swagger_config=current_app.config.get("SWAGGER_CONFIG"),
        oauth_config=current_app.config.get("OAUTH_CONFIG"),
    )
