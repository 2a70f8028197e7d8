"""The operator's panel in a real browser: create a store, close its chat for maintenance, rotate its
widget key and act as the store in /panel, as the issue's "done when" asks."""

from __future__ import annotations

import os
import re

import pyotp
import pytest
from playwright.sync_api import Page, Route, expect
from sqlalchemy import select

from appliance.accounts import second_factor
from appliance.infra.db import User, utcnow
from appliance.infra.runtime import Runtime
from tests.livesite import Site
from tests.operators import audits

pytestmark = pytest.mark.slow
WAIT = 10_000
SHOTS = os.environ.get("EBANISTA_TEST_SHOTS")  # a directory: save screenshots there while developing
MESSAGES = {
    "es": "Estamos renovando la tienda online. Volvemos el lunes.",
    "ca": "Estem renovant la botiga en línia. Tornem dilluns.",
    "pt": "Estamos a renovar a loja online. Voltamos na segunda-feira.",
    "en": "We are renovating the online shop. Back on Monday.",
}


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def with_two_factor(rt: Runtime, email: str) -> pyotp.TOTP:
    """Turn two-factor on for ``email`` (a SUPER_ADMIN must have it on the platform) and return its TOTP."""
    with rt.transaction() as db:
        user = db.scalar(select(User).where(User.email == email))
        assert user is not None
        secret, _uri = second_factor.begin(user)
        assert second_factor.confirm(user, pyotp.TOTP(secret).now(), utcnow()) is not None
    return pyotp.TOTP(secret)


def sign_in_as_operator(page: Page, site: Site, totp: pyotp.TOTP) -> None:
    page.goto(f"{site.url}/admin/login")
    page.fill('input[name="email"]', site.demo["admin_email"])
    page.fill('input[name="password"]', site.demo["admin_password"])
    page.click('main form button[type="submit"]')
    page.wait_for_url(re.compile(r"/admin/login/code$"))
    page.fill('input[name="code"]', totp.now())
    page.click('main form button[type="submit"]')
    page.wait_for_url(re.compile(r"/admin/$"))


def shop_page(widget_key: str, site: Site) -> str:
    """Return a store's web page with the chat snippet of ``widget_key``, as the store would paste it."""
    return f"""<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Fusteria Nova</title></head>
<body><h1>Fusteria Nova</h1><p>Mobles a mida.</p>
<script src="{site.url}/widget.js" data-key="{widget_key}" async></script></body></html>"""


def open_shop(shop: Page, site: Site, widget_key: str) -> None:
    """Load the store's page (served at the live site's origin, which the store allows)."""

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=shop_page(widget_key, site))

    shop.unroute("**/fusteria-nova.html")
    shop.route("**/fusteria-nova.html", serve)
    shop.goto(f"{site.url}/fusteria-nova.html")


def test_an_operator_creates_a_store_closes_it_rotates_its_key_and_acts_as_it(
    page: Page, site: Site, rt: Runtime
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in_as_operator(page, site, with_two_factor(rt, site.demo["admin_email"]))
    expect(page.locator("[data-testid=kpi-tenants]")).to_have_text("1")
    shot(page, "admin-overview")

    # Create the store, allowing the live site's origin, and get what to hand over.
    page.goto(f"{site.url}/admin/tenants/new")
    page.fill('input[name="name"]', "Fusteria Nova")
    page.select_option('select[name="plan"]', "pro")
    page.select_option('select[name="default_language"]', "ca")
    page.fill('textarea[name="allowed_origins"]', site.url)
    page.fill('input[name="owner_email"]', "nuria@fusterianova.example")
    shot(page, "admin-new-store")
    page.click('[data-testid=new-store-form] button[type="submit"]')
    expect(page.locator("h1")).to_contain_text("Fusteria Nova")
    old_key = page.locator("[data-testid=widget-key]").input_value()
    assert old_key.startswith("wk_")
    expect(page.locator("[data-testid=snippet]")).to_have_value(re.compile(re.escape(f'data-key="{old_key}"')))
    expect(page.locator("[data-testid=invitation]")).to_have_value(re.compile(r"/panel/invite/"))
    shot(page, "admin-created")

    # Its chat works on its website.
    shop = page.context.new_page()
    shop_errors: list[str] = []
    shop.on("console", lambda m: m.type == "error" and shop_errors.append(m.text))
    open_shop(shop, site, old_key)
    expect(shop.locator('button[part="launcher"]')).to_be_visible(timeout=WAIT)

    # Maintenance: the widget shows the store's message instead of the chat.
    page.click("[data-testid=open-store]")
    form = page.locator("[data-testid=maintenance-form]")
    form.locator('input[name="enabled"]').check()
    for lang, text in MESSAGES.items():
        form.locator(f'textarea[name="message_{lang}"]').fill(text)
    form.locator('button[type="submit"]').click()
    expect(page.locator("[data-testid=maintenance-badge]")).to_be_visible()
    shot(page, "admin-store")
    shop.reload()
    shop.locator('button[part="launcher"]').click(timeout=WAIT)
    any_message = re.compile("|".join(re.escape(text) for text in MESSAGES.values()))
    # The store's words arrive as a message from the store, with nothing to type into.
    expect(shop.locator('[part~="message"][data-role="bot"]')).to_have_text(any_message, timeout=WAIT)
    expect(shop.locator('[part="composer"]')).to_be_hidden()
    shot(shop, "widget-maintenance")

    # A new key: the old snippet no longer opens the chat, the new one does.
    page.click("[data-testid=rotate-key]")
    new_key = page.locator("[data-testid=widget-key]").input_value()
    assert new_key.startswith("wk_")
    assert new_key != old_key
    open_shop(shop, site, old_key)
    expect(shop.locator("#ebanista-widget")).to_have_count(0, timeout=WAIT)
    open_shop(shop, site, new_key)
    expect(shop.locator('button[part="launcher"]')).to_be_visible(timeout=WAIT)
    # The only errors the store's page shows are the refused requests themselves (503, then 404).
    assert all("Failed to load resource" in error for error in shop_errors), shop_errors
    shop.close()

    # Impersonation: /panel as the store, with the banner, until the operator ends it.
    page.click("[data-testid=impersonate]")
    page.wait_for_url(re.compile(r"/panel/?$"))
    banner = page.locator(".impersonation-banner")
    expect(banner).to_contain_text("Fusteria Nova")
    shot(page, "panel-impersonating")
    banner.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.locator(".impersonation-banner")).to_have_count(0)

    assert [e["details"]["path"] for e in audits(rt, "impersonation.request")][:1] == ["/panel"]
    assert len(audits(rt, "impersonation.ended")) == 1
    assert page.errors == []  # type: ignore[attr-defined]


def test_in_appliance_mode_the_one_store_is_shown_directly(page: Page, site: Site, rt: Runtime) -> None:
    if rt.settings.mode != "appliance":
        pytest.skip("the platform lists its stores")
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in_as_operator(page, site, with_two_factor(rt, site.demo["admin_email"]))
    page.click('nav a[href="/admin/tenants"]')
    expect(page.locator("[data-testid=store-name]")).to_contain_text("Estudi Roure")
    shot(page, "admin-appliance-store")
    assert page.errors == []  # type: ignore[attr-defined]
