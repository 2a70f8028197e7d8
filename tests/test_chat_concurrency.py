"""Turns of one conversation never interleave: simultaneous retries store one turn, not several."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from sqlalchemy import func, select

from appliance.infra.db import Message
from appliance.infra.runtime import Runtime
from tests.visitors import ORIGIN, Visitor

CALLERS = 6


def test_simultaneous_retries_of_one_send_store_it_once(app: Flask, rt: Runtime, make_tenant) -> None:
    tenant = make_tenant("Cuines", allowed_origins=[ORIGIN])
    visitor = Visitor(app.test_client(), tenant.widget_key)
    visitor.open()
    visitor.start()

    def retry(_: int) -> tuple[int, dict]:
        clone = Visitor(app.test_client(), tenant.widget_key)
        clone.token, clone.session_id = visitor.token, visitor.session_id
        response = clone.post_send(key="same-click", choice="yes")
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(CALLERS) as pool:
        results = list(pool.map(retry, range(CALLERS)))
    assert {status for status, _ in results} == {200}
    assert len({json.dumps(body, sort_keys=True) for _, body in results}) == 1
    with rt.sessions() as db:
        visitor_messages = db.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.role == "visitor", Message.session_id == visitor.session_id)
        )
    assert visitor_messages == 1


def test_simultaneous_different_answers_are_taken_one_after_the_other(app: Flask, rt: Runtime, make_tenant) -> None:
    tenant = make_tenant("Cuines", allowed_origins=[ORIGIN])
    visitor = Visitor(app.test_client(), tenant.widget_key)
    visitor.open()
    visitor.start()

    def answer(n: int) -> int:
        clone = Visitor(app.test_client(), tenant.widget_key)
        clone.token, clone.session_id = visitor.token, visitor.session_id
        return clone.post_send(key=f"click-{n}", text=f"mensaje {n}").status_code

    with ThreadPoolExecutor(CALLERS) as pool:
        assert set(pool.map(answer, range(CALLERS))) == {200}
    with rt.sessions() as db:
        seqs = list(
            db.scalars(select(Message.seq).where(Message.session_id == visitor.session_id).order_by(Message.seq))
        )
    assert seqs == list(range(1, len(seqs) + 1))
