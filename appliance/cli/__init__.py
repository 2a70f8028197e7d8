"""The `ebanista` command: an interface like the API, whose commands call services that own their
transaction (and the migrations, which are infrastructure).

Each command imports the app and the services it calls when it runs, which keeps `ebanista --help` fast.
"""

from __future__ import annotations

from appliance.cli import backups, console, nlu, plans, serving, storage, stores
from appliance.cli.base import main

# Importing the command modules registers their commands on ``main``.
COMMANDS = (backups, console, nlu, serving, storage, stores, plans)

__all__ = ["main"]
