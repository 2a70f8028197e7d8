"""The flow editor for people (blocks as forms) and the review before publishing, through the test client."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.infra.db import Audit, Flow
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.panel import post_form
from tests.test_panel_config_pages import flow_states, form_of
from webui.panel.flow_problems import field_of

Login = Callable[..., FlaskClient]
EDITOR = "/panel/flow/editor"


@pytest.fixture
def alice(panel_login: Login, cast: Cast) -> FlaskClient:
    return panel_login("alice@example.com")


def document_of(rt: Runtime, cast: Cast, version: int) -> dict:
    with rt.sessions() as db:
        return db.scalar(select(Flow.document).where(Flow.tenant_id == cast.tenant_a.id, Flow.version == version))


def change(client: FlaskClient, form: dict[str, str], op: str) -> dict[str, str]:
    """Send the editor's form with one editing command; return the form the answer shows."""
    response = post_form(client, EDITOR, {**form, "op": op})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return form_from_html(client, response.get_data(as_text=True))


def form_from_html(client: FlaskClient, html: str) -> dict[str, str]:
    from tests.test_panel_config_pages import FormValues

    parser = FormValues(EDITOR)
    parser.feed(html)
    return {k: v for k, v in parser.values.items() if k != "op"}


def test_the_form_sent_back_unchanged_saves_the_same_flow(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    form = form_of(alice, f"{EDITOR}?from=1", EDITOR)
    response = post_form(alice, EDITOR, {**form, "op": "save"})
    assert response.status_code == 302
    assert flow_states(rt, cast.tenant_a) == {1: "published", 2: "draft"}
    assert document_of(rt, cast, 2) == document_of(rt, cast, 1)


def test_an_empty_flow_is_built_block_by_block_and_saved(alice: FlaskClient, rt: Runtime, cast: Cast) -> None:
    form = form_of(alice, f"{EDITOR}?new=1", EDITOR)
    assert form["blocks"] == "0"
    for kind in ("buttons", "email", "end", "message"):
        form = change(alice, form, f"add:{kind}")
    form = change(alice, form, "up:3")  # the message goes before the ending ...
    form = change(alice, form, "up:2")  # ... and before the e-mail
    form = change(alice, form, "add-option:0")
    assert [form[f"b{i}.id"] for i in range(4)] == ["buttons_1", "message_1", "email", "end_1"]
    texts = {"b0.text": "¿Qué buscas?", "b1.text": "Apuntado.", "b2.text": "¿Tu correo?", "b3.text": "¡Gracias!"}
    for name, text in texts.items():
        form |= {f"{name}.{lang}": f"{text} ({lang})" for lang in ("es", "ca", "pt", "en")}
    form |= {f"b0.o0.label.{lang}": "Cocina" for lang in ("es", "ca", "pt", "en")}
    form |= {f"b0.o1.label.{lang}": "Armario" for lang in ("es", "ca", "pt", "en")}
    form |= {f"b0.o2.label.{lang}": "Salón" for lang in ("es", "ca", "pt", "en")}
    form |= {"b0.o0.id": "", "b0.o1.next": "email", "name": "Nuevo"}
    assert post_form(alice, EDITOR, {**form, "op": "save"}).status_code == 302

    saved = document_of(rt, cast, 2)
    assert saved["start"] == "buttons_1"
    assert [b["id"] for b in saved["blocks"]] == ["buttons_1", "message_1", "email", "end_1"]
    question = saved["blocks"][0]
    assert [(o["id"], o.get("next")) for o in question["options"]] == [
        ("cocina", None),
        ("armario", "email"),
        ("salon", None),
    ]
    assert question["next"] == "message_1"  # "the next block of the list"
    assert saved["blocks"][2]["variable"] == "email"
    assert saved["blocks"][2]["kind"] == "email"
    assert "next" not in saved["blocks"][3]


def test_removing_a_block_sends_its_paths_to_the_next_in_the_list(alice: FlaskClient, rt: Runtime) -> None:
    form = form_of(alice, f"{EDITOR}?from=1", EDITOR)
    ids = [form[f"b{i}.id"] for i in range(int(form["blocks"]))]
    photos = ids.index("photos")
    form = change(alice, form, f"remove:{photos}")
    after = [form[f"b{i}.id"] for i in range(int(form["blocks"]))]
    assert "photos" not in after
    assert len(after) == len(ids) - 1
    assert form.get(f"b{photos - 1}.next", "") == ""  # nothing points at the removed block any more


def test_problems_are_said_in_spanish_at_their_block_and_field(panel_login: Login, rt: Runtime, cast: Cast) -> None:
    alice = panel_login("alice@example.com", language="es")
    form = form_of(alice, f"{EDITOR}?from=1", EDITOR)
    form["b3.text.en"] = ""
    form["b4.max"] = "mucho"
    response = post_form(alice, EDITOR, {**form, "op": "save"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    block = html[html.index('id="block-3"') : html.index('id="block-4"')]
    assert "Escribe este texto en inglés." in block
    assert re.search(r'name="b3\.text\.en"[^>]*aria-invalid="true"', block)
    assert "Escribe un número." in html[html.index('id="block-4"') : html.index('id="block-5"')]
    # A long flow is folded to its outline, except the blocks that need attention.
    assert re.search(r'<details class="fe-card" data-block="area" open>', html)
    assert re.search(r'<details class="fe-card" data-block="welcome">', html)
    assert 'href="#f-b3.text.en"' in html
    assert "missing translation" not in html
    assert "Input should be" not in html
    assert flow_states(rt, cast.tenant_a) == {1: "published"}


def test_the_review_before_publishing_shows_texts_and_paths_that_change(
    alice: FlaskClient, rt: Runtime, cast: Cast
) -> None:
    form = form_of(alice, f"{EDITOR}?from=1", EDITOR)
    form["b0.text.es"] = "¡Bienvenido a la tienda!"
    form["b1.o1.next"] = "summary_no_contact"  # "No, thanks" now goes straight to the goodbye
    assert post_form(alice, EDITOR, {**form, "op": "save"}).status_code == 302
    review = alice.get("/panel/flow/2/publish").get_data(as_text=True)
    assert "¡Bienvenido a la tienda!" in review
    changes = review[review.index('data-testid="path-changes"') :]
    assert re.search(r"consent → summary_no_contact <small[^>]*>\(after the answer “no”\)", changes)
    assert "Path removed" not in changes
    assert flow_states(rt, cast.tenant_a) == {1: "published", 2: "draft"}  # looking publishes nothing

    assert post_form(alice, "/panel/flow/2/publish").status_code == 302
    assert flow_states(rt, cast.tenant_a) == {1: "archived", 2: "published"}
    with rt.sessions() as db:
        actions = set(db.scalars(select(Audit.action).where(Audit.tenant_id == cast.tenant_a.id)))
    assert {"flow.draft_created", "flow.published"} <= actions


def test_an_empty_flow_cannot_be_saved_and_says_why_in_catalan(panel_login: Login, rt: Runtime, cast: Cast) -> None:
    client = panel_login("alice@example.com", language="ca")
    form = form_of(client, f"{EDITOR}?new=1", EDITOR)
    html = post_form(client, EDITOR, {**form, "op": "save"}).get_data(as_text=True)
    assert "Afegeix almenys un bloc." in html
    assert flow_states(rt, cast.tenant_a) == {1: "published"}


def test_the_json_editor_says_problems_in_spanish_with_their_paths(panel_login: Login, rt: Runtime, cast: Cast) -> None:
    client = panel_login("alice@example.com", language="es")
    document = json.loads(form_of(client, "/panel/flow/edit")["document"])
    document["blocks"][1]["next"] = "nowhere"
    html = post_form(client, "/panel/flow/edit", {"document": json.dumps(document)}).get_data(as_text=True)
    assert re.search(r"<code>blocks\[1\]\.next</code> No hay ningún bloque llamado «nowhere».", html)
    assert flow_states(rt, cast.tenant_a) == {1: "published"}


def test_an_answers_synonyms_are_written_per_language_separated_by_commas(
    alice: FlaskClient, rt: Runtime, cast: Cast
) -> None:
    form = form_of(alice, f"{EDITOR}?from=1", EDITOR)
    assert "b1.o0.synonyms.es" in form  # consent's first answer, "yes"
    form["b1.o0.synonyms.es"] = "vale,  de acuerdo , "
    form["b1.o0.synonyms.ca"] = "d'acord"
    assert post_form(alice, EDITOR, {**form, "op": "save"}).status_code == 302
    option = document_of(rt, cast, 2)["blocks"][1]["options"][0]
    assert (option["synonyms"]["es"], option["synonyms"]["ca"]) == (["vale", "de acuerdo"], ["d'acord"])
    assert "aceito" in option["synonyms"]["pt"]  # the languages left alone keep theirs
    again = form_of(alice, f"{EDITOR}?from=2", EDITOR)
    assert again["b1.o0.synonyms.es"] == "vale, de acuerdo"
    assert field_of("blocks[1].options[0].synonyms.es.1") == ("b1.o0.synonyms.es", 1)
