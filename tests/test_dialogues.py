"""Labelled dialogues (tests/dialogues/*.jsonl) played over the chat API, turn by turn.

Each line is one conversation with a store of the base flow:

    {"id": "b07", "lang": "es", "country": "ES", "about": "...", "start_at": "contact_method",
     "turns": [{"send": {"text": "mi correo es ana@x.es"},
                "expect": {"waiting_for": "visit_type", "says": "ana@x.es", "fields": {...},
                           "contact": {...}, "vars": {...}, "absent": ["_before_consent"]}}]}

``start_at`` clicks through the base flow (tests/visitors.BASE_ANSWERS) to that question first.
Every key of ``expect`` is optional: the question waited for next, a piece of one of the bot's
messages, lead fields and contact (a subset; an empty contact means none), conversation variables,
and variables that must not be there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.infra.db import ChatSession, Lead
from appliance.infra.runtime import Runtime
from tests.visitors import BASE_ANSWERS, ORIGIN, Visitor

DIALOGUES = sorted((Path(__file__).parent / "dialogues").glob("*.jsonl"))
# How to reach a question that the usual clicks go past.
DETOURS = {"phone": {"contact_method": {"choice": "phone"}}}


def load() -> list[dict[str, Any]]:
    rows = []
    for path in DIALOGUES:
        with path.open(encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle if line.strip()]
    return rows


def walk_to(v: Visitor, block_id: str) -> None:
    answers = BASE_ANSWERS | DETOURS.get(block_id, {})
    for _ in range(len(answers) + 1):
        if v.waiting_for == block_id:
            return
        v.send(**answers[v.waiting_for])
    raise AssertionError(f"never reached {block_id}")


def check(rt: Runtime, v: Visitor, expect: dict[str, Any], where: str) -> None:
    if "waiting_for" in expect:
        assert v.waiting_for == expect["waiting_for"], where
    if "says" in expect:
        texts = [m["text"] for m in v.last["messages"]]
        assert any(expect["says"] in text for text in texts), (where, texts)
    with rt.sessions() as db:
        lead = db.scalar(select(Lead).where(Lead.session_id == v.session_id))
        variables = db.scalar(select(ChatSession.variables).where(ChatSession.id == v.session_id))
    if "contact" in expect:
        contact = lead.contact if lead else {}
        if expect["contact"]:
            assert contact.items() >= expect["contact"].items(), (where, contact)
        else:
            assert contact == {}, (where, contact)
    if "fields" in expect:
        assert lead is not None, where
        assert lead.fields.items() >= expect["fields"].items(), (where, lead.fields)
    if "vars" in expect:
        assert variables.items() >= expect["vars"].items(), (where, variables)
    for name in expect.get("absent", []):
        assert name not in variables, (where, name)


def test_the_dialogue_files_are_there_and_cover_four_languages() -> None:
    rows = load()
    assert len(rows) >= 30
    assert {row["lang"] for row in rows} == {"es", "ca", "pt", "en"}
    assert len({row["id"] for row in rows}) == len(rows)


@pytest.mark.parametrize("dialogue", load(), ids=lambda row: row["id"])
def test_a_dialogue_goes_as_labelled(client: FlaskClient, make_tenant, rt: Runtime, dialogue: dict[str, Any]) -> None:
    tenant = make_tenant("Estudi", slug="estudi", allowed_origins=[ORIGIN], country=dialogue["country"])
    v = Visitor(client, tenant.widget_key)
    v.open(lang=dialogue["lang"])
    v.start(lang=dialogue["lang"])
    if "start_at" in dialogue:
        walk_to(v, dialogue["start_at"])
    for number, turn in enumerate(dialogue["turns"], start=1):
        v.send(**turn["send"])
        check(rt, v, turn["expect"], f"{dialogue['id']} turn {number}")
