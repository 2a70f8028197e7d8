"""The benchmark's server: the real app and server, plus one bare endpoint that does one INSERT.

The extra endpoint exists only here, so production code carries no benchmark routes; everything
else (waitress, threads, the worker, settings from the environment) is what `ebanista serve` runs.
"""

from __future__ import annotations

import os
import sys

from flask import jsonify
from sqlalchemy import insert

from appliance.app import create_app
from appliance.core.ids import new_id
from appliance.infra.db import AnalyticsEvent, Tenant, utcnow
from appliance.infra.db.migrate import upgrade
from appliance.infra.runtime import runtime_of
from appliance.server import serve
from appliance.tenants.demo import seed_demo


def main() -> None:
    port = int(sys.argv[1])
    # Many simulated visitors come from one address: limits are off unless the run asks for them.
    app = create_app({"rate_limits": os.environ.get("EBANISTA_RATE_LIMITS", "off")})
    rt = runtime_of(app)
    upgrade(rt.engine)
    with rt.transaction() as db:
        demo = seed_demo(db, rt.settings.public_url)
        tenant_id = db.query(Tenant.id).filter_by(slug="demo").scalar()
    statement = insert(AnalyticsEvent)

    def bare_insert():  # the ceiling: one INSERT and a commit per request, through the same stack
        with rt.engine.begin() as conn:
            row = {"id": new_id("ev"), "tenant_id": tenant_id, "name": "bench", "data": {}, "created_at": utcnow()}
            conn.execute(statement, row)
        return jsonify({"ok": True})

    app.add_url_rule("/bench/insert", "bench_insert", bare_insert, methods=["POST"])
    print(demo["widget_key"], flush=True)
    serve(app, "127.0.0.1", port, with_worker=True)


if __name__ == "__main__":
    main()
