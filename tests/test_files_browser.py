"""Photos in a real browser: a visitor attaches two, sees them after a reload, and staff see them in the panel."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.images import photo, png
from tests.livesite import Site
from tests.panel import browser_sign_in
from tests.test_widget_browser import WAIT, bot_says, click, open_chat

pytestmark = pytest.mark.slow
LOADED = "els => els.length > 0 && els.every(e => e.complete && e.naturalWidth > 0)"


def thumbnails_loaded(page: Page, selector: str, count: int) -> None:
    expect(page.locator(selector)).to_have_count(count, timeout=WAIT)
    page.wait_for_function(
        f"() => {{ const h = document.querySelector('#ebanista-widget'); const root = h ? h.shadowRoot : document;"
        f" const els = [...root.querySelectorAll({selector!r})]; return ({LOADED})(els); }}",
        timeout=WAIT,
    )


def test_two_photos_show_in_the_chat_after_a_reload_and_in_the_panels_gallery(page: Page, site: Site) -> None:
    open_chat(page, site)
    click(page, 'button[data-option-id="kitchen"]')
    bot_says(page, "area")
    page.locator('[part="input"]').fill("12")
    click(page, 'button[part="send"]')
    bot_says(page, "budget")
    click(page, 'button[part="skip"]')
    click(page, 'button[data-option-id="modern"]')
    click(page, 'button[data-option-id="soon"]')
    bot_says(page, "photos")
    page.locator('input[type="file"]').set_input_files(
        [
            {"name": "paret.jpg", "mimeType": "image/jpeg", "buffer": photo()},
            {"name": "terra.png", "mimeType": "image/png", "buffer": png()},
        ]
    )
    bot_says(page, "name")
    visitor_thumbs = '[data-role="visitor"] img[part="thumb"]'
    thumbnails_loaded(page, visitor_thumbs, 2)
    assert page.locator(visitor_thumbs).evaluate_all("els => els.map(e => e.alt)") == ["paret.jpg", "terra.png"]

    page.reload()
    click(page, 'button[part="launcher"]')
    bot_says(page, "name")
    thumbnails_loaded(page, visitor_thumbs, 2)
    assert "f_" not in page.locator('[data-role="visitor"]').all_inner_texts().__str__()  # no raw ids
    assert page.errors == []  # type: ignore[attr-defined]

    leads = page.request.get(f"{site.url}/v1/leads", headers={"Authorization": f"Bearer {site.demo['api_token']}"})
    (lead,) = leads.json()["items"]
    browser_sign_in(page, site.url, site.demo["owner_email"], site.demo["owner_password"])
    page.goto(f"{site.url}/panel/leads/{lead['id']}")
    gallery = page.locator("[data-testid='gallery']")
    expect(gallery.locator("img")).to_have_count(2, timeout=WAIT)
    expect(gallery).to_contain_text("paret.jpg")
    page.wait_for_function(f"() => ({LOADED})([...document.querySelectorAll('[data-testid=gallery] img')])")
    with page.expect_popup() as opened:
        gallery.locator("a").first.click()
    full = opened.value
    full.wait_for_load_state()
    size = full.evaluate("() => [document.images[0].naturalWidth, document.images[0].naturalHeight]")
    assert size == [1200, 900]  # the photo at full size, not its thumbnail
    page.goto("about:blank")
