"""The operator's terminal console against a real running server: each screen, each action (asked
first, audited by the server), and the API's errors shown as messages, never a traceback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from textual.pilot import Pilot

from appliance.infra.db import Tenant, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.scheduler import make_scheduler
from appliance.operator.telemetry import Failure, record_failure
from tests.backends import PLATFORM
from tests.console import ATTEMPTS, console_of, fail_a_task, notices, press, rows_of, run_console, run_now, text_of
from tests.livesite import Site
from tests.operators import audits, platform_token
from tests.visitors import Visitor
from tui.dialogs import Confirm, ShowSecret

pytestmark = pytest.mark.skipif(PLATFORM, reason="the console only speaks HTTP to a server: one backend is enough")
LOCAL_PAGE = "http://127.0.0.1:5500"


def demo(rt: Runtime) -> Tenant:
    with rt.sessions() as db:
        return db.query(Tenant).filter_by(slug="demo").one()


def operator(site: Site) -> object:
    return console_of(site.url, site.demo["admin_token"])


def test_the_overview_shows_the_health_of_each_part_and_the_last_hour(site: Site) -> None:
    async def script(pilot: Pilot[None]) -> None:
        shown = text_of(pilot, "#overview")
        assert "Health  ok" in shown
        for part in ("database ok", "cache ok", "queue ok", "storage ok"):
            assert part in shown
        assert "Last hour" in shown
        assert "conversations 0   leads 0" in shown
        assert "AI spend this month  0.00 €" in shown
        assert "1 in all: 1 active, 0 paused" in shown

    run_console(operator(site), script)


def test_each_screen_has_its_key_in_the_footer_and_in_the_command_palette(site: Site) -> None:
    async def script(pilot: Pilot[None]) -> None:
        keys = {binding.key: binding.description for binding in pilot.app.BINDINGS}  # type: ignore[union-attr]
        assert keys == {"o": "Overview", "t": "Tenants", "l": "Live", "q": "Queue", "j": "Jobs",
                        "e": "Errors", "a": "Audit", "b": "Backups"}  # fmt: skip
        titles = [command.title for command in pilot.app.get_system_commands(pilot.app.screen)]
        assert titles[:8] == [f"{d} ({k})" for k, d in keys.items()]
        for key, mode in (("t", "tenants"), ("l", "live"), ("q", "queue"), ("j", "jobs"), ("o", "overview")):
            await press(pilot, key)
            assert pilot.app.current_mode == mode

    run_console(operator(site), script)


def test_the_tenants_screen_lists_and_searches_the_stores(site: Site) -> None:
    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "t")
        assert rows_of(pilot)[0][:4] == ["demo", "Estudi Roure · Cuines i…", "active", "pro"]
        await press(pilot, "slash", "x", "y", "z")
        assert rows_of(pilot) == []
        await press(pilot, "backspace", "backspace", "backspace", "r", "o", "u")
        assert [row[0] for row in rows_of(pilot)] == ["demo"]

    run_console(operator(site), script)


def test_pausing_asks_first_and_a_no_changes_nothing(site: Site, rt: Runtime) -> None:
    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "t", "p")
        assert isinstance(pilot.app.screen, Confirm)
        await press(pilot, "n")
        assert demo(rt).status == "active"
        await press(pilot, "p", "y")
        assert demo(rt).status == "paused"
        assert rows_of(pilot)[0][2] == "paused"
        await press(pilot, "p", "y")
        assert demo(rt).status == "active"

    run_console(operator(site), script)
    assert [a["details"] for a in audits(rt, "tenant.updated")] == [{"fields": ["status"]}] * 2


def test_maintenance_takes_a_message_for_every_language_and_ends_on_request(site: Site, rt: Runtime) -> None:
    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "t", "m")
        await pilot.press(*"Tornem aviat")
        await press(pilot, "enter", "y")
        shown = demo(rt).maintenance
        assert shown["enabled"] is True
        assert set(shown["message"].values()) == {"Tornem aviat"}
        assert rows_of(pilot)[0][4] == "on"
        await press(pilot, "m", "y")
        assert demo(rt).maintenance["enabled"] is False

    run_console(operator(site), script)
    assert len(audits(rt, "tenant.maintenance")) == 2


def test_rotating_the_widget_key_gives_the_store_a_new_one(site: Site, rt: Runtime) -> None:
    before = demo(rt).widget_key

    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "t", "k", "y")
        assert any(demo(rt).widget_key in notice for notice in notices(pilot))

    run_console(operator(site), script)
    assert demo(rt).widget_key != before
    assert audits(rt, "widget_key.rotated")


def test_impersonating_shows_the_token_to_copy(site: Site, rt: Runtime) -> None:
    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "t", "i", "y")
        dialog = pilot.app.screen
        assert isinstance(dialog, ShowSecret)
        assert dialog.secret.startswith("ey")
        assert pilot.app.clipboard == dialog.secret
        await press(pilot, "escape")
        assert not isinstance(pilot.app.screen, ShowSecret)

    run_console(operator(site), script)
    assert audits(rt, "impersonation.started")


def test_the_live_screen_tails_turns_with_contact_details_masked(site: Site, client: FlaskClient) -> None:
    visitor = Visitor(client, site.demo["widget_key"], origin=LOCAL_PAGE)
    visitor.open()
    visitor.start()
    visitor.send(text="Soy Laura, laura.garcia@example.com")

    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "l")
        rows = rows_of(pilot)
        assert {row[1] for row in rows} == {"demo"}
        said = next(row for row in rows if row[2] == "visitor")
        assert "laura.garcia@example.com" not in said[3]
        assert "***" in said[3]
        await press(pilot, "f")
        assert "Following" in notices(pilot)[-1]

    run_console(operator(site), script)


def test_the_queue_screen_lists_a_failed_task_and_retries_it(site: Site, rt: Runtime) -> None:
    fail_a_task(rt, "l_01CONSOLETEST01")

    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "q")
        assert "failed 1" in text_of(pilot, "#queue-summary")
        assert rows_of(pilot)[0][1:] == ["console_test_always_fails", "RuntimeError", "0"]
        await press(pilot, "y", "y")
        assert "console_test_always_fails queued again." in notices(pilot)

    run_console(operator(site), script)
    assert len(ATTEMPTS) == 2
    assert audits(rt, "console.task_retried")


def test_the_jobs_screen_shows_when_each_job_runs_next(site: Site, rt: Runtime) -> None:
    run_now(make_scheduler(rt), "forget_stale_throttles")

    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "j")
        by_job = {row[0]: row for row in rows_of(pilot)}
        assert by_job["flush_whatsapp_outbox"][1] == "5 s"
        assert by_job["forget_stale_throttles"][2] != "—"
        assert by_job["apply_retention"][2] == "—"

    run_console(operator(site), script)


def test_the_errors_screen_shows_recent_errors_and_narrows_to_one_store(site: Site, rt: Runtime) -> None:
    # Times of their own: two failures recorded in the same instant would be listed in either order.
    now = utcnow()
    record_failure(
        rt, Failure(500, "internal", "boom", "GET", "/v1/leads", tenant_id=demo(rt).id), now - timedelta(minutes=2)
    )
    record_failure(rt, Failure(503, "unavailable", "down", "GET", "/v1/health"), now - timedelta(minutes=1))

    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "e")
        rows = rows_of(pilot)
        assert [row[1:] for row in rows] == [["—", "503", "unavailable", "GET /v1/health"],
                                             ["demo", "500", "internal", "GET /v1/leads"]]  # fmt: skip
        await press(pilot, "down", "s")
        assert [row[1] for row in rows_of(pilot)] == ["demo"]
        await press(pilot, "s")
        assert len(rows_of(pilot)) == 2

    run_console(operator(site), script)


def test_the_audit_screen_shows_the_latest_actions_in_words(site: Site) -> None:
    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "t", "p", "y", "a")
        first = rows_of(pilot)[0]
        assert first[1:3] == ["tenant.updated", "demo"]
        assert first[3].startswith("platform token")

    run_console(operator(site), script)


def test_an_api_error_is_a_message_not_a_traceback(site: Site) -> None:
    async def script(pilot: Pilot[None]) -> None:
        assert notices(pilot) == [
            "This token is not a platform operator's token (or the address is wrong). (not_found)"
        ]
        assert pilot.app.is_running

    run_console(console_of(site.url, site.demo["api_token"]), script)


def test_read_only_staff_are_told_when_a_change_is_refused(site: Site, rt: Runtime) -> None:
    internal = platform_token(rt, "INTERNAL", "staff@ebanista.test")

    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "t", "p", "y")
        assert "may only read the admin pages" in notices(pilot)[-1]
        assert demo(rt).status == "active"

    run_console(console_of(site.url, internal), script)


def test_an_unreachable_server_is_said_in_words() -> None:
    async def script(pilot: Pilot[None]) -> None:
        assert notices(pilot)[0].startswith("Cannot reach http://127.0.0.1:9")

    run_console(console_of("http://127.0.0.1:9", "eba_x"), script)


def test_the_backups_screen_lists_backups_and_makes_one_after_asking(site: Site, rt: Runtime) -> None:
    async def script(pilot: Pilot[None]) -> None:
        await press(pilot, "b")
        # The backup folder is the test data folder's: other tests may have left copies in it.
        before = len(rows_of(pilot))
        assert f"Copies {before}" in text_of(pilot, "#backups-summary")
        await press(pilot, "n", "n")
        assert len(rows_of(pilot)) == before
        await press(pilot, "n", "y")
        rows = rows_of(pilot)
        assert len(rows) == before + 1
        newest = rows[0]
        assert newest[1].startswith("ebanista-")
        assert newest[2].endswith("B")
        assert f"Copies {before + 1}" in text_of(pilot, "#backups-summary")
        assert notices(pilot)[-1].startswith(f"Backup {newest[1]} made")

    run_console(operator(site), script)
