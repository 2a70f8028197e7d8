"""The app's own cheroot server in N processes on one port, web only, as `ebanista serve
--processes N --no-worker` runs a platform node (one process: as `ebanista serve --no-worker`).

    python bench/_cheroot.py PORT PROCESSES
"""

from __future__ import annotations

import sys

from _app import make

from appliance.server import serve, serve_processes

if __name__ == "__main__":
    port, processes = int(sys.argv[1]), int(sys.argv[2])
    if processes == 1:
        serve(make(), "127.0.0.1", port, with_worker=False)
    else:
        serve_processes(make, "127.0.0.1", port, processes)
