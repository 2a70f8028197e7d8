"""The store panel's Flow, Widget & branding and Settings pages in a real browser (headless Chromium)."""

from __future__ import annotations

import json
import os

import pytest
from playwright.sync_api import Page, expect

from tests.livesite import Site
from tests.panel import browser_sign_in
from webui.panel.settings_pages import SECTIONS

pytestmark = pytest.mark.slow
WAIT = 10_000
DRAFT_WELCOME = "Benvinguts a la nova versió!"
SHOTS = os.environ.get("EBANISTA_TEST_SHOTS")  # a folder, to look at the pages while working on them


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def sign_in(page: Page, site: Site) -> None:
    browser_sign_in(page, site.url, site.demo["owner_email"], site.demo["owner_password"])
    page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" questions


def paste(page: Page, selector: str, text: str) -> None:
    """Put ``text`` into a field at once, as pasting does (typing 20 kB into a textarea takes headless Chromium
    many seconds)."""
    page.locator(selector).evaluate("(el, text) => { el.value = text; el.dispatchEvent(new Event('input')); }", text)


def row(page: Page, version: int):
    return page.locator(f'tr[data-version="{version}"]')


def test_a_draft_is_edited_tried_published_and_rolled_back(page: Page, site: Site) -> None:
    sign_in(page, site)
    page.goto(f"{site.url}/panel/flow/edit")
    document = json.loads(page.locator("#document").input_value())
    welcome = next(b for b in document["blocks"] if b["id"] == "welcome")
    welcome["text"]["es"] = DRAFT_WELCOME
    paste(page, "#document", json.dumps(document, indent=2, ensure_ascii=False))
    page.click('[data-testid="save-draft"]')
    expect(page.locator(".flash-success")).to_contain_text("2", timeout=WAIT)
    # The preview next to the editor talks to the new draft.
    preview = page.frame_locator("iframe.widget-preview")
    expect(preview.locator('[data-role="bot"]').first).to_have_text(DRAFT_WELCOME, timeout=WAIT)
    shot(page, "flow-edit")

    page.goto(f"{site.url}/panel/flow")
    expect(row(page, 2)).to_have_attribute("data-state", "draft")
    row(page, 2).locator('[data-testid="publish"]').click()
    page.locator('[data-testid="confirm-publish"]').click()  # after looking at what changes
    expect(row(page, 2)).to_have_attribute("data-state", "published", timeout=WAIT)
    expect(row(page, 1)).to_have_attribute("data-state", "archived")
    expect(row(page, 2)).to_contain_text("Marta Ferrer")
    shot(page, "flow-list")

    row(page, 1).locator('[data-testid="rollback"]').click()
    expect(row(page, 1)).to_have_attribute("data-state", "published", timeout=WAIT)
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto(f"{site.url}/demo")
    page.locator('button[part="launcher"]').click()
    expect(page.locator('[data-role="bot"]').first).not_to_have_text(DRAFT_WELCOME, timeout=WAIT)
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_draft_with_problems_shows_them_beside_the_editor(page: Page, site: Site) -> None:
    sign_in(page, site)
    page.goto(f"{site.url}/panel/flow/edit")
    document = json.loads(page.locator("#document").input_value())
    document["blocks"][1]["next"] = "nowhere"
    del document["start"]
    paste(page, "#document", json.dumps(document, indent=2))
    page.click('[data-testid="save-draft"]')
    problems = page.locator("#problems")
    expect(problems).to_contain_text("start", timeout=WAIT)
    expect(page.locator("#document")).to_have_attribute("aria-invalid", "true")
    page.locator("#document").fill('{"name": "half",\n  "blocks": [')
    page.click('[data-testid="save-draft"]')
    expect(page.locator("#problems")).to_contain_text("Expecting value", timeout=WAIT)  # where: line 2, column 14
    expect(page.locator(".code-editor .gutter")).to_contain_text("2")
    shot(page, "flow-problems")
    page.goto(f"{site.url}/panel/flow")
    expect(page.locator("tbody tr")).to_have_count(1)
    assert page.errors == []  # type: ignore[attr-defined]


def launcher_colour(frame_or_page: object) -> str:
    launcher = frame_or_page.locator('button[part="launcher"]')  # type: ignore[attr-defined]
    return launcher.evaluate("el => getComputedStyle(el).backgroundColor")


def test_a_new_colour_shows_in_the_preview_before_saving_and_on_the_demo_after(page: Page, site: Site) -> None:
    sign_in(page, site)
    page.goto(f"{site.url}/panel/widget")
    preview = page.frame_locator("#widget-preview")
    expect(preview.locator('button[part="launcher"]')).to_be_visible(timeout=WAIT)
    page.locator('input[name="primary"]').fill("#1d4ed8")
    page.locator('input[name="position"][value="left"]').check()
    page.locator('textarea[name="greeting_es"]').fill("¡Buenas! ¿Te ayudo con tu cocina?")
    expect(preview.locator('button[part="launcher"]')).to_have_css("background-color", "rgb(29, 78, 216)", timeout=WAIT)
    expect(preview.locator('[part="greeting"]')).to_have_text("¡Buenas! ¿Te ayudo con tu cocina?")
    shot(page, "widget-preview")

    page.goto(f"{site.url}/demo")  # not saved yet: the website keeps its colour
    expect(page.locator('button[part="launcher"]')).not_to_have_css("background-color", "rgb(29, 78, 216)")
    page.goto(f"{site.url}/panel/widget")
    page.locator('input[name="primary"]').fill("#1d4ed8")
    page.click('[data-testid="save-widget"]')
    expect(page.locator(".flash-success")).to_be_visible(timeout=WAIT)
    page.goto(f"{site.url}/demo")
    expect(page.locator('button[part="launcher"]')).to_have_css("background-color", "rgb(29, 78, 216)", timeout=WAIT)
    assert page.errors == []  # type: ignore[attr-defined]


def test_an_invited_member_follows_the_link_and_joins(page: Page, site: Site, chromium: object) -> None:
    sign_in(page, site)
    page.goto(f"{site.url}/panel/settings/team")
    page.fill("#invite-email", "jordi@estudiroure.demo")
    page.select_option("#invite-role", "ADMIN")
    page.click('[data-testid="invite"]')
    link = page.locator("#invitation-link").inner_text(timeout=WAIT)
    expect(page.locator('tr[data-email="jordi@estudiroure.demo"] select[name="role"]')).to_have_value("ADMIN")
    shot(page, "team")

    newcomer = chromium.new_context().new_page()  # type: ignore[attr-defined]
    newcomer.goto(link)
    newcomer.fill('input[name="password"]', "a long new password")
    newcomer.fill('input[name="repeat_password"]', "a long new password")
    newcomer.locator('main form button[type="submit"]').click()
    newcomer.wait_for_url(lambda url: "/invite/" not in url)
    expect(newcomer.locator('nav a[href="/panel/settings"]')).to_be_visible()
    newcomer.context.close()
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_token_is_created_shown_once_and_revoked(page: Page, site: Site) -> None:
    sign_in(page, site)
    page.goto(f"{site.url}/panel/settings/tokens")
    page.fill('input[name="name"]', "Agenda sync")
    page.click('[data-testid="create-token"]')
    token = page.locator("code#new-token").inner_text(timeout=WAIT)
    headers = {"Authorization": f"Bearer {token}"}
    assert page.request.get(f"{site.url}/v1/flows", headers=headers).status == 200
    shot(page, "tokens")
    page.goto(f"{site.url}/panel/settings/tokens")
    listed = page.locator('tr[data-token-name="Agenda sync"]')
    expect(listed).to_contain_text(token[:8])
    assert token not in page.content()
    listed.locator('[data-testid="revoke"]').click()
    expect(page.locator('tr[data-token-name="Agenda sync"]')).to_have_count(0, timeout=WAIT)
    assert page.request.get(f"{site.url}/v1/flows", headers=headers).status == 401
    assert page.errors == []  # type: ignore[attr-defined]


def test_every_settings_page_opens_without_errors(page: Page, site: Site) -> None:
    sign_in(page, site)
    page.goto(f"{site.url}/panel/settings")
    links = page.locator("nav.subnav a")
    expect(links).to_have_count(len(SECTIONS))  # the owner may open every settings page
    for href in [links.nth(i).get_attribute("href") for i in range(len(SECTIONS))]:
        page.goto(f"{site.url}{href}")
        expect(page.locator('nav.subnav a[aria-current="page"]')).to_have_attribute("href", str(href))
        shot(page, "settings-" + str(href).rsplit("/", 1)[1])
    page.goto(f"{site.url}/panel/settings/scoring")
    page.fill('input[name="weight_origin"]', "0")
    expect(page.locator("[data-weights-total]")).to_have_text("95 %")
    page.click('[data-testid="save-scoring"]')
    expect(page.locator("#problems")).to_contain_text("100%", timeout=WAIT)
    assert page.errors == []  # type: ignore[attr-defined]
