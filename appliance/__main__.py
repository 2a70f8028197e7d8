"""`python -m appliance` is the `ebanista` command (the binary and the tests use it)."""

from __future__ import annotations

from appliance.launch import run

run()
