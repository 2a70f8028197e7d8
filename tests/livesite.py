"""A live server (the real app on our cheroot server, in a thread) and Debian's Chromium, for browser tests."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask

from appliance.infra.runtime import runtime_of
from appliance.server import make_server
from appliance.tenants.demo import seed_demo

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless and offline: without these flags Chromium keeps calling Google's hosts from a sandbox
# that has no network, as the machine notes warn.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass(frozen=True)
class Site:
    """Where the live server answers, and the demo store's credentials."""

    url: str
    demo: dict


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def site(app: Flask) -> Iterator[Site]:
    """Serve the app (on an emptied database with the demo store) at http://127.0.0.1:<port>."""
    rt = runtime_of(app)
    port = _free_port()
    with rt.transaction() as db:
        demo = seed_demo(db, f"http://127.0.0.1:{port}")
    server = make_server(app, "127.0.0.1", port, threads=4)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{port}", demo)
    server.stop()
    thread.join(timeout=10)


@contextmanager
def served(wsgi_app: Flask) -> Iterator[str]:
    """Serve any Flask app on our server, as ``site`` serves ours, and yield its address."""
    port = _free_port()
    server = make_server(wsgi_app, "127.0.0.1", port, threads=2)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Launch Debian's Chromium once for the run (skip loudly without it, or fail when CI=true)."""
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: run `make test` (it installs Debian's chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: object) -> Iterator[object]:
    """A fresh browser context and page; console errors are collected on ``page.errors``."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.errors = []  # type: ignore[attr-defined]
    tab.on("console", lambda m: m.type == "error" and tab.errors.append(m.text))  # type: ignore[attr-defined]
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))  # type: ignore[attr-defined]
    yield tab
    context.close()
