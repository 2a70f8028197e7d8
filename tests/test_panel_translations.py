"""The panels speak Spanish, Catalan and Portuguese completely (English is the language of the msgids)."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from webui.ui.catalogue import WEBUI, extract, missing_translations, source_files
from webui.ui.i18n import compile_area


def test_every_panel_text_has_a_translation_in_spanish_catalan_and_portuguese() -> None:
    missing = missing_translations()
    report = "\n".join(f"{lang}: {item}" for lang, items in missing.items() for item in items[:40])
    assert not any(missing.values()), "untranslated (python -m webui.ui.catalogue missing):\n" + report


def test_the_extractor_finds_texts_in_templates_and_python() -> None:
    found = {msgid for msgid, _path, _line in extract(source_files(WEBUI))}
    assert {
        "Sign in",
        "Today",
        "Too many failed attempts: this account is locked for %(minutes)s minutes, "
        "until %(time)s. Try again then, or ask the store's owner.",
    } <= found


def test_catalogues_are_compiled_again_only_when_a_po_is_newer(tmp_path: Path) -> None:
    target = compile_area("core", tmp_path)
    mo = target / "ca" / "LC_MESSAGES" / "messages.mo"
    first = mo.stat().st_mtime_ns
    compile_area("core", tmp_path)
    assert mo.stat().st_mtime_ns == first


def test_the_login_page_follows_the_language_chosen(client: FlaskClient) -> None:
    client.get("/panel/login")
    from tests.panel import csrf_token

    token = csrf_token(client)
    client.post("/ui/language", data={"language": "ca", "csrf_token": token, "next": "/panel/login"})
    assert "Inicia la sessió" in client.get("/panel/login").get_data(as_text=True)
    client.post("/ui/language", data={"language": "pt", "csrf_token": token})
    assert "Iniciar sessão" in client.get("/panel/login").get_data(as_text=True)
