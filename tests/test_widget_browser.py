"""The widget in a real browser (headless Chromium) on the demo page, as a visitor uses it."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from appliance.core.flows.presets import preset
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import forget
from tests.livesite import Site

pytestmark = pytest.mark.slow
# Screenshots of the widget's endings and slider, to look at after a run.
SHOTS = Path(os.environ.get("EBANISTA_SCREENSHOTS", "/tmp/ebanista-shots"))
SHOTS.mkdir(parents=True, exist_ok=True)
QUESTIONS = {b["id"]: b["text"]["es"] for b in preset("base")["blocks"] if "text" in b}
WAIT = 10_000


def bot_says(page: Page, block_id: str) -> None:
    """Wait until the bot's last message is the question of ``block_id`` (in Spanish, the demo's language)."""
    expected = QUESTIONS[block_id].split("{name}")[-1].strip(" .,")[:40]
    expect(page.locator('[data-role="bot"]').last).to_contain_text(expected, timeout=WAIT)


def click(page: Page, selector: str) -> None:
    page.locator(selector).first.click(timeout=WAIT)


def type_and_send(page: Page, text: str) -> None:
    page.locator('[part="input"]').fill(text)
    click(page, 'button[part="send"]')


def open_chat(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/demo")
    click(page, 'button[part="launcher"]')
    click(page, 'button[data-option-id="yes"]')
    bot_says(page, "project")


def answer_up_to_the_slots(page: Page) -> None:
    click(page, 'button[data-option-id="kitchen"]')
    bot_says(page, "area")
    type_and_send(page, "12")
    bot_says(page, "budget")
    click(page, 'button[part="skip"]')
    click(page, 'button[data-option-id="modern"]')
    click(page, 'button[data-option-id="soon"]')
    bot_says(page, "photos")
    click(page, 'button[part="skip"]')
    bot_says(page, "name")
    type_and_send(page, "Laia")
    click(page, 'button[data-option-id="email"]')
    bot_says(page, "email")
    type_and_send(page, "laia@example.com")
    click(page, 'button[data-option-id="showroom"]')
    expect(page.locator("button[data-slot-start]").first).to_be_visible(timeout=WAIT)


def appointments(page: Page, site: Site) -> list[dict[str, Any]]:
    today = date.today()
    response = page.request.get(
        f"{site.url}/v1/appointments?from={today}&to={today + timedelta(days=90)}",
        headers={"Authorization": f"Bearer {site.demo['api_token']}"},
    )
    assert response.status == 200
    return response.json()["items"]


def test_a_visitor_talks_to_the_end_and_books_a_visit(page: Page, site: Site) -> None:
    open_chat(page, site)
    answer_up_to_the_slots(page)
    start = page.locator("button[data-slot-start]").first.get_attribute("data-slot-start")
    click(page, "button[data-slot-start]")
    expect(page.locator('[data-role="bot"]', has_text="¡Reservado!")).to_be_visible(timeout=WAIT)
    assert [a["start"] for a in appointments(page, site)] == [start]
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_reload_in_the_middle_resumes_the_conversation(page: Page, site: Site) -> None:
    open_chat(page, site)
    click(page, 'button[data-option-id="wardrobe"]')
    bot_says(page, "area")
    said = page.locator("[data-role]").count()
    page.reload()
    click(page, 'button[part="launcher"]')
    expect(page.locator("[data-role]")).to_have_count(said, timeout=WAIT)
    bot_says(page, "area")
    type_and_send(page, "6")
    bot_says(page, "budget")


def test_on_a_phone_the_chat_fills_the_screen(chromium: Any, site: Site) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(f"{site.url}/demo")
    phone.locator('button[part="launcher"]').click(timeout=WAIT)
    panel = phone.locator('[part="panel"]')
    expect(panel).to_be_visible(timeout=WAIT)
    box = panel.bounding_box()
    assert box is not None
    assert box["width"] >= 389
    assert box["height"] >= 790
    context.close()


def test_a_website_the_store_does_not_allow_shows_nothing(page: Page, site: Site, rt: Runtime) -> None:
    with rt.transaction() as db:
        demo = db.query(Tenant).filter_by(slug="demo").one()
        demo.allowed_origins = ["https://www.estudiroure.example"]
    forget(rt, demo)
    warnings: list[str] = []
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    page.goto(f"{site.url}/demo")
    expect(page.locator("#ebanista-widget")).to_have_count(0, timeout=WAIT)
    assert len([w for w in warnings if "ebanista" in w.lower()]) == 1


def test_the_chat_can_be_used_with_the_keyboard_alone(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/demo")
    launcher = page.locator('button[part="launcher"]')
    expect(launcher).to_be_visible(timeout=WAIT)
    for _ in range(20):
        page.keyboard.press("Tab")
        if launcher.evaluate("el => el.getRootNode().activeElement === el"):
            break
    else:
        pytest.fail("Tab never reached the launcher")
    page.keyboard.press("Enter")
    consent = page.locator('button[data-option-id="yes"]')
    expect(consent).to_be_focused(timeout=WAIT)
    page.keyboard.press("Enter")
    bot_says(page, "project")
    reached = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.add(
            page.evaluate("""() => {
            const el = document.querySelector('#ebanista-widget').shadowRoot.activeElement;
            return el ? (el.getAttribute('data-option-id') || el.getAttribute('part') || el.tagName) : null;
        }""")
        )
    assert {"kitchen", "wardrobe", "furniture", "input", "send", "close", "language"} <= reached
    page.keyboard.press("Escape")
    expect(launcher).to_be_focused(timeout=WAIT)


def test_a_lost_request_is_retried_with_the_same_key_and_nothing_is_doubled(page: Page, site: Site) -> None:
    open_chat(page, site)
    keys: list[str] = []
    failures = {"left": 2}

    def flaky(route: Any) -> None:
        keys.append(route.request.headers.get("idempotency-key", ""))
        if failures["left"]:
            failures["left"] -= 1
            route.abort()
        else:
            route.continue_()

    page.route("**/v1/chat/send", flaky)
    click(page, 'button[data-option-id="kitchen"]')
    bot_says(page, "area")
    assert len(keys) == 3
    assert len(set(keys)) == 1
    expect(page.locator('[data-role="visitor"]', has_text="Cocina")).to_have_count(1)


def test_the_store_may_open_the_chat_by_itself_until_the_visitor_closes_it(page: Page, site: Site) -> None:
    owner = {"Authorization": f"Bearer {site.demo['api_token']}"}
    saved = page.request.put(
        f"{site.url}/v1/config/widget", data={"open_on_load": True, "open_delay_seconds": 0}, headers=owner
    )
    assert saved.status == 200
    page.goto(f"{site.url}/demo")
    expect(page.locator('[part="panel"]')).to_be_visible(timeout=WAIT)
    bot_says(page, "consent")
    # Opened by the store, not by the visitor: the page keeps its focus.
    assert page.evaluate("document.activeElement.id") != "ebanista-widget"
    click(page, 'button[part="close"]')
    page.reload()
    expect(page.locator('button[part="launcher"]')).to_be_visible(timeout=WAIT)
    page.wait_for_timeout(500)
    expect(page.locator('[part="panel"]')).to_be_hidden()


def test_a_rate_limit_is_said_at_once_instead_of_retried(page: Page, site: Site) -> None:
    sent = []
    refusal = {"error": {"code": "rate_limited", "message": "Demasiados mensajes seguidos.", "details": {}}}

    def refuse(route: Any) -> None:
        sent.append(route.request.url)
        route.fulfill(status=429, headers={"Retry-After": "600"}, json=refusal)

    open_chat(page, site)
    page.route("**/v1/chat/send", refuse)
    click(page, 'button[data-option-id="kitchen"]')
    expect(page.locator('[part="status"]')).to_have_text("Demasiados mensajes seguidos.", timeout=WAIT)
    page.wait_for_timeout(1500)
    assert len(sent) == 1


def shadow_storage(page: Page) -> dict[str, str]:
    return page.evaluate("() => Object.fromEntries(Object.entries(localStorage))")


def test_refusing_consent_ends_politely_and_a_new_conversation_can_begin_even_after_a_reload(
    page: Page, site: Site
) -> None:
    page.goto(f"{site.url}/demo")
    click(page, 'button[part="launcher"]')
    click(page, 'button[data-option-id="no"]')
    ending = page.locator('[data-role="bot"]').last
    expect(ending).to_contain_text("no guardaremos ningún dato tuyo", timeout=WAIT)
    expect(ending).to_contain_text("+34 960 000 000")
    expect(ending).to_contain_text("lunes a viernes")
    expect(page.locator('[part="composer"]')).to_be_hidden()
    restart = page.locator('button[part="restart"]')
    expect(restart).to_have_text("Empezar una conversación nueva")
    expect(restart).to_be_focused()
    page.screenshot(path=str(SHOTS / "widget-refused.png"))
    first = shadow_storage(page)
    page.reload()
    click(page, 'button[part="launcher"]')
    expect(page.locator('[data-role="bot"]').last).to_contain_text("no guardaremos ningún dato tuyo", timeout=WAIT)
    click(page, 'button[part="restart"]')
    bot_says(page, "consent")
    expect(page.locator("[data-role]")).to_have_count(2)  # the welcome and the consent question only
    expect(page.locator('[part="composer"]')).to_be_visible()
    second = shadow_storage(page)
    assert {k: v for k, v in second.items() if k.endswith(":session")} != {
        k: v for k, v in first.items() if k.endswith(":session")
    }
    assert any(k.endswith(":secret") for k in second)
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_booked_conversation_offers_a_new_one_after_a_reload(page: Page, site: Site) -> None:
    open_chat(page, site)
    answer_up_to_the_slots(page)
    click(page, "button[data-slot-start]")
    expect(page.locator('[data-role="bot"]', has_text="¡Reservado!")).to_be_visible(timeout=WAIT)
    expect(page.locator('button[part="restart"]')).to_be_visible()
    page.reload()
    click(page, 'button[part="launcher"]')
    expect(page.locator('[data-role="bot"]', has_text="¡Reservado!")).to_be_visible(timeout=WAIT)
    # The finished transcript masks what the visitor gave: the e-mail is no longer shown.
    expect(page.locator('[data-role="visitor"]', has_text="laia@example.com")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "widget-booked.png"))
    click(page, 'button[part="restart"]')
    bot_says(page, "consent")
    click(page, 'button[data-option-id="yes"]')
    bot_says(page, "project")


def test_the_budget_slider_is_labelled_and_enter_sends_nothing_unchosen(page: Page, site: Site) -> None:
    sent: list[str] = []
    page.on("request", lambda r: r.url.endswith("/v1/chat/send") and sent.append(r.post_data or ""))
    open_chat(page, site)
    click(page, 'button[data-option-id="kitchen"]')
    bot_says(page, "area")
    type_and_send(page, "12")
    bot_says(page, "budget")
    box = page.locator('[part="input"]')
    expect(box).to_have_value("")
    scale = page.locator('[part="scale"]')
    expect(scale).to_contain_text("1000 €")
    expect(scale).to_contain_text("100.000 €")
    expect(page.locator('[part="range-value"]')).to_have_text("Desliza para elegir")
    page.screenshot(path=str(SHOTS / "widget-slider.png"))
    before = len(sent)
    box.press("Enter")
    page.wait_for_timeout(500)
    assert len(sent) == before  # nothing chosen, nothing sent
    slider = page.locator('input[part="range"]')
    slider.focus()
    for _ in range(3):
        slider.press("ArrowRight")
    chosen = slider.input_value()
    expect(box).to_have_value(chosen)
    expect(page.locator('[part="range-value"]')).not_to_have_text("Desliza para elegir")
    page.screenshot(path=str(SHOTS / "widget-slider-moved.png"))
    click(page, 'button[part="send"]')
    bot_says(page, "style")
    assert f'"value": {chosen}' in sent[-1].replace('":', '": ') or f'"value":{chosen}' in sent[-1]


def test_a_too_long_message_stays_in_the_box_with_the_limit_said(page: Page, site: Site) -> None:
    open_chat(page, site)
    long = "cuina " * 1000
    type_and_send(page, long)
    expect(page.locator('[part="status"]')).to_contain_text("2000", timeout=WAIT)
    expect(page.locator('[part="input"]')).to_have_value(long)
    expect(page.locator('[data-role="visitor"]')).to_have_count(1)  # only the consent answer


@pytest.mark.parametrize(
    ("lang", "restart"),
    [("ca", "Començar una conversa nova"), ("pt", "Começar uma nova conversa"), ("en", "Start a new conversation")],
)
def test_the_ending_speaks_the_visitors_language(page: Page, site: Site, lang: str, restart: str) -> None:
    page.goto(f"{site.url}/demo")
    page.evaluate(f"() => window.Ebanista('setLanguage', '{lang}')")
    click(page, 'button[part="launcher"]')
    expect(page.locator('[part="panel"]')).to_have_attribute("lang", lang, timeout=WAIT)
    click(page, 'button[data-option-id="no"]')
    expect(page.locator('button[part="restart"]')).to_have_text(restart, timeout=WAIT)
    expect(page.locator('[data-role="bot"]').last).to_contain_text("+34 960 000 000")


SLIDE = {"es": "Desliza para elegir", "ca": "Llisca per triar", "pt": "Deslize para escolher", "en": "Slide to choose"}


@pytest.mark.parametrize(("lang", "top"), [("es", "100.000 €"), ("ca", None), ("pt", None), ("en", "€100,000")])
def test_the_sliders_scale_is_written_in_the_conversations_language(
    page: Page, site: Site, lang: str, top: str | None
) -> None:
    page.goto(f"{site.url}/demo")
    page.evaluate(f"() => window.Ebanista('setLanguage', '{lang}')")
    click(page, 'button[part="launcher"]')
    click(page, 'button[data-option-id="yes"]')
    click(page, 'button[data-option-id="kitchen"]')
    expect(page.locator('[part="input"]')).to_be_enabled(timeout=WAIT)
    page.wait_for_timeout(300)
    type_and_send(page, "12")
    expect(page.locator('input[part="range"]')).to_be_visible(timeout=WAIT)
    expected = page.evaluate(
        "l => new Intl.NumberFormat(l, {style: 'currency', currency: 'EUR', maximumFractionDigits: 0}).format(100000)",
        lang,
    )
    assert top is None or expected.replace("\u00a0", " ") == top
    expect(page.locator('[part="scale"] span').last).to_have_text(expected)
    expect(page.locator('[part="input"]')).to_have_value("")
    expect(page.locator('[part="range-value"]')).to_have_text(SLIDE[lang])
