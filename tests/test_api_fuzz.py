"""Schemathesis over the whole OpenAPI document, against the live server: as a store's owner, as a
visitor of its widget, and as the platform operator.

Every run generates requests from /v1/openapi.json, valid ones and deliberately invalid ones, and
fails on any 5xx, on a status code, content type or body that the document does not describe, and
on an invalid request that the API accepts. The seed is fixed, the examples are few and failures
are not shrunk, so that a run repeats itself and fits in `make test` on both backends; set
EBANISTA_TEST_FUZZ_EXAMPLES to search harder by hand (the CI budget is FUZZ_EXAMPLES).

Nothing is excluded: each role gets real objects to aim at (the demo store, a lead, an
appointment, the visitor's own conversation), and the operator's purge its own throwaway store.
"""

from __future__ import annotations

import os
import re
import time
from datetime import date, timedelta
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from flask_openapi3 import OpenAPI
from pydantic import BaseModel, Field
from schemathesis.engine import Status, events, from_schema
from schemathesis.schemas import BaseSchema

from appliance.infra.runtime import Runtime, runtime_of
from appliance.tenants.directory import tenant_by_widget_key
from appliance.tenants.registry import TenantSpec, create_tenant
from tests.leads_factory import add_lead
from tests.livesite import Site, served

SEED = 14
# Each operation's fuzzing budget; the coverage phase adds its boundary and type-mutation cases.
FUZZ_EXAMPLES = 25
MAX_EXAMPLES = int(os.environ.get("EBANISTA_TEST_FUZZ_EXAMPLES", FUZZ_EXAMPLES))
# Which operations each role's run takes; together they are the whole document (tested below).
OWNER_PATHS = r"^/v1/(health|flows|config|agenda|appointments|leads|analytics|usage|privacy|channels|webhooks|billing)"
VISITOR_PATHS = r"^/v1/(widget|chat|agenda/slots)"
ADMIN_PATHS = r"^/v1/admin/"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)


def fuzz_config(headers: dict[str, str], parameters: dict[str, Any]) -> schemathesis.Config:
    """Return a repeatable, bounded run that sends ``headers`` and aims at ``parameters``."""
    checks: dict[str, Any] = {"enabled": False} | {name: {"enabled": True} for name in CHECKS}
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": headers,
            "parameters": parameters,
            "generation": {"max-examples": MAX_EXAMPLES, "no-shrink": True, "deterministic": True},
            # Methods a path does not take (405) are not what these runs look for.
            "phases": {"coverage": {"unexpected-methods": []}, "stateful": {"enabled": False}},
            "checks": checks,
        }
    )


def load(site: Site, config: schemathesis.Config, paths: str) -> BaseSchema:
    """Load the live document, keeping only the operations whose path matches ``paths``."""
    schema = schemathesis.openapi.from_url(f"{site.url}/v1/openapi.json", config=config)
    return schema.include(path_regex=paths)


def failures_of(schema: BaseSchema) -> list[str]:
    """Run every phase over ``schema``; return each failure with a curl command that reproduces it."""
    found: list[str] = []
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.status in (Status.FAILURE, Status.ERROR):
            for checks in event.recorder.checks.values():
                found += [_described(event.label, c.failure_info) for c in checks if c.failure_info]
        elif isinstance(event, events.NonFatalError):
            found.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            found.append(f"schemathesis stopped: {event.exception!r}")
    # Shown with -s or on failure: the budget of `make test` is watched by the time each role takes.
    print(f"schemathesis: {time.monotonic() - started:.1f} s")
    return found


def _described(label: str | None, info: Any) -> str:
    return f"{label}: {info.failure.title}: {info.failure.message}\n    {info.code_sample[:600]}"


def demo_tenant_id(rt: Runtime, site: Site) -> str:
    return tenant_by_widget_key(rt, site.demo["widget_key"]).id


def book_demo_visit(app: Flask, site: Site) -> str:
    """Book the first free showroom visit of the demo store through the API; return its id."""
    client, headers = app.test_client(), {"Authorization": f"Bearer {site.demo['api_token']}"}
    today = date.today()
    query = {"service": "showroom_visit", "from": str(today), "to": str(today + timedelta(days=30))}
    slot = client.get("/v1/agenda/slots", query_string=query, headers=headers).get_json()["slots"][0]
    body = {"service": "showroom_visit", "start": slot["start"], "name": "Ana Serra", "email": "ana@example.com"}
    return client.post("/v1/appointments", json=body, headers=headers).get_json()["id"]


def test_the_store_api_answers_its_owner_as_documented(site: Site, app: Flask) -> None:
    rt = runtime_of(app)
    aims = {
        "lead_id": add_lead(rt, demo_tenant_id(rt, site), email="ana@example.com", phone="+34612345678"),
        "appointment_id": book_demo_visit(app, site),
        "kind": "branding",
        "service": "showroom_visit",
    }
    config = fuzz_config({"Authorization": f"Bearer {site.demo['api_token']}"}, aims)
    schema = load(site, config, OWNER_PATHS)
    failures = failures_of(schema)
    assert not failures, "\n".join(failures)


def open_visit(app: Flask, site: Site) -> dict[str, Any]:
    """Open a widget session on the demo store from the live site's own origin."""
    body = {"widget_key": site.demo["widget_key"]}
    answer = app.test_client().post("/v1/widget/session", json=body, headers={"Origin": site.url})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_the_widget_and_chat_api_answer_a_visitor_as_documented(site: Site, app: Flask) -> None:
    visit = open_visit(app, site)
    session_id = visit["session_id"]
    headers = {"Authorization": f"Bearer {visit['token']}", "Origin": site.url}
    aims = {"session_id": session_id, "service": "showroom_visit"}
    schema = load(site, fuzz_config(headers, aims), VISITOR_PATHS)

    @schema.hook
    def map_body(context: Any, body: Any) -> Any:
        # Bodies name the conversation (and the widget key): a valid one is swapped for the
        # visitor's own, so that generated replies reach the bot instead of a 404; an invalid
        # one is left as it is, to be refused.
        if isinstance(body, dict):
            for name, value in (("session_id", session_id), ("widget_key", site.demo["widget_key"])):
                if isinstance(body.get(name), str) and 0 < len(body[name]) <= 64:
                    body[name] = value
        return body

    failures = failures_of(schema)
    assert not failures, "\n".join(failures)


@pytest.fixture
def throwaway_store(app: Flask) -> str:
    """A store of its own for the purge, which would otherwise delete the demo store mid-run."""
    with runtime_of(app).transaction() as db:
        return create_tenant(db, TenantSpec(name="Fusta Efímera", slug="efimera")).id


def test_the_admin_api_answers_the_operator_as_documented(site: Site, app: Flask, throwaway_store: str) -> None:
    rt = runtime_of(app)
    headers = {"Authorization": f"Bearer {site.demo['admin_token']}"}
    schema = load(site, fuzz_config(headers, {"tenant_id": demo_tenant_id(rt, site)}), ADMIN_PATHS)

    @schema.hook
    def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> dict[str, Any] | None:
        # The purge aims at a store of its own, so that the other operations keep the demo store.
        if context.operation.path.endswith("/purge") and isinstance(path_parameters, dict):
            path_parameters["tenant_id"] = throwaway_store
        return path_parameters

    failures = failures_of(schema)
    assert not failures, "\n".join(failures)


def test_the_three_runs_cover_the_whole_document(client: FlaskClient) -> None:
    paths = client.get("/v1/openapi.json").get_json()["paths"]
    runs = (OWNER_PATHS, VISITOR_PATHS, ADMIN_PATHS)
    assert [p for p in paths if not any(re.match(run, p) for run in runs)] == []


class Dial(BaseModel):
    """How the harness's own server should answer."""

    n: int = Field(ge=0, le=1000)


def test_the_harness_fails_on_a_server_error_and_on_an_undocumented_status() -> None:
    # A server that is wrong on purpose, so that the runs above are known to be able to fail.
    wrong = OpenAPI(__name__, doc_prefix="/v1", doc_url="/openapi.json", security_schemes={})

    @wrong.get("/v1/teapot", responses={200: None})
    def teapot(query: Dial) -> tuple[str, int]:
        return "short and stout", 418

    @wrong.get("/v1/boom", responses={200: None})
    def boom(query: Dial) -> str:
        raise RuntimeError("boom")

    with served(wrong) as url:
        failures = failures_of(load(Site(url, {}), fuzz_config({}, {}), r"^/v1/"))
    assert any(f.startswith("GET /v1/teapot: Undocumented status code") for f in failures), failures
    assert any(f.startswith("GET /v1/boom: Server error") for f in failures), failures
