"""Levels of the whole platform for /metrics, read from shared storage at each scrape: the task
queue's depth and the WhatsApp outbox by status (every node reports the same numbers)."""

from __future__ import annotations

from collections.abc import Iterator

import structlog
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from appliance.infra.db import WhatsAppOutbox
from appliance.infra.runtime import Runtime

log = structlog.get_logger(__name__)
OUTBOX_STATUSES = ("queued", "sending", "accepted", "sent", "delivered", "read", "failed")


class PlatformLevels(Collector):
    """A collector of the queue depth and the outbox levels of one runtime."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the gauges; a level that cannot be read now is left out (and logged)."""
        queue = GaugeMetricFamily("ebanista_queue_depth", "Background tasks waiting in the queue.")
        try:
            queue.add_metric([], float(self.rt.queue.huey.pending_count()))
            yield queue
        except Exception as exc:
            log.warning("metric_unreadable", metric="queue_depth", error_type=type(exc).__name__)
        outbox = GaugeMetricFamily(
            "ebanista_whatsapp_outbox_messages", "WhatsApp outbox messages by status.", labels=["status"]
        )
        try:
            counts = self._outbox_counts()
        except Exception as exc:
            log.warning("metric_unreadable", metric="whatsapp_outbox", error_type=type(exc).__name__)
            return
        for status in sorted(set(OUTBOX_STATUSES) | set(counts)):
            outbox.add_metric([status], float(counts.get(status, 0)))
        yield outbox

    def _outbox_counts(self) -> dict[str, int]:
        with self.rt.transaction() as db:
            rows = db.execute(select(WhatsAppOutbox.status, func.count()).group_by(WhatsAppOutbox.status)).all()
        return {str(status): int(count) for status, count in rows}
