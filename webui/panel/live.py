"""New leads arriving in an open leads table: server-sent events from a generator that polls the database.

Why polling: it works the same in appliance mode (SQLite, no Redis) and on the platform (any web
node sees every commit), and a query for "leads newer than the last one shown" every two seconds
is one indexed read.

Why bounded: each open stream holds one server thread (cheroot and gunicorn gthread have fixed
pools), so a process serves at most ``max(1, threads // 4)`` streams at once, and every stream ends
after ``PANEL_LIVE_SECONDS`` (55 s). The browser's EventSource reconnects by itself after the
``retry`` delay and sends the last event id, so nothing is missed between two streams. When all
stream slots are taken, the answer is an empty stream that asks the browser to come back later.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import Flask, Response, current_app, render_template, request, stream_with_context

from appliance.core.moments import utcnow
from appliance.infra.runtime import current_runtime
from appliance.infra.store_scope import store_scope
from appliance.leads.query import LeadFilters, newest_leads

STREAM_SECONDS = 55
POLL_SECONDS = 2.0
RETRY_MS = 2000
BUSY_RETRY_MS = 20000
BATCH = 20


def position_of(lead: dict[str, Any] | None) -> str:
    """Return the event id that means "after this lead" (or "after now" when there is none)."""
    if lead is None:
        return f"{utcnow().isoformat()}|"
    return f"{lead['created_at']}|{lead['id']}"


def _parse(position: str | None) -> tuple[datetime, str]:
    moment, _, lead_id = (position or "").partition("|")
    try:
        return datetime.fromisoformat(moment), lead_id
    except ValueError:
        return utcnow(), ""


def _slots(app: Flask) -> threading.BoundedSemaphore:
    slots = app.extensions.get("panel_live_slots")
    if slots is None:
        threads = current_runtime().settings.threads
        slots = app.extensions.setdefault("panel_live_slots", threading.BoundedSemaphore(max(1, threads // 4)))
    return slots


def live_response(tenant_id: str, filters: LeadFilters) -> Response:
    """Answer with an event stream of the store's new leads matching ``filters``."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    since = _parse(request.headers.get("Last-Event-ID") or request.args.get("since"))
    body = stream_with_context(_stream(app, _slots(app), tenant_id, filters, since))
    response = Response(body, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # a reverse proxy must pass events on at once
    return response


def _stream(
    app: Flask, slots: threading.BoundedSemaphore, tenant_id: str, filters: LeadFilters, since: tuple[datetime, str]
) -> Iterator[str]:
    # The slot is taken when the stream starts, so a response that is never sent holds nothing.
    if not slots.acquire(blocking=False):
        yield f"retry: {BUSY_RETRY_MS}\n\n"
        return
    seconds = app.config.get("PANEL_LIVE_SECONDS", STREAM_SECONDS)
    pause = app.config.get("PANEL_LIVE_POLL", POLL_SECONDS)
    deadline = time.monotonic() + seconds
    try:
        yield f"retry: {RETRY_MS}\n\n"
        while True:
            for lead in _newer(tenant_id, filters, since):
                since = (datetime.fromisoformat(lead["created_at"]), lead["id"])
                yield _event(lead)
            if time.monotonic() + pause > deadline:
                return
            # A comment line each round: a closed browser tab shows up as a failed write and frees the thread.
            yield ": waiting\n\n"
            time.sleep(pause)
    finally:
        slots.release()


def _newer(tenant_id: str, filters: LeadFilters, since: tuple[datetime, str]) -> list[dict[str, Any]]:
    """Return the leads after ``since`` matching ``filters``, oldest first."""
    # Between polls the stream runs outside the view: the store is said again for row-level security.
    with store_scope(tenant_id):
        items = newest_leads(current_runtime(), tenant_id, filters, BATCH)
    fresh = [lead for lead in items if (datetime.fromisoformat(lead["created_at"]), lead["id"]) > since]
    return list(reversed(fresh))


def _event(lead: dict[str, Any]) -> str:
    html = render_template("panel/_lead_row.html", lead=lead, arriving=True)
    data = "".join(f"data: {line}\n" for line in html.strip().splitlines())
    return f"id: {position_of(lead)}\nevent: lead\n{data}\n"
