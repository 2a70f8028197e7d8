"""The AI provider with a hard budget, against a fake OpenAI-compatible server on a local port.

The model fills what the rules left empty, sees no personal data, is never sent flagged text, and
any failure (errors, 429, prose, slowness) leaves the rules' reading within the same request. Every
call is priced in the ledger with its conversation; the hour's slice, the month's cap and eight
conversations at once are checked with a clock the tests hold.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.ai import alerts, clock
from appliance.ai.assist import read_text
from appliance.ai.provider import Ask
from appliance.ai.rules import RULES
from appliance.infra.db import AIUsage, UsageEntry
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.contract import NLU_KEYS
from tests.fake_openai import FakeOpenAI, serve
from tests.mailbox import Inbox

COMPLETIONS, MODERATIONS = "/v1/chat/completions", "/v1/moderations"
NOW = datetime(2026, 3, 15, 11, 30, tzinfo=UTC)  # 12:30 in Madrid, mid-month


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def openai(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """The fake OpenAI-compatible server, with the app pointed at it."""
    yield from serve(rt, monkeypatch)


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The AI budget's clock, pinned at NOW; a test moves it by changing the list's one item."""
    moment = [NOW]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return moment


def use_model(client: FlaskClient, cast: Cast, **more: object) -> None:
    body = {"provider": "openai", "model": "gpt-4.1-mini", "cheap_model": "gpt-4.1-nano", **more}
    saved = client.put("/v1/config/ai", json=body, headers=auth(cast.alice_token))
    assert saved.status_code == 200, saved.get_json()


def model_answer(**facts: object) -> dict[str, object]:
    return {key: facts.get(key) for key in NLU_KEYS}


def ledger(rt: Runtime, tenant_id: str) -> list[AIUsage]:
    with rt.transaction() as db:
        rows = db.scalars(select(AIUsage).where(AIUsage.tenant_id == tenant_id).order_by(AIUsage.created_at))
        return list(rows)


def read(rt: Runtime, cast: Cast, text: str, session_id: str | None = None):
    return read_text(rt, cast.tenant_a.id, session_id, Ask(text, "es", "ES"))


# --- wiring and fallbacks ------------------------------------------------------------------------


def test_the_model_fills_what_the_rules_left_empty_and_the_rules_win_where_certain(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    use_model(client, cast)
    text = "Quiero reformar la cocina, unos 12 m2, que sea acogedora y cálida con isla"
    rules = RULES.understand(Ask(text, "es", "ES"))
    assert rules["style"] is None
    assert rules["area_m2"] == 12
    openai.completions.append(("json", model_answer(style="nordic", area_m2=40, urgency="soon")))
    reading = read(rt, cast, text)
    assert reading.source == "model"
    assert reading.facts["style"] == "nordic"  # the model filled it
    assert reading.facts["urgency"] == "soon"
    assert reading.facts["area_m2"] == 12  # the rules were certain
    sent = openai.sent(COMPLETIONS)[0]
    assert sent["model"] == "gpt-4.1-mini"
    schema = sent["response_format"]["json_schema"]["schema"]
    assert sent["response_format"]["type"] == "json_schema"
    assert schema["required"] == NLU_KEYS
    assert set(schema["properties"]) == set(NLU_KEYS)
    assert openai.sent(MODERATIONS)[0]["input"] == text  # moderated before it went to the model


def test_personal_data_is_masked_before_it_leaves_unless_the_store_sends_it(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    use_model(client, cast)
    text = "Hola, soy Laura Pérez, laura.perez@correo.es, 612 345 678, vivo en calle Mayor 5. Quiero un armario"
    read(rt, cast, text)
    sent = json.dumps([openai.sent(MODERATIONS)[-1], openai.sent(COMPLETIONS)[-1]], ensure_ascii=False)
    for secret in ("Laura", "Pérez", "laura.perez", "612 345 678", "Mayor"):
        assert secret not in sent
    assert "[NAME]" in sent
    assert "[EMAIL]" in sent
    assert "[PHONE]" in sent
    assert "[ADDRESS]" in sent
    assert "armario" in sent
    use_model(client, cast, send_personal_data=True)
    read(rt, cast, text)
    assert "laura.perez@correo.es" in openai.sent(COMPLETIONS)[-1]["messages"][-1]["content"]


def test_a_masked_contact_is_never_taken_from_the_model(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    use_model(client, cast)
    openai.completions.append(("json", model_answer(email="made.up@example.com", phone="+34699000111")))
    facts = read(rt, cast, "Quiero una cocina").facts
    assert (facts["email"], facts["phone"]) == (None, None)


@pytest.mark.parametrize(
    "answer",
    [
        ("text", "¡Claro! El visitante quiere una cocina nórdica de unos 12 m2."),  # prose, schema ignored
        ("text", "[1, 2, 3]"),
        ("text", '{"unrelated": true}'),
        ("error", 500),
        ("error", 429),
        ("error", 400),
    ],
)
def test_garbage_errors_and_429_leave_the_rules_reading_without_a_retry(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime], answer: tuple
) -> None:
    use_model(client, cast)
    text = "Busco una cocina moderna de 10 m2"
    openai.completions.append(answer)
    reading = read(rt, cast, text)
    assert reading.source == "rules"
    assert reading.facts == RULES.understand(Ask(text, "es", "ES"))
    assert len(openai.sent(COMPLETIONS)) == 1  # never sent twice
    extraction = [row for row in ledger(rt, cast.tenant_a.id) if row.purpose == "understand"]
    # An error answer cost nothing; prose cost its tokens.
    assert (extraction[0].cost_eur > 0) == (answer[0] == "text")


def test_bad_values_in_an_otherwise_good_answer_are_dropped_one_by_one(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    use_model(client, cast)
    answer = model_answer(style="baroque", urgency="soon", budget_min_eur="lots", area_m2=-3, name="Marta")
    openai.completions.append(("json", answer))
    facts = read(rt, cast, "algo bonito para casa").facts
    assert (facts["style"], facts["budget_min_eur"], facts["area_m2"]) == (None, None, None)
    assert (facts["urgency"], facts["name"]) == ("soon", "Marta")


def test_a_slow_answer_is_given_up_after_3_seconds_and_its_reservation_stands(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    use_model(client, cast)
    openai.completions.append(("slow", 4.5, ("json", model_answer(style="rustic"))))
    began = time.monotonic()
    reading = read(rt, cast, "Una cocina de 9 m2")
    assert time.monotonic() - began < 4.2
    assert reading.source == "rules"
    assert reading.facts["style"] is None
    row = next(r for r in ledger(rt, cast.tenant_a.id) if r.purpose == "understand")
    assert row.cost_eur > 0  # it may have been billed: the reserved greatest cost is kept


def test_with_the_rules_provider_or_no_server_nothing_is_called(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    reading = read(rt, cast, "Busco un armario")  # the store never chose a model
    assert reading.source == "rules"
    assert openai.requests == []
    use_model(client, cast)
    rt.settings = rt.settings.model_copy(update={"ai_base_url": None})
    assert read(rt, cast, "Busco un armario").source == "rules"
    assert openai.requests == []
    assert ledger(rt, cast.tenant_a.id) == []


# --- moderation, through the chat ---------------------------------------------------------------


def test_flagged_text_is_never_sent_to_the_model_and_the_same_question_comes_again(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    from tests.subjects import open_to_visitors
    from tests.visitors import Visitor

    use_model(client, cast)
    open_to_visitors(rt, cast.tenant_a.id)
    v = Visitor(client, cast.tenant_a.widget_key)
    v.open(lang="es")
    v.start()
    before = v.send(choice="yes")
    openai.moderations.append(("flag",))
    answer = v.send(text="un texto ofensivo cualquiera")
    assert answer["input"] == before["input"]
    assert answer["messages"][0]["text"].startswith("Prefiero que hablemos solo de tu proyecto")
    assert answer["messages"][-1]["text"] == before["messages"][-1]["text"]  # the same question
    assert openai.sent(COMPLETIONS) == []
    openai.completions.append(("json", model_answer(project_type="wardrobe")))
    after = v.send(text="pues un vestidor para el dormitorio")
    assert after["input"] != before["input"]  # understood by the model, and the flow went on
    assert len(openai.sent(COMPLETIONS)) == 1


# --- the ledger, the slice and the cap ----------------------------------------------------------


def test_each_call_is_priced_from_its_tokens_and_booked_with_its_conversation(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    use_model(client, cast)
    openai.usage = {"prompt_tokens": 1000, "completion_tokens": 200}
    read(rt, cast, "una cocina")
    rows = ledger(rt, cast.tenant_a.id)
    understand = next(r for r in rows if r.purpose == "understand")
    # gpt-4.1-mini: 0.368 € in and 1.472 € out per million tokens.
    assert (understand.tokens_in, understand.tokens_out) == (1000, 200)
    assert understand.cost_eur == Decimal("0.000662")
    assert understand.created_at.replace(tzinfo=UTC) == NOW
    assert {r.purpose for r in rows} == {"moderate", "understand"}


def test_operator_prices_override_the_table_and_an_unpriced_model_costs_nothing(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    prices = {"gpt-4.1-mini": {"input_eur_per_mtok": 1000, "output_eur_per_mtok": 0}}
    rt.settings = rt.settings.model_copy(update={"ai_prices": json.dumps(prices)})
    use_model(client, cast)
    openai.usage = {"prompt_tokens": 1000, "completion_tokens": 200}
    read(rt, cast, "una cocina")
    use_model(client, cast, model="llama-3.1-8b-local", cheap_model="llama-3.1-8b-local")
    read(rt, cast, "una cocina")
    costs = [r.cost_eur for r in ledger(rt, cast.tenant_a.id) if r.purpose == "understand"]
    assert costs == [Decimal("1.000000"), Decimal("0.000000")]


def spend(rt: Runtime, tenant_id: str, euros: str, at: datetime) -> None:
    with rt.transaction() as db:
        db.add(
            AIUsage(
                tenant_id=tenant_id,
                provider="openai",
                model="gpt-4.1-mini",
                purpose="understand",
                cost_eur=Decimal(euros),
                created_at=at,
            )
        )


def test_economy_when_the_hours_slice_is_spent_normal_again_the_next_hour(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    use_model(client, cast)  # Base plan: 10 € a month
    usage = client.get("/v1/usage/ai", headers=auth(cast.alice_token)).get_json()
    # 12:00 on 15 March to 1 April in Madrid: 395 real hours (29 March has 23) left for 10 €.
    assert (usage["mode"], usage["cap_eur"], usage["hour_slice_eur"]) == ("normal", 10.0, 0.025316)
    spend(rt, cast.tenant_a.id, "0.030000", NOW - timedelta(minutes=10))
    usage = client.get("/v1/usage/ai", headers=auth(cast.alice_token)).get_json()
    assert usage["mode"] == "economy"
    read(rt, cast, "una cocina")
    sent = openai.sent(COMPLETIONS)[-1]
    assert (sent["model"], sent["max_tokens"]) == ("gpt-4.1-nano", 120)  # the cheap model, short
    pinned[0] = NOW + timedelta(hours=1)
    usage = client.get("/v1/usage/ai", headers=auth(cast.alice_token)).get_json()
    assert usage["mode"] == "normal"
    read(rt, cast, "una cocina")
    assert openai.sent(COMPLETIONS)[-1]["model"] == "gpt-4.1-mini"


def test_low_cost_when_the_months_cap_is_reached_makes_no_calls_at_all(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    use_model(client, cast, monthly_cap_eur=2)
    spend(rt, cast.tenant_a.id, "2.000000", datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    usage = client.get("/v1/usage/ai", headers=auth(cast.alice_token)).get_json()
    assert (usage["mode"], usage["cap_eur"], usage["cap_source"]) == ("low_cost", 2.0, "store")
    assert read(rt, cast, "una cocina nórdica").source == "rules"
    assert openai.requests == []
    pinned[0] = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)  # a new month in Madrid
    assert read(rt, cast, "una cocina nórdica").source == "model"


def test_the_cap_holds_under_8_concurrent_conversations(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime]
) -> None:
    # 0.3 € a call (200 tokens in at 500 €/M, 200 out at 1000 €/M), 0.6 € reserved; a 1 € cap.
    prices = {"gpt-4.1-mini": {"input_eur_per_mtok": 500, "output_eur_per_mtok": 1000}}
    rt.settings = rt.settings.model_copy(update={"ai_prices": json.dumps(prices)})
    use_model(client, cast, monthly_cap_eur=1, max_tokens=200)
    openai.usage = {"prompt_tokens": 200, "completion_tokens": 200}
    openai.delay = 0.3  # every call overlaps the others
    readings = []

    def converse() -> None:
        readings.append(read(rt, cast, "Quiero una cocina"))

    threads = [threading.Thread(target=converse) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(readings) == 8
    spent = sum(r.cost_eur for r in ledger(rt, cast.tenant_a.id))
    calls = len(openai.sent(COMPLETIONS))
    assert 1 <= calls < 8  # some were served by the model, the rest by the rules
    assert spent <= Decimal("1.3")  # never past the cap by more than one call's cost
    assert sum(r.source == "model" for r in readings) == calls


# --- the store's settings and alerts ------------------------------------------------------------


def test_a_store_can_lower_its_plans_cap_but_never_raise_it(client: FlaskClient, cast: Cast) -> None:
    raised = client.put(
        "/v1/config/ai", json={"provider": "openai", "monthly_cap_eur": 11}, headers=auth(cast.alice_token)
    )
    assert raised.status_code == 422
    assert raised.get_json()["error"]["details"]["problems"][0]["path"] == "monthly_cap_eur"
    lowered = client.put(
        "/v1/config/ai", json={"provider": "openai", "monthly_cap_eur": 4}, headers=auth(cast.alice_token)
    )
    assert lowered.status_code == 200
    usage = client.get("/v1/usage/ai", headers=auth(cast.alice_token)).get_json()
    assert (usage["cap_eur"], usage["cap_source"]) == (4.0, "store")


def test_spend_alerts_go_to_the_owner_once_each(
    client: FlaskClient, cast: Cast, rt: Runtime, openai: FakeOpenAI, pinned: list[datetime], inbox: Inbox
) -> None:
    rt.settings = rt.settings.model_copy(update={"smtp_url": inbox.url})
    use_model(client, cast)  # 10 €
    spend(rt, cast.tenant_a.id, "4.100000", NOW - timedelta(hours=1))  # today: over 40 %
    assert alerts.check(rt, cast.tenant_a.id) == ["day_40"]
    assert alerts.check(rt, cast.tenant_a.id) == []  # once
    spend(rt, cast.tenant_a.id, "4.000000", NOW - timedelta(days=3))  # 81 % of the month
    assert alerts.check(rt, cast.tenant_a.id) == ["month_80"]
    spend(rt, cast.tenant_a.id, "2.000000", NOW - timedelta(days=3))
    assert alerts.check(rt, cast.tenant_a.id) == ["month_100"]
    subjects = [m["Subject"] for m in inbox.messages]
    assert len(subjects) == 3
    assert all(m["To"] == "alice@example.com" for m in inbox.messages)
    assert "límite de IA alcanzado" in subjects[-1]
    with rt.transaction() as db:
        kinds = db.scalars(select(UsageEntry.category).where(UsageEntry.kind == "ai_alert")).all()
    assert sorted(kinds) == ["day_40", "month_100", "month_80"]
