"""The container's health check: healthy only when /v1/health answers and says the database is ok."""

from __future__ import annotations

import json
import os
import sys
import urllib.request

URL = os.environ.get("EBANISTA_HEALTH_URL", "http://127.0.0.1:8000/v1/health")

try:
    with urllib.request.urlopen(URL, timeout=4) as response:  # noqa: S310 - a fixed local address
        checks = json.load(response).get("checks", {})
except (OSError, ValueError) as exc:
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
if checks.get("database") != "ok":
    print(f"unhealthy: database {checks.get('database')}", file=sys.stderr)
    sys.exit(1)
