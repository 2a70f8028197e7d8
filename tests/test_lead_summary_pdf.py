"""The staff's PDF summary of a lead: a real PDF, branded, in the staff's language, fetching nothing."""

from __future__ import annotations

import re
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from flask.testing import FlaskClient

from appliance.infra.db import File, Lead, Tenant
from appliance.infra.runtime import Runtime
from appliance.leads.labels import label
from appliance.leads.summary import html_to_pdf, summary_context, summary_html
from appliance.tenants.directory import forget
from tests.conftest import Cast
from tests.leads_factory import add_lead, ago, allow_visitors, chat_until

LANGUAGES = ("es", "ca", "pt", "en")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def pdf_strings(pdf: bytes) -> str:
    """Return every text string stored in a PDF (document title, bookmarks), streams inflated.

    The page text itself is glyph codes; the headings are in the PDF's outline as plain strings.
    """
    chunks = [pdf]
    # The end-of-line before "endstream" is left in: compressed data may itself end in \r or \n,
    # and a decompressor object stops at the end of the deflate stream whatever follows.
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            chunks.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue
    data = b"\n".join(chunks)
    texts = [bytes.fromhex(h.decode()).decode("utf-16-be") for h in re.findall(rb"<feff([0-9a-f]+)>", data)]
    texts += [re.sub(rb"\\(.)", rb"\1", s).decode("latin-1") for s in re.findall(rb"\(((?:\\.|[^\\)])*)\)", data)]
    return "\n".join(texts)


def pdf_of(client: FlaskClient, token: str, lead_id: str, lang: str | None = None) -> bytes:
    query = f"?lang={lang}" if lang else ""
    response = client.get(f"/v1/leads/{lead_id}/summary.pdf{query}", headers=auth(token))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    return pdf


def tiny_png() -> bytes:
    """Return a real 2×2 PNG (WeasyPrint decodes it, so it must be valid)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x0f\x76\x6e" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def html_of(rt: Runtime, tenant_id: str, lead_id: str, lang: str | None) -> str:
    with rt.sessions() as db:
        return summary_html(summary_context(rt, db, tenant_id, lead_id, lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_summary_is_a_pdf_in_the_staffs_language(client: FlaskClient, cast: Cast, rt: Runtime, lang: str) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id, name="Núria Vidal", email="nuria@example.com", score=75)
    pdf = pdf_of(client, cast.bob_token, lead_id, lang)
    text = pdf_strings(pdf)
    assert f"{label('title', lang)}: Núria Vidal" in text
    for heading in ("looking_for", "contact", "appointments", "transcript"):
        assert label(heading, lang) in text, heading
    others = [
        label("transcript", other) for other in LANGUAGES if label("transcript", other) != label("transcript", lang)
    ]
    assert not any(f"\n{word}\n" in f"\n{text}\n" for word in others)


def test_without_lang_the_summary_speaks_the_stores_language(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_a.id).default_language = "pt"
    lead_id = add_lead(rt, cast.tenant_a.id)
    assert "Ficha do cliente: Ana Serra" in pdf_strings(pdf_of(client, cast.alice_token, lead_id))


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", ["Cocina", "8.000\u00a0€ – 12.000\u00a0€", "14\u00a0m²", "Estilo moderno", "En 1-3 meses"]),
        ("ca", ["Cuina", "8.000\u00a0€ – 12.000\u00a0€", "Estil modern", "D&#39;aquí a 1-3 mesos"]),
        ("pt", ["Cozinha", "8\u00a0000\u00a0€ – 12\u00a0000\u00a0€", "Dentro de 1-3 meses"]),
        ("en", ["Kitchen", "€8,000 – €12,000", "Modern style", "Within 1-3 months"]),
    ],
)
def test_the_summary_says_the_lead_in_words(
    client: FlaskClient, cast: Cast, rt: Runtime, lang: str, words: list[str]
) -> None:
    allow_visitors(rt, cast.tenant_a)
    v = chat_until(client, cast.tenant_a, None)
    lead_id = v.last["lead"]["id"]
    html = html_of(rt, cast.tenant_a.id, lead_id, lang)
    for word in words:
        assert word in html, word
    assert "Ana Serra" in html
    assert "ana.serra@example.com" in html
    assert label("no_appointments", lang) not in html  # the visit booked in the chat is listed
    assert {"es": "Visita a exposición", "ca": "Visita a l&#39;exposició"}.get(lang, "isit") in html
    assert f'content: "{label("page", lang)}" " " counter(page) " / " counter(pages)' in html
    pdf_of(client, cast.alice_token, lead_id, lang)


def test_the_score_and_its_breakdown_are_shown(cast: Cast, rt: Runtime) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id, score=36)
    with rt.sessions() as db:
        context = summary_context(rt, db, cast.tenant_a.id, lead_id, "en")
    assert context["lead"]["score"] == 36
    assert context["lead"]["temperature"] == "Cold"
    assert context["breakdown"][0] == {"label": "Budget", "points": "36", "weight": 40, "width": 90}
    assert [row["label"] for row in context["breakdown"]] == ["Budget", "Timing", "Area", "Style", "Origin"]


def test_the_stores_name_colours_and_stored_logo_brand_the_pdf(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    png = tiny_png()
    rt.storage.put(f"{cast.tenant_a.id}/logos/logo.png", png)
    with rt.transaction() as db:
        tenant = db.get(Tenant, cast.tenant_a.id)
        tenant.branding = {
            **tenant.branding,
            "store_name": "Cuines Alícia",
            "colors": {"primary": "#8b2252", "text": "#fffff0"},
            "logo_url": "http://127.0.0.1:8000/panel/logos/f_testlogo",
        }
        db.add(
            File(
                id="f_testlogo",
                tenant_id=tenant.id,
                kind="logo",
                content_type="image/png",
                size=len(png),
                sha256="0" * 64,
                storage_key=f"{cast.tenant_a.id}/logos/logo.png",
            )
        )
    lead_id = add_lead(rt, cast.tenant_a.id)
    html = html_of(rt, cast.tenant_a.id, lead_id, "ca")
    assert "--primary: #8b2252" in html
    assert "--on-primary: #fffff0" in html
    assert "data:image/png;base64," in html
    assert "Cuines Alícia" in html
    pdf = pdf_of(client, cast.alice_token, lead_id, "ca")
    assert _inflated_has(pdf, b"/Subtype /Image")  # the logo is drawn


def test_a_removed_logo_is_not_drawn_even_though_its_file_remains(cast: Cast, rt: Runtime) -> None:
    png = tiny_png()
    rt.storage.put(f"{cast.tenant_a.id}/logos/old.png", png)
    with rt.transaction() as db:
        tenant = db.get(Tenant, cast.tenant_a.id)
        tenant.branding = {**tenant.branding, "logo_url": None}
        db.add(
            File(
                tenant_id=tenant.id,
                kind="logo",
                content_type="image/png",
                size=len(png),
                sha256="0" * 64,
                storage_key=f"{cast.tenant_a.id}/logos/old.png",
            )
        )
    html = html_of(rt, cast.tenant_a.id, add_lead(rt, cast.tenant_a.id), "es")
    assert "data:image/png;base64," not in html


def _inflated_has(pdf: bytes, needle: bytes) -> bool:
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            if needle in zlib.decompress(match.group(1)):
                return True
        except zlib.error:
            continue
    return needle in pdf


class _Counter(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(tiny_png())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listening() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    _Counter.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_rendering_fetches_nothing_from_the_network(
    client: FlaskClient, cast: Cast, rt: Runtime, listening: str
) -> None:
    with rt.transaction() as db:
        tenant = db.get(Tenant, cast.tenant_a.id)
        tenant.branding = {
            **tenant.branding,
            "logo_url": f"{listening}/logo.png",
            "store_name": f'<img src="{listening}/x">',
        }
    forget(rt, cast.tenant_a)
    lead_id = add_lead(rt, cast.tenant_a.id, name=f'<img src="{listening}/name.png">')
    pdf = pdf_of(client, cast.alice_token, lead_id, "en")
    assert f'<img src="{listening}/name.png">' in pdf_strings(pdf)  # shown as text, not loaded
    # Even markup that asks for remote files (a crafted logo, say) loads nothing.
    html_to_pdf(f'<img src="{listening}/img.png"><link rel="stylesheet" href="{listening}/x.css">')
    html_to_pdf('<img src="file:///etc/passwd">')
    assert _Counter.hits == []


def test_an_erased_persons_summary_has_no_contact(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id, name="Gone Person", email="gone@example.com")
    with rt.transaction() as db:
        db.get(Lead, lead_id).erased_at = ago(minutes=1)
    html = html_of(rt, cast.tenant_a.id, lead_id, "es")
    assert "Gone Person" not in html
    assert "gone@example.com" not in html
    assert label("erased", "es") in html
    assert "Gone Person" not in pdf_strings(pdf_of(client, cast.alice_token, lead_id, "es"))


def test_another_stores_lead_has_no_summary(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    theirs = add_lead(rt, cast.tenant_b.id)
    assert client.get(f"/v1/leads/{theirs}/summary.pdf", headers=auth(cast.alice_token)).status_code == 404
    assert client.get(f"/v1/leads/{theirs}/summary.pdf?lang=xx", headers=auth(cast.charlie_token)).status_code == 422
