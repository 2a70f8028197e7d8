"""The flow editor for people in a real browser: a store owner builds a new flow from an empty draft,
tries it, reviews the changes, publishes it, and a visitor goes through it on the demo page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from tests.livesite import Site
from tests.panel import browser_sign_in

pytestmark = pytest.mark.slow
WAIT = 10_000
SHOTS = os.environ.get("EBANISTA_TEST_SHOTS")  # a folder, to look at the pages while working on them
WORDS = {"es": "Hola", "ca": "Hola", "pt": "Olá", "en": "Hello"}
BLOCKS = {  # what each new block says, by the palette button that adds it
    "buttons": "¿Qué mueble buscas?",
    "text": "¿Cómo se llama tu ciudad?",
    "email": "¿A qué correo te escribimos?",
    "end": "¡Gracias, te escribimos pronto!",
}


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def sign_in(page: Page, site: Site, language: str = "es") -> None:
    browser_sign_in(page, site.url, site.demo["owner_email"], site.demo["owner_password"])
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{site.url}/panel/flow")
    with page.expect_navigation():  # the language menu's own button, folded away in the top bar
        page.locator(f'button[name="language"][value="{language}"]').evaluate("button => button.click()")


def fill_texts(page: Page, prefix: str, text: str) -> None:
    """Write ``text`` (marked with its language) into every language's field named ``prefix.<lang>``."""
    fields = page.locator(f'[name^="{prefix}."]')
    for i in range(fields.count()):
        field = fields.nth(i)
        lang = field.get_attribute("name").rsplit(".", 1)[1]
        field.fill(text if lang == "es" else f"{text} [{lang}]")


def add_block(page: Page, kind: str) -> None:
    count = page.locator("li.fe-block").count()
    page.locator(f'[data-testid="add-{kind}"]').click()
    expect(page.locator("li.fe-block")).to_have_count(count + 1, timeout=WAIT)
    # The new block's first text field has the focus, ready to type.
    expect(page.locator(f'[name="b{count}.text.es"]')).to_be_focused()


def test_a_new_flow_is_built_with_the_form_tried_reviewed_published_and_completed(page: Page, site: Site) -> None:
    sign_in(page, site)
    page.locator('[data-testid="new-flow"]').click()
    expect(page.locator(".fe-empty")).to_be_visible(timeout=WAIT)
    for kind in BLOCKS:
        add_block(page, kind)
    for i, text in enumerate(BLOCKS.values()):
        fill_texts(page, f"b{i}.text", text)
    fill_texts(page, "b0.o0.label", "Cocina")
    fill_texts(page, "b0.o1.label", "Armario")
    page.locator('[name="b1.variable"]').fill("city")
    page.locator('[name="name"]').fill("Flujo nuevo")
    shot(page, "flow-editor-es")
    page.locator('[data-testid="save-blocks"]').click()

    expect(page.locator(".flash-success")).to_be_visible(timeout=WAIT)
    preview = page.frame_locator("iframe.widget-preview")
    expect(preview.locator('[data-role="bot"]').last).to_have_text(BLOCKS["buttons"], timeout=WAIT)
    expect(preview.locator('button[data-option-id="cocina"]')).to_be_visible()

    page.locator('[data-testid="review-publish"]').click()
    expect(page.locator('[data-testid="path-changes"]')).to_contain_text("buttons_1 → text_1", timeout=WAIT)
    expect(page.locator("#flow-diff")).to_contain_text("email → end_1")
    shot(page, "flow-publish-es")
    page.locator('[data-testid="confirm-publish"]').click()
    expect(page.locator('tr[data-version="2"]')).to_have_attribute("data-state", "published", timeout=WAIT)

    page.goto(f"{site.url}/demo")
    page.locator('button[part="launcher"]').click()
    expect(page.locator('[data-role="bot"]').last).to_have_text(BLOCKS["buttons"], timeout=WAIT)
    page.locator('button[data-option-id="armario"]').click()
    expect(page.locator('[data-role="bot"]').last).to_have_text(BLOCKS["text"], timeout=WAIT)
    page.locator('[part="input"]').fill("Girona")
    page.locator('button[part="send"]').click()
    expect(page.locator('[data-role="bot"]').last).to_have_text(BLOCKS["email"], timeout=WAIT)
    page.locator('[part="input"]').fill("laia@example.com")
    page.locator('button[part="send"]').click()
    expect(page.locator('[data-role="bot"]').last).to_have_text(BLOCKS["end"], timeout=WAIT)
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_problem_is_shown_in_spanish_on_its_block_and_nothing_is_saved(page: Page, site: Site) -> None:
    sign_in(page, site)
    page.goto(f"{site.url}/panel/flow/editor?new=1")
    add_block(page, "text")
    add_block(page, "end")
    fill_texts(page, "b0.text", "¿Cómo te llamas?")
    fill_texts(page, "b1.text", "Adiós")
    page.locator('[name="b0.text.en"]').fill("")
    page.locator('[data-testid="save-blocks"]').click()
    block = page.locator("#block-0")
    expect(block).to_contain_text("Escribe este texto en inglés.", timeout=WAIT)
    expect(page.locator('[name="b0.text.en"]')).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#block-1")).not_to_contain_text("Escribe este texto")
    expect(page.locator("#problems")).to_contain_text("Bloque 1")
    page.locator("#problems a").first.click()  # leads to the very field
    expect(page.locator('[name="b0.text.en"]')).to_be_in_viewport()
    shot(page, "flow-editor-problems-es")
    page.goto(f"{site.url}/panel/flow")
    expect(page.locator("tbody tr")).to_have_count(1)
    assert page.errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", ["es", "en"])
def test_screenshots_of_the_editor_at_a_laptop_size(page: Page, site: Site, language: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, site, language)
    page.goto(f"{site.url}/panel/flow/editor")
    expect(page.locator("#flow-editor.js")).to_be_visible(timeout=WAIT)  # its script is running
    page.locator("#down-0").focus()
    page.keyboard.press("Enter")  # moves the welcome down, with the keyboard
    expect(page.locator('[name="b1.id"]')).to_have_value("welcome", timeout=WAIT)
    expect(page.locator("#down-1")).to_be_focused()
    shot(page, f"flow-editor-laptop-{language}")
    page.screenshot(path=f"{SHOTS}/flow-editor-viewport-{language}.png") if SHOTS else None
    assert page.errors == []  # type: ignore[attr-defined]
