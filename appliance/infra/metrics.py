"""Prometheus metrics: the counters and histograms every part of the program adds to.

Counters live in the process that counts (prometheus-client). A node of the platform is one
process (cheroot with threads), so each web and worker node is its own scrape target and
Prometheus sums them. Where several processes share one address (a pre-forking server),
set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder before start: prometheus-client then keeps
the values in files there and ``render`` merges every process's. Levels that belong to the whole
platform (queue depth, the WhatsApp outbox) are read from shared storage at scrape time instead,
by the collectors given to ``render``, so every node reports the same truth.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter(
    "ebanista_http_requests",
    "HTTP requests answered, by route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "ebanista_http_request_duration_seconds",
    "Time to answer HTTP requests, by route template.",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
CHAT_TURNS = Counter("ebanista_chat_turns", "Chat turns taken (start and send), by channel.", ["channel"])
LEADS = Counter("ebanista_leads_created", "Leads created by conversations, by channel.", ["channel"])
BOOKINGS = Counter("ebanista_bookings", "Appointments booked, by who booked (chat or staff).", ["source"])
AI_CALLS = Counter("ebanista_ai_calls", "Calls to the AI model, by purpose and outcome.", ["purpose", "outcome"])
AI_COST = Counter("ebanista_ai_cost_eur", "What AI calls cost, in euros, by purpose.", ["purpose"])
AI_LATENCY = Histogram(
    "ebanista_ai_call_duration_seconds",
    "Time AI calls took, by purpose.",
    ["purpose"],
    buckets=(0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0),
)
WHATSAPP_SENT = Counter(
    "ebanista_whatsapp_outbox_results", "WhatsApp outbox deliveries finished, by status.", ["status"]
)
ALERTS = Counter("ebanista_operator_alerts", "Operator alerts raised (not suppressed), by condition.", ["condition"])


def render(extra: Iterable[Collector] = ()) -> bytes:
    """Return every metric in the Prometheus text format: this process's (or, in multiprocess mode,
    every process's) and those of the ``extra`` collectors, read now."""
    if os.environ.get(MULTIPROC_ENV):
        merged = CollectorRegistry()
        MultiProcessCollector(merged)
        counted = generate_latest(merged)
    else:
        counted = generate_latest(REGISTRY)
    levels = CollectorRegistry(auto_describe=False)
    for collector in extra:
        levels.register(collector)
    return counted + generate_latest(levels)
