"""The benchmarks' app: the real app plus one bare endpoint that does one INSERT (the ceiling).

The extra endpoint exists only here, so production code carries no benchmark routes. Any WSGI
server can load it (`_app:make()` with `bench/` on the path); `python bench/_app.py seed` migrates
and seeds the demo store first and prints its widget key.
"""

from __future__ import annotations

import os
import sys

from flask import Flask, jsonify, request
from sqlalchemy import insert, select

from appliance.app import create_app
from appliance.core.ids import new_id
from appliance.infra.db import AnalyticsEvent, Tenant, utcnow
from appliance.infra.db.migrate import upgrade
from appliance.infra.runtime import runtime_of
from appliance.tenants.demo import seed_demo


def make() -> Flask:
    """Return the app with /bench/insert; the demo store must exist (``seed``)."""
    # Many simulated visitors come from one address: limits are off unless the run asks for them.
    app = create_app({"rate_limits": os.environ.get("EBANISTA_RATE_LIMITS", "off")})
    rt = runtime_of(app)
    with rt.engine.connect() as conn:
        tenant_id = conn.execute(select(Tenant.id).where(Tenant.slug == "demo")).scalar_one()
    statement = insert(AnalyticsEvent)

    def bare_insert():  # one INSERT and a commit per request, through the same stack as a turn
        request.get_json()  # read the body, as every real endpoint does
        with rt.engine.begin() as conn:
            row = {"id": new_id("ev"), "tenant_id": tenant_id, "name": "bench", "data": {}, "created_at": utcnow()}
            conn.execute(statement, row)
        return jsonify({"ok": True})

    app.add_url_rule("/bench/insert", "bench_insert", bare_insert, methods=["POST"])
    return app


def seed() -> str:
    """Migrate, seed the demo store and return its widget key."""
    app = create_app({"rate_limits": "off"})
    rt = runtime_of(app)
    upgrade(rt.engine)
    with rt.transaction() as db:
        return seed_demo(db, rt.settings.public_url)["widget_key"]


if __name__ == "__main__" and sys.argv[1:] == ["seed"]:
    print(seed(), flush=True)
