"""Rate limits: counters over the cache (Redis on the platform, in-process in the appliance) and blocks.

Counting uses a *sliding window counter*: each rule keeps one counter per fixed window (a minute, ten
minutes) and a request is weighed against this window's count plus the previous window's count scaled
by how much of it still overlaps the last ``window`` seconds. That costs two keys per rule, cannot be
gamed by bursting at a window edge like plain fixed windows, and is exact enough for abuse control.

Whoever goes over a limit is *blocked* for ``block_seconds`` (ten minutes): the block is a key of its
own holding the time it ends, so it outlives the window that triggered it. Blocked requests are not
counted. Times come from an injectable clock so tests move time instead of sleeping.

This module knows nothing of requests: appliance.web.limits builds an app's limiter and decides which
rules a web request counts against.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from appliance.errors import RateLimited
from appliance.infra.cache import Cache

log = structlog.get_logger(__name__)

BLOCK_SECONDS = 10 * 60
MINUTE = 60

# What the store promised its customers; the tenant-scoped numbers grow with the plan.
IP_PER_10_MINUTES = 400  # any limited path, any method
VISITOR_IP_PER_MINUTE = 60  # /v1/widget/* and /v1/chat/*
SENSITIVE_PER_MINUTE = 10  # logins and bookings, per IP
# Widget sessions are opened by anonymous page loads carrying only the public widget key: they get a
# bucket of their own, sized for a busy shop window, so a flood of them never spends (or blocks) the
# budget the store's staff and visitors in conversation share.
PLAN_LIMITS: dict[str, dict[str, int]] = {
    "base": {"tenant_per_minute": 120, "widget_sessions_per_minute": 300, "whatsapp_sender_per_minute": 30},
    "pro": {"tenant_per_minute": 240, "widget_sessions_per_minute": 600, "whatsapp_sender_per_minute": 30},
    "elite": {"tenant_per_minute": 480, "widget_sessions_per_minute": 1200, "whatsapp_sender_per_minute": 30},
}
OVERRIDABLE = frozenset(PLAN_LIMITS["base"])
MAX_OVERRIDE = 100_000

WHATSAPP_MESSAGE = "Too many messages from this number. Please wait a few minutes."


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` requests per ``window`` seconds for the subject ``key`` (e.g. "ip:10.0.0.1")."""

    key: str
    limit: int
    window: int


class Limiter:
    """Counts requests against rules in a shared cache and blocks whoever exceeds one."""

    def __init__(
        self,
        cache: Cache,
        *,
        enabled: bool = True,
        block_seconds: int = BLOCK_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache, self.enabled, self.block_seconds, self.clock = cache, enabled, block_seconds, clock

    def hit(self, key: str, limit: int, window: int) -> tuple[bool, int]:
        """Count one request for ``key``; return (allowed, seconds to wait when not allowed)."""
        wait = self.check([Rule(key, limit, window)])
        return wait is None, wait or 0

    def check(self, rules: Sequence[Rule]) -> int | None:
        """Count one request against every rule, in order; return None, or the seconds to wait.

        A live block on any of the rules' subjects refuses at once, counting nothing. Otherwise every
        rule counts the request (in one round trip) and the first one exceeded blocks its subject.
        """
        if not self.enabled or not rules:
            return None
        now = self.clock()
        # One round trip reads every block and every previous-window counter.
        values = self.cache.get_many([_block_key(r) for r in rules] + [_counter_key(r, now, -1) for r in rules])
        blocked_until = max((float(v) for v in values[: len(rules)] if v), default=0.0)
        if blocked_until > now:
            return max(1, math.ceil(blocked_until - now))
        counts = self.cache.incr_many([(_counter_key(r, now, 0), r.window * 2 + 1) for r in rules])
        for rule, previous, count in zip(rules, values[len(rules) :], counts, strict=True):
            # The previous window still weighs as much of it as overlaps the last ``window`` seconds.
            overlap = 1.0 - (now % rule.window) / rule.window
            if int(previous or 0) * overlap + count > rule.limit:
                self.block(rule, now)
                return self.block_seconds
        return None

    def block(self, rule: Rule, now: float | None = None) -> None:
        """Refuse ``rule``'s subject for the block period from ``now``."""
        ends = (self.clock() if now is None else now) + self.block_seconds
        self.cache.set(_block_key(rule), f"{ends:.3f}", self.block_seconds + 1)
        # The kind of subject only (and the tenant): addresses and phone hashes stay out of the logs.
        kind, _, rest = rule.key.partition(":")
        tenant = {"tenant_id": rest.split(":", 1)[0]} if kind in {"tenant", "widget-sessions", "wa"} else {}
        log.warning("rate_limit_block", rule=kind, limit=rule.limit, window=rule.window, **tenant)


def _counter_key(rule: Rule, now: float, offset: int) -> str:
    return f"rl:{rule.key}:{rule.window}:{int(now // rule.window) + offset}"


def _block_key(rule: Rule) -> str:
    return f"rl:block:{rule.key}"


def tenant_limit(plan: str, overrides: Mapping[str, Any] | None, name: str, plan_value: int | None = None) -> int:
    """Return the tenant's limit ``name``: its override if valid, else ``plan_value`` (what the
    plans table says, when the caller read it), else its plan's default."""
    value = (overrides or {}).get(name)
    # A bad override (hand-edited JSON) must not break requests; the plan's number applies then.
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_OVERRIDE:
        return value
    if plan_value is not None and plan_value >= 1:
        return plan_value
    return PLAN_LIMITS.get(plan, PLAN_LIMITS["base"])[name]


def override_problems(overrides: Mapping[str, Any]) -> list[dict[str, str]]:
    """Return the problems of a Tenant.limits value, in the Invalid envelope's shape (for admin APIs)."""
    problems = []
    for name, value in overrides.items():
        if name not in OVERRIDABLE:
            problems.append({"path": f"limits.{name}", "message": f"must be one of {sorted(OVERRIDABLE)}"})
        elif not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_OVERRIDE:
            problems.append({"path": f"limits.{name}", "message": f"must be a whole number from 1 to {MAX_OVERRIDE}"})
    return problems


def check_whatsapp_sender(
    limiter: Limiter, tenant_id: str, phone_hash: str, plan: str = "base", overrides: Mapping[str, Any] | None = None
) -> None:
    """Count one inbound WhatsApp message from ``phone_hash`` to the tenant; raise RateLimited past
    the tenant's per-number limit (30 a minute on every plan unless ``overrides`` say otherwise).

    ``phone_hash`` is the keyed hash of the number, never the number itself, since rate-limit keys
    are not personal-data stores. ``plan`` and ``overrides`` are the tenant's (its TenantInfo).
    """
    limit = tenant_limit(plan, overrides, "whatsapp_sender_per_minute")
    allowed, wait = limiter.hit(f"wa:{tenant_id}:{phone_hash}", limit, MINUTE)
    if not allowed:
        raise RateLimited(wait, WHATSAPP_MESSAGE)
