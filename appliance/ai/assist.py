"""Understanding a visitor's free text with a model where the store pays for one, never worse than the rules.

The order of a turn's reading: the rules read the text (always); if the operator set an AI server,
the store chose the ``openai`` provider and its month's cap is not reached, the text is masked
(unless the store sends personal data), checked by the moderation endpoint (flagged text goes no
further, and the visitor is kindly asked again), a call is reserved against the cap, and the model
fills what the rules left empty. Any failure — timeout, error, 429, garbage — leaves the rules'
reading for this turn. Nothing here holds a database transaction while waiting for the server.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import structlog

from appliance.ai import alerts, budget, extraction
from appliance.ai.masking import mask_personal
from appliance.ai.openai_compat import MODERATION_MODEL, CallFailed, Endpoint, complete, moderate
from appliance.ai.prices import price_table
from appliance.ai.provider import Ask
from appliance.ai.rules import RULES
from appliance.core.alerting import AI_SLOW_SECONDS
from appliance.infra import metrics
from appliance.infra.runtime import Runtime
from appliance.operator.alerts import raise_alert
from appliance.tenants.directory import tenant_config

log = structlog.get_logger(__name__)
DEFAULT_MODEL = "gpt-4.1-mini"
DEFAULT_CHEAP_MODEL = "gpt-4.1-nano"
ECONOMY_MAX_TOKENS = 120


@dataclass(frozen=True)
class Reading:
    """What a turn understood of a text: its facts, whether moderation flagged it, who read it."""

    facts: dict[str, Any]
    flagged: bool = False
    source: str = "rules"
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Plan:
    """How a store may use the model now: its AI settings, the mode's model and length."""

    config: dict[str, Any]
    model: str
    max_tokens: int
    endpoint: Endpoint


def read_text(rt: Runtime, tenant_id: str, session_id: str | None, ask: Ask) -> Reading:
    """Understand ``ask`` with the rules, and with the store's model where it may use one."""
    rules = RULES.understand(ask)
    plan = model_plan(rt, tenant_id)
    if plan is None:
        return Reading(rules)
    masked = not plan.config.get("send_personal_data")
    text = mask_personal(ask.text, rules) if masked else ask.text
    prices = price_table(rt.settings)
    off = rt.settings.ai_moderation == "off"
    flagged = False if off else _moderated(rt, plan, tenant_id, session_id, text, prices)
    if flagged is not False:
        return Reading(rules, flagged=bool(flagged), notes=("flagged" if flagged else "unmoderated",))
    body = extraction.request_body(
        plan.model, text, ask.language, temperature=plan.config.get("temperature", 0.2), max_tokens=plan.max_tokens
    )
    answer = ask_model(
        rt,
        plan,
        budget.Call(tenant_id, session_id, "understand", plan.model, estimated_tokens(body), plan.max_tokens),
        body,
        prices,
    )
    if answer is None:
        return Reading(rules, notes=("fallback",))
    found = extraction.checked(answer)
    if found is None:
        log.info("ai_answer_ignored", tenant_id=tenant_id, reason="not_the_schema")
        return Reading(rules, notes=("ignored",))
    return Reading(extraction.merged(rules, found, masked=masked), source="model")


def model_plan(rt: Runtime, tenant_id: str) -> Plan | None:
    """Return how the store may use the model now, or None when the rules alone answer."""
    if not rt.settings.ai_base_url:
        return None
    with rt.transaction() as db:
        config = tenant_config(rt, db, tenant_id, "ai")
    if config.get("provider") != "openai":
        return None
    mode = budget.standing(rt, tenant_id)["mode"]
    if mode == "low_cost":
        return None
    model = config.get("model") or DEFAULT_MODEL
    max_tokens = int(config.get("max_tokens") or 300)
    if mode == "economy":
        model = config.get("cheap_model") or DEFAULT_CHEAP_MODEL
        max_tokens = min(max_tokens, ECONOMY_MAX_TOKENS)
    endpoint = Endpoint(rt.settings.ai_base_url, rt.settings.ai_api_key)
    return Plan(config, model, max_tokens, endpoint)


def _moderated(
    rt: Runtime, plan: Plan, tenant_id: str, session_id: str | None, text: str, prices: dict[str, Any]
) -> bool | None:
    """Tell whether moderation flags ``text``; None when it could not tell (then nothing is sent)."""
    call = budget.Call(tenant_id, session_id, "moderate", MODERATION_MODEL, estimated_tokens({"input": text}), 0)
    reserved = budget.reserve(rt, call, prices)
    if reserved is None:
        return None
    try:
        flagged = moderate(plan.endpoint, text)
    except CallFailed as exc:
        budget.settle(rt, reserved, (call.tokens_in, 0) if exc.billed else None, prices)
        log.info("ai_moderation_failed", tenant_id=tenant_id, error=exc.message)
        return None
    budget.settle(rt, reserved, (call.tokens_in, 0), prices)
    return flagged


def ask_model(rt: Runtime, plan: Plan, call: budget.Call, body: dict[str, Any], prices: dict[str, Any]) -> str | None:
    """Reserve, ask the model, settle; return its text, or None when the rules must answer."""
    reserved = budget.reserve(rt, call, prices)
    if reserved is None:
        return None
    started = time.perf_counter()
    try:
        completion = complete(plan.endpoint, body)
    except CallFailed as exc:
        # A timed-out call may have been billed: its reservation stands. Anything else cost nothing.
        cost = budget.settle(rt, reserved, (call.tokens_in, call.max_tokens_out) if exc.billed else None, prices)
        log.info("ai_call_failed", tenant_id=call.tenant_id, purpose=call.purpose, error=exc.message)
        _observe(rt, call, time.perf_counter() - started, "failed", cost)
        alerts.check(rt, call.tenant_id)
        return None
    cost = budget.settle(rt, reserved, (completion.tokens_in, completion.tokens_out), prices)
    _observe(rt, call, time.perf_counter() - started, "ok", cost)
    alerts.check(rt, call.tenant_id)
    return completion.text


def _observe(rt: Runtime, call: budget.Call, seconds: float, outcome: str, cost: float) -> None:
    """Count the call for /metrics, and tell the operator when the model is slow (over 3 s)."""
    metrics.AI_CALLS.labels(call.purpose, outcome).inc()
    metrics.AI_LATENCY.labels(call.purpose).observe(seconds)
    metrics.AI_COST.labels(call.purpose).inc(cost)
    if seconds > AI_SLOW_SECONDS:
        raise_alert(rt, "ai_slow", tenant_id=call.tenant_id, detail=f"{call.purpose} took {seconds:.1f} s")


def write(
    rt: Runtime,
    plan: Plan,
    call: tuple[str, str | None, str],
    system: str,
    user: str,
    **options: Any,
) -> str | None:
    """Ask the store's model for a text: ``system`` says what to write, ``user`` is what it starts
    from; ``call`` is (tenant, conversation, purpose) for the ledger. Options (a temperature, a
    response_format) go into the request. None when the rules' or template's text must stand."""
    body = {
        "model": plan.model,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        "temperature": plan.config.get("temperature", 0.2),
        "max_tokens": plan.max_tokens,
    } | options
    tenant_id, session_id, purpose = call
    ledger = budget.Call(tenant_id, session_id, purpose, plan.model, estimated_tokens(body), plan.max_tokens)
    return ask_model(rt, plan, ledger, body, price_table(rt.settings))


def estimated_tokens(body: dict[str, Any]) -> int:
    # About four characters a token in these languages; three, to reserve on the safe side.
    return len(str(body)) // 3 + 20
