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

SECURITY_SCHEMES: dict[str, Any] = {
    "apiToken": {"type": "http", "scheme": "bearer", "description": "A store's api token (eba_...)."},
    "visitorToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "From /v1/widget/session.",
    },
}


class EbanistaOpenAPI(OpenAPI):
    """flask-openapi3 with our error envelope documented for every 422, reading bodies of bounded depth."""

    json_provider_class = BoundedJSONProvider

    def generate_spec_json(self) -> None:
        """Generate the document, then point every 422 at the error envelope (not a bare list)."""
        super().generate_spec_json()
        schemas = self.spec_json["components"]["schemas"]
        for model in (ErrorEnvelope, FlowDocument):
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
        for path_item in self.spec_json["paths"].values():
            for operation in path_item.values():
                operation["responses"]["422"] = {
                    "description": "Unprocessable Content: details.problems lists every problem",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
                }


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
