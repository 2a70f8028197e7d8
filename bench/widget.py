"""Benchmark: the widget's weight and how fast its launcher appears, in headless Chromium.

    .venv/bin/python bench/widget.py [loads]

Starts `ebanista serve` with the demo store, fetches /widget.js as a browser does (gzip) and
loads /demo several times, timing from the moment the script finished downloading to the moment
the launcher is on screen. Targets: at most 12 KB gzipped; launcher within 100 ms of the script.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
EBANISTA = [sys.executable, "-m", "appliance"]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# Runs in the page before its scripts: notes when the launcher first exists and is laid out.
WATCH = """
(() => {
  const look = () => {
    const host = document.getElementById('ebanista-widget');
    const button = host && host.shadowRoot && host.shadowRoot.querySelector('button[part="launcher"]');
    if (button && button.getBoundingClientRect().width > 0) { window.__launcher = performance.now(); return; }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gzipped_size(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        return len(response.read())


def launcher_delays(url: str, loads: int) -> list[float]:
    delays = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(loads):
            page = browser.new_page()
            page.add_init_script(WATCH)
            page.goto(f"{url}/demo")
            page.wait_for_function("window.__launcher !== undefined", timeout=10_000)
            delays.append(
                page.evaluate(
                    "window.__launcher - performance.getEntriesByType('resource')"
                    ".find(e => e.name.endsWith('/widget.js')).responseEnd"
                )
            )
            page.close()
        browser.close()
    return delays


def main() -> None:
    loads = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "EBANISTA_DATA_DIR": data, "EBANISTA_LOG_LEVEL": "WARNING"}
        subprocess.run([*EBANISTA, "seed-demo"], env=env, check=True, capture_output=True, cwd=ROOT)
        server = subprocess.Popen(
            [*EBANISTA, "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{url}/v1/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            size = gzipped_size(f"{url}/widget.js")
            delays = launcher_delays(url, loads)
        finally:
            server.terminate()
            server.wait(timeout=20)
    median = statistics.median(delays)
    verdict = "met" if size <= 12 * 1024 else "MISSED"
    print(f"/widget.js gzipped: {size} bytes ({size / 1024:.1f} KB); target <= 12 KB: {verdict}")
    print(
        f"script loaded -> launcher visible over {loads} loads: median {median:.1f} ms, worst {max(delays):.1f} ms; "
        f"target < 100 ms: {'met' if median < 100 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
