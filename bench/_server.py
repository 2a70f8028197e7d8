"""The benchmark's appliance server: the real app with /bench/insert, served as `ebanista serve`
serves it (cheroot, its threads, the task worker and scheduler in the same process)."""

from __future__ import annotations

import sys

from _app import make, seed

from appliance.server import serve

if __name__ == "__main__":
    key = seed()
    app = make()
    print(key, flush=True)
    serve(app, "127.0.0.1", int(sys.argv[1]), with_worker=True)
