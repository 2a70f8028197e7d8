"""Measure how long the server takes to create a store through `POST /v1/admin/tenants`.

Run as `.venv/bin/python bench/tenant_create.py [runs]`. Each run creates one store with an owner
invitation and an allowed origin, through the whole stack (auth, validation, the transaction that
writes the tenant, its default configs, the published base flow, the owner and the audit entry),
timed inside the process, so the figures are server time without the network. The target is every
run under 1 s (operators are promised a live store within 20 s end to end).

By default it runs on SQLite in a scratch folder; set EBANISTA_DATABASE_URL (and EBANISTA_REDIS_URL,
EBANISTA_MODE=platform) to measure against PostgreSQL and Redis. Stores are added, never deleted, so
point it at a scratch database.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from appliance.app import create_app
from appliance.infra.db.migrate import upgrade
from appliance.infra.runtime import runtime_of
from appliance.tenants.registry import create_api_token, upsert_user

TARGET_MS = 1000.0
DEFAULT_RUNS = 30


def build_app(scratch: Path):
    """Return a migrated app on the configured database, or on SQLite in ``scratch``."""
    # Request log lines would bury the figures.
    overrides: dict[str, object] = {"rate_limits": "off", "data_dir": scratch, "log_level": "warning"}
    if not os.environ.get("EBANISTA_DATABASE_URL"):
        overrides["database_url"] = f"sqlite:///{scratch / 'bench.db'}"
    app = create_app(overrides)
    upgrade(runtime_of(app).engine)
    return app


def operator_token(app) -> str:
    """Return a new SUPER_ADMIN api token."""
    with runtime_of(app).transaction() as db:
        user = upsert_user(
            db, f"bench-{uuid.uuid4().hex[:8]}@ebanista.test", uuid.uuid4().hex, platform_role="SUPER_ADMIN"
        )
        return create_api_token(db, None, "SUPER_ADMIN", name="bench", user=user)[1]


def measure(runs: int) -> list[float]:
    """Return the server time of ``runs`` store creations, in milliseconds (after one warm-up)."""
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        client = app.test_client()
        headers = {"Authorization": f"Bearer {operator_token(app)}"}
        timings = []
        for i in range(runs + 1):
            tag = uuid.uuid4().hex[:10]
            body = {
                "name": f"Fusteria Bench {tag}",
                "allowed_origins": ["https://www.fusteria-bench.es"],
                "owner_email": f"owner-{tag}@fusteria-bench.es",
            }
            started = time.perf_counter()
            response = client.post("/v1/admin/tenants", json=body, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 201:
                raise SystemExit(f"run {i}: {response.status_code} {response.get_data(as_text=True)}")
            if i:  # the first request pays for imports and caches
                timings.append(elapsed)
        return timings


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_RUNS
    timings = sorted(measure(runs))
    backend = "platform" if os.environ.get("EBANISTA_DATABASE_URL", "").startswith("postgres") else "sqlite"
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"POST /v1/admin/tenants on {backend}, {len(timings)} runs (ms):")
    print(f"  min {timings[0]:.1f}  median {statistics.median(timings):.1f}  p95 {p95:.1f}  max {timings[-1]:.1f}")
    verdict = "OK" if timings[-1] < TARGET_MS else "OVER TARGET"
    print(f"  target: every run under {TARGET_MS:.0f} ms -> {verdict}")


if __name__ == "__main__":
    main()
