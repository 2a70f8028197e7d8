"""The widget script and the demo page as the server hands them out."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
from importlib import resources
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from appliance.infra.runtime import Runtime
from appliance.tenants.demo import seed_demo

WIDGET = Path(__file__).resolve().parents[1] / "widget"


def test_the_widget_is_served_compressed_cacheable_and_revalidated(client: FlaskClient) -> None:
    plain = client.get("/widget.js")
    assert plain.status_code == 200
    assert plain.mimetype == "text/javascript"
    assert plain.headers["Cache-Control"] == "public, max-age=300, must-revalidate"
    etag = plain.headers["ETag"]
    zipped = client.get("/widget.js", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert "Accept-Encoding" in zipped.headers["Vary"]
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_the_served_widget_is_the_packaged_build(client: FlaskClient) -> None:
    packaged = (resources.files("appliance") / "static" / "widget.js").read_bytes()
    served = client.get("/widget.js").data
    assert hashlib.sha256(served).digest() == hashlib.sha256(packaged).digest()


def test_the_committed_build_matches_the_source() -> None:
    if not (WIDGET / "node_modules").exists():
        pytest.skip("run `npm ci` in widget/ (make test does)")
    built = subprocess.run(["npm", "run", "--silent", "bundle"], cwd=WIDGET, capture_output=True, check=False)
    committed = (resources.files("appliance") / "static" / "widget.js").read_bytes()
    assert built.returncode == 0, built.stderr.decode()[-500:]
    assert built.stdout.strip() == committed.strip()


def test_the_demo_page_embeds_the_demo_store_under_a_strict_policy(client: FlaskClient, rt: Runtime) -> None:
    with rt.transaction() as db:
        demo = seed_demo(db, "http://127.0.0.1:8000")
    page = client.get("/demo")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<script src="/widget.js" data-key="{demo["widget_key"]}" async></script>' in html
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<style" not in html
    assert client.get("/assets/demo.css").status_code == 200


def test_the_demo_page_says_how_to_set_up_the_demo_when_it_is_missing(client: FlaskClient) -> None:
    html = client.get("/demo").get_data(as_text=True)
    assert "ebanista seed-demo" in html
    assert "widget.js" not in html


def test_package_json_pins_its_build_tool() -> None:
    package = json.loads((WIDGET / "package.json").read_text(encoding="utf-8"))
    versions = {**package.get("devDependencies", {}), **package.get("dependencies", {})}
    assert versions
    assert all(v[0].isdigit() for v in versions.values()), versions
