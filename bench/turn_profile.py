"""Where a chat turn's time goes, in process: statements per turn, CPU per turn, and a profile.

It runs whole conversations of the demo flow through the app (Flask's test client, no sockets)
and prints the SQL statements a turn executes, the CPU time per turn (this process only, so the
figure holds while other programs run) and, with --profile, the functions that take it.

    .venv/bin/python bench/turn_profile.py [--backend sqlite|postgresql] [--conversations 40] [--profile]
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import secrets
import time
from typing import Any

from chat_turn import FIRST_TEXT, ORIGIN, answer_for, backend
from sqlalchemy import event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with backend(args.backend) as env:
        os.environ.update(env)
        run(args.conversations, args.profile)


def run(conversations: int, profile: bool) -> None:
    from _app import seed

    from appliance.app import create_app
    from appliance.infra.runtime import runtime_of

    key = seed()
    app = create_app({"rate_limits": "off"})
    statements: collections.Counter[str] = collections.Counter()

    @event.listens_for(runtime_of(app).engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements[" ".join(statement.split())[:80]] += 1

    client = app.test_client()

    def post(path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code < 400, response.get_json()
        return response.get_json()

    def conversation() -> int:
        session = post("/v1/widget/session", {"widget_key": key}, {"Origin": ORIGIN})
        auth = {"Authorization": f"Bearer {session['token']}", "Origin": ORIGIN}
        body = {"session_id": session["session_id"]}
        post("/v1/chat/start", body, auth)
        answer = post("/v1/chat/send", body | {"text": FIRST_TEXT}, auth | {"Idempotency-Key": secrets.token_hex(8)})
        turns = 2
        while answer["input"]:
            reply = answer_for(answer["input"])
            answer = post("/v1/chat/send", body | reply, auth | {"Idempotency-Key": secrets.token_hex(8)})
            turns += 1
        return turns

    for _ in range(5):  # warm caches, compiled statements and the language models
        conversation()
    statements.clear()
    cpu, wall = time.process_time(), time.perf_counter()
    turns = sum(conversation() for _ in range(conversations))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    per_turn = sum(statements.values()) / turns
    print(f"{turns} turns ({turns / conversations:.1f} per conversation)")
    print(f"CPU per turn {cpu / turns * 1000:.2f} ms, wall {wall / turns * 1000:.2f} ms, statements {per_turn:.2f}")
    for text, count in statements.most_common(20):
        print(f"  {count / turns:5.2f}  {text}")
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(conversations):
            conversation()
        profiler.disable()
        # SORT=cumulative FILTER=appliance shows our own functions by the time spent under them.
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "tottime"))
        stats.print_stats(os.environ.get("FILTER", ""), 40)


if __name__ == "__main__":
    main()
