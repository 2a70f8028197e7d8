"""The single binary (`make binary` -> dist/ebanista) works on its own on a fresh data folder:
migrate, seed the demo store, serve, answer health, hold one conversation to a booked visit and
render that lead's PDF summary (WeasyPrint and Pango from inside the binary).

`make test` builds the binary first; run alone without it, the test is skipped (it fails under CI).
It runs once, in the SQLite run: the binary is the appliance.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.backends import PLATFORM
from tests.visitors import BASE_ANSWERS

BINARY = Path(__file__).resolve().parent.parent / "dist" / "ebanista"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(PLATFORM, reason="the binary is the appliance: tested once, in the SQLite run"),
]


@pytest.fixture(scope="module")
def binary() -> Path:
    if not BINARY.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("dist/ebanista is missing: `make test` builds it with `make binary`")
        pytest.skip("dist/ebanista is not built (make binary)")
    return BINARY


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Http:
    """JSON over real HTTP to the binary's server."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.origin = f"http://127.0.0.1:{port}"

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        request.add_header("Origin", self.origin)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def json(self, method: str, path: str, body: Any = None, **headers: str) -> dict[str, Any]:
        status, data = self.call(method, path, body, **headers)
        assert status == 200, (path, status, data[:500])
        return json.loads(data)


def run(binary: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([binary, *args], env=env, capture_output=True, text=True, timeout=180, check=False)


def wait_for_health(http: Http, proc: subprocess.Popen[str], seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the binary's server exited early:\n{proc.stdout.read() if proc.stdout else ''}")
        try:
            status, data = http.call("GET", "/v1/health")
            if status == 200:
                return json.loads(data)
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the binary's server did not answer within {seconds} s")


def converse(http: Http, widget_key: str) -> None:
    """Answer the demo store's flow as the widget would, to the end (booking the first slot)."""
    opened = http.json("POST", "/v1/widget/session", {"widget_key": widget_key, "lang": "es"})
    auth = {"Authorization": f"Bearer {opened['token']}"}
    turn = http.json("POST", "/v1/chat/start", {"session_id": opened["session_id"]}, **auth)
    for _ in range(40):
        wanted = turn.get("input")
        if not wanted:
            return
        block = wanted["block_id"]
        reply = {"value": wanted["slots"][0]["start"]} if block == "appointment" else BASE_ANSWERS.get(block)
        reply = reply or {"skip": True}
        body = {"session_id": opened["session_id"], **reply}
        turn = http.json("POST", "/v1/chat/send", body, Idempotency_Key=uuid.uuid4().hex, **auth)
    pytest.fail("the conversation did not end within 40 turns")


def test_the_binary_migrates_seeds_serves_chats_and_renders_a_pdf(binary: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "EBANISTA_DATA_DIR": str(tmp_path / "data"),
        "EBANISTA_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "EBANISTA_LOG_FORMAT": "json",
    }
    migrated = run(binary, env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "database at" in migrated.stdout
    seeded = run(binary, env, "seed-demo", "--json")
    assert seeded.returncode == 0, seeded.stderr
    demo = json.loads(seeded.stdout)

    started = time.monotonic()
    proc = subprocess.Popen(
        [binary, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    http = Http(port)
    try:
        health = wait_for_health(http, proc)
        startup = time.monotonic() - started
        converse(http, demo["widget_key"])
        owner = {"Authorization": f"Bearer {demo['api_token']}"}
        leads = http.json("GET", "/v1/leads", **owner)["items"]
        assert leads, "the conversation left no lead"
        status, pdf = http.call("GET", f"/v1/leads/{leads[0]['id']}/summary.pdf", **owner)
        native = _libraries_loaded_from_the_bundle(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert health["status"] == "ok"
    assert health["checks"]["database"] == "ok"
    assert status == 200
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 2000
    assert {"libpango-1.0.so.0", "libharfbuzz.so.0", "libfontconfig.so.1"} <= native
    assert proc.returncode == 0, output[-2000:]
    print(f"binary: {binary.stat().st_size / 1e6:.0f} MB, start-up to healthy {startup:.1f} s")


def _libraries_loaded_from_the_bundle(pid: int) -> set[str]:
    """Return the names of the shared libraries the process mapped from its own _MEI folder."""
    # One-file binaries run as a bootloader parent and the program as its child.
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    maps = "".join(Path(f"/proc/{p}/maps").read_text() for p in [str(pid), *children])
    return {line.rsplit("/", 1)[-1] for line in maps.splitlines() if "/_MEI" in line and ".so" in line}
