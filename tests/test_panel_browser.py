"""The store panel in a real browser (headless Chromium), as store staff use it."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from appliance.agenda import appointments as agenda
from appliance.agenda.booking import BookingRequest
from appliance.infra.db import Tenant, User
from appliance.infra.runtime import Runtime
from appliance.tenants.demo import DEMO_SLUG, OWNER_EMAIL
from appliance.tenants.registry import get_tenant_by_slug
from tests.leads_factory import add_lead, ago, allow_visitors, chat_until
from tests.livesite import Site
from tests.panel import browser_sign_in

pytestmark = pytest.mark.slow
WAIT = 10_000
MINE = {"/panel", "/panel/leads", "/panel/calendar", "/panel/account"}


@pytest.fixture(autouse=True)
def _short_live_streams(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """End each live stream after 3 s (the browser reconnects), so stopping the live server never waits long."""
    monkeypatch.setitem(app.config, "PANEL_LIVE_SECONDS", 3)


def leave(page: Page) -> None:
    """Close the page's live stream before the server stops."""
    page.goto("about:blank")


def demo_store(rt: Runtime) -> Tenant:
    with rt.sessions() as db:
        tenant = get_tenant_by_slug(db, DEMO_SLUG)
        db.expunge(tenant)
    return tenant


def sign_in_as_owner(page: Page, site: Site) -> None:
    browser_sign_in(page, site.url, site.demo["owner_email"], site.demo["owner_password"])


def test_staff_filter_the_leads_and_export_the_csv(page: Page, site: Site, rt: Runtime) -> None:
    store = demo_store(rt)
    add_lead(rt, store.id, name="Núria Vidal", score=85, created_at=ago(hours=1))
    add_lead(rt, store.id, name="Pau Freda", score=12, created_at=ago(hours=2))
    sign_in_as_owner(page, site)
    page.locator("nav a[href='/panel/leads']").click()
    page.select_option("select[name='temperature']", "hot")
    page.locator("[data-testid='lead-filters'] button[type='submit']").click()
    rows = page.locator("#leads-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Núria Vidal")
    with page.expect_download() as download:
        page.locator("[data-testid='export-csv']").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 2
    assert "Núria Vidal" in lines[1]
    assert page.errors == []  # type: ignore[attr-defined]
    leave(page)


def test_staff_open_a_lead_and_read_its_transcript(page: Page, site: Site, rt: Runtime, client: FlaskClient) -> None:
    store = demo_store(rt)
    allow_visitors(rt, store)
    chat_until(client, store, None)
    sign_in_as_owner(page, site)
    page.goto(f"{site.url}/panel/leads")
    page.locator("#leads-table tbody tr a").first.click()
    transcript = page.locator("[data-testid='transcript']")
    expect(transcript.locator("[data-role='visitor']").first).to_be_visible(timeout=WAIT)
    expect(transcript).to_contain_text("Ana Serra")
    expect(page.locator("[data-testid='score'] li")).to_have_count(5)
    assert page.errors == []  # type: ignore[attr-defined]


def test_staff_reschedule_an_appointment(page: Page, site: Site, rt: Runtime) -> None:
    store = demo_store(rt)
    first_day = date.today() + timedelta(days=2)
    slots = agenda.slots(rt, store.id, "showroom_visit", first_day, first_day + timedelta(days=10))["slots"]
    start = slots[0]["start"]
    booking = BookingRequest(
        service="showroom_visit", start=datetime.fromisoformat(start), name="Marc Puig", actor="staff"
    )
    made, _ = agenda.create(rt, store.id, booking, None, None)
    sign_in_as_owner(page, site)
    page.goto(f"{site.url}/panel/calendar?date={start[:10]}")
    event = page.locator(".ec-event", has_text="Marc Puig")
    expect(event).to_be_visible(timeout=WAIT)
    event.click()
    form = page.locator("[data-testid='reschedule-form']")
    expect(form).to_be_visible(timeout=WAIT)
    expect(form.locator("input[name='start']").nth(2)).to_be_visible(timeout=WAIT)
    form.locator("input[name='start']").nth(2).check()
    page.wait_for_timeout(300)  # choosing a time must not reload the list of times
    chosen = form.locator("input[name='start']:checked").get_attribute("value")
    assert chosen == form.locator("input[name='start']").nth(2).get_attribute("value")
    form.locator("button[type='submit']").click()
    expect(page.locator(".flash-success")).to_be_visible(timeout=WAIT)
    assert agenda.one(rt, store.id, made["id"])["start"] == chosen
    assert page.errors == []  # type: ignore[attr-defined]


def test_staff_switch_the_panel_language(page: Page, site: Site, rt: Runtime) -> None:
    sign_in_as_owner(page, site)
    page.locator(".language-switcher summary").click()
    page.locator(".language-switcher button[value='ca']").click()
    expect(page.locator("nav a[href='/panel']")).to_have_text("Avui")
    expect(page.locator("html")).to_have_attribute("lang", "ca")
    page.locator(".language-switcher summary").click()
    page.locator(".language-switcher button[value='pt']").click()
    expect(page.locator("nav a[href='/panel']")).to_have_text("Hoje")
    with rt.sessions() as db:
        from sqlalchemy import select

        assert db.scalar(select(User.language).where(User.email == OWNER_EMAIL)) == "pt"
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_new_lead_arrives_without_reloading(page: Page, site: Site, rt: Runtime) -> None:
    store = demo_store(rt)
    add_lead(rt, store.id, name="Primera", score=50, created_at=ago(hours=1))
    sign_in_as_owner(page, site)
    page.goto(f"{site.url}/panel/leads")
    expect(page.locator("#leads-table tbody tr")).to_have_count(1)
    page.wait_for_timeout(500)  # the event stream connects
    add_lead(rt, store.id, name="Arribada en directe", score=88)
    arrived = page.locator("#leads-table tbody tr").first
    expect(arrived).to_contain_text("Arribada en directe", timeout=WAIT)
    expect(page.locator("#leads-table tbody tr")).to_have_count(2)
    assert page.errors == []  # type: ignore[attr-defined]
    leave(page)


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/panel/login")
    for _ in range(5):
        page.fill("input[name='email']", site.demo["owner_email"])
        page.fill("input[name='password']", "not the password")
        page.click("main form button[type='submit']")
    message = page.locator("[data-testid='login-error']")
    expect(message).to_contain_text("locked for 15 minutes", timeout=WAIT)
    page.fill("input[name='email']", site.demo["owner_email"])
    page.fill("input[name='password']", site.demo["owner_password"])
    page.click("main form button[type='submit']")
    expect(message).to_contain_text("locked")
    assert "/login" in page.url


def test_two_factor_sign_in_with_an_authenticator_code(page: Page, site: Site, rt: Runtime) -> None:
    sign_in_as_owner(page, site)
    page.goto(f"{site.url}/panel/account")
    page.locator("form[action='/panel/account/two-factor'] button").click()
    secret = page.locator("[data-testid='totp-secret']").inner_text().strip()
    page.fill("input[name='code']", pyotp.TOTP(secret).now())
    page.locator("main form button[type='submit']").click()
    expect(page.locator("[data-testid='recovery-codes'] li")).to_have_count(10)
    page.locator("[data-testid='logout']").click()
    page.fill("input[name='email']", site.demo["owner_email"])
    page.fill("input[name='password']", site.demo["owner_password"])
    page.click("main form button[type='submit']")
    page.wait_for_url("**/panel/login/code")
    page.fill("input[name='code']", pyotp.TOTP(secret).now())
    page.click("main form button[type='submit']")
    page.wait_for_url(f"{site.url}/panel")
    expect(page.locator("[data-testid='new-leads']")).to_be_visible()
    assert page.errors == []  # type: ignore[attr-defined]


def test_every_page_of_the_nav_opens_without_console_errors_on_a_laptop_and_a_phone(
    page: Page, site: Site, rt: Runtime
) -> None:
    store = demo_store(rt)
    lead = add_lead(rt, store.id, name="Núria Vidal", score=85, email="nuria@example.com")
    sign_in_as_owner(page, site)
    links = page.locator("nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert {"/panel", "/panel/leads", "/panel/calendar", "/panel/account"} <= set(links)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        for link in [*links, f"/panel/leads/{lead}"]:
            assert link.startswith("/panel")
            response = page.goto(f"{site.url}{link}")
            assert response is not None, link
            assert response.ok, link
            page.wait_for_timeout(300)  # scripts run (charts, calendar); no "networkidle" with a live stream open
            if link in MINE or link.startswith("/panel/leads/"):
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, f"{link} is wider than the screen at {width}px"
    assert page.errors == []  # type: ignore[attr-defined]
    leave(page)


def test_staff_correct_a_leads_contact_in_the_browser(page: Page, site: Site, rt: Runtime) -> None:
    store = demo_store(rt)
    lead_id = add_lead(rt, store.id, name="me llamo nuria", email="nuria@exmaple.com")
    sign_in_as_owner(page, site)
    page.goto(f"{site.url}/panel/leads/{lead_id}")
    page.locator("[data-testid='edit-contact'] summary").click()
    form = page.locator("[data-testid='contact-form']")
    form.locator("input[name='name']").fill("Núria Vidal")
    form.locator("input[name='email']").fill("nuria@example.com")
    form.locator("input[name='phone']").fill("612 34 56 78")
    form.locator("input[name='address']").fill("C/ Mallorca 1, 2n 1a, Barcelona")
    form.locator("button[type='submit']").click()
    contact = page.locator("[data-testid='contact']")
    expect(contact).to_contain_text("Núria Vidal", timeout=WAIT)
    expect(contact).to_contain_text("nuria@example.com")
    expect(contact).to_contain_text("+34612345678")
    expect(contact).to_contain_text("C/ Mallorca 1, 2n 1a, Barcelona")
    expect(page.locator("h1")).to_contain_text("Núria Vidal")
    assert page.errors == []  # type: ignore[attr-defined]


def test_staff_set_a_home_visit_area_by_form(page: Page, site: Site, rt: Runtime) -> None:
    from appliance.configs import documents as configs

    store = demo_store(rt)
    sign_in_as_owner(page, site)
    page.goto(f"{site.url}/panel/settings/agenda")
    home = next(
        i
        for i in range(int(page.locator("input[name='service_rows']").get_attribute("value") or "0"))
        if page.locator(f"[data-testid='service-location-{i}']").input_value() == "home"
    )
    page.locator(f"[data-testid='service-postcodes-{home}']").fill("08001, 08002\n08003")
    page.locator(f"[data-testid='service-prefixes-{home}']").fill("081")
    page.locator(f"input[name='service_buffer_{home}']").fill("20")
    page.locator("[data-testid='save-agenda']").click()
    expect(page.locator(".flash-success")).to_be_visible(timeout=WAIT)
    with rt.sessions() as db:
        services = configs.current(db, store.id, "agenda")["payload"]["services"]
    service = services[home]
    assert service["service_area"] == {"postal_codes": ["08001", "08002", "08003"], "prefixes": ["081"]}
    assert service["travel_buffer_minutes"] == 20
    assert page.errors == []  # type: ignore[attr-defined]
