"""Where the scheduler says what it runs and when, for the operator console to read.

The scheduler lives in the worker (the appliance's one process, or the platform's worker nodes)
while the console asks a web node: both meet in the shared cache. Each job's entry says its
interval, its last run and its next one; entries expire when no scheduler refreshes them, so a
platform without a worker shows no jobs rather than stale ones.
"""

from __future__ import annotations

import json
import time
from typing import Any

from appliance.infra.cache import Cache

INDEX_KEY = "scheduler:board"
KEEP_SECONDS = 3 * 86400


def note_job(cache: Cache, name: str, interval: int, next_run: float, last_run: float | None = None) -> None:
    """Record that job ``name`` (every ``interval`` seconds) runs next at ``next_run`` (epoch seconds)."""
    entry = {"name": name, "interval_seconds": interval, "last_run": last_run, "next_run": next_run}
    ttl = max(KEEP_SECONDS, interval * 3)
    cache.set(f"{INDEX_KEY}:{name}", json.dumps(entry), ttl=ttl)
    names = set(filter(None, (cache.get(INDEX_KEY) or "").split(",")))
    if name not in names:
        cache.set(INDEX_KEY, ",".join(sorted({*names, name})), ttl=ttl)


def noted_jobs(cache: Cache) -> list[dict[str, Any]]:
    """Return the jobs some scheduler reported, soonest next run first."""
    names = sorted(filter(None, (cache.get(INDEX_KEY) or "").split(",")))
    found = [json.loads(raw) for raw in cache.get_many([f"{INDEX_KEY}:{n}" for n in names]) if raw]
    return sorted(found, key=lambda job: job["next_run"] or time.time())
