"""The `ebanista` command: an interface like the API, whose commands call services that own their
transaction (and the migrations, which are infrastructure).

Each command imports the app and the services it calls when it runs, which keeps `ebanista --help` fast.
"""

from __future__ import annotations

import gc

# Starting up allocates about a million objects that all live on (modules, models, routes): the
# collector would only rescan them, several times, for nothing (0.5 s of a start on this machine).
# It is switched back on before a command's own work (appliance.cli.base.main; `serve` once warm).
gc.disable()

from appliance.cli import backups, console, nlu, plans, serving, storage, stores  # noqa: E402 - after gc.disable()
from appliance.cli.base import main  # noqa: E402

# Importing the command modules registers their commands on ``main``.
COMMANDS = (backups, console, nlu, serving, storage, stores, plans)

__all__ = ["main"]
