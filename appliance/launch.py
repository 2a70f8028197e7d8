"""The `ebanista` command's entry (pip's script, `python -m appliance` and the binary).

Starting up allocates about a million objects that all live on (modules, models, routes): the
garbage collector would only rescan them, several times, for nothing (0.5 s of a start on the
development machine). It is off while the program loads and switched back on before a command's
own work (appliance.cli.base.main; `serve` once its language models are loaded). Importing
appliance.cli elsewhere (the tests) leaves the collector alone.
"""

from __future__ import annotations

import gc


def run() -> None:
    """Run the `ebanista` command with the collector off while it loads."""
    gc.disable()
    from appliance.cli import main

    main(prog_name="ebanista")
