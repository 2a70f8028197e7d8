"""Benchmark: complete conversations over HTTP against the real server, on SQLite and PostgreSQL.

For each database it starts the server, measures a bare endpoint that does one INSERT per request
(the ceiling of this stack on this machine), then N concurrent visitors talking through the demo
flow, and prints requests or turns per second, p50/p95/p99 and the ratio of the two.

    .venv/bin/python bench/chat_turn.py [--visitors 16] [--seconds 15] [--only sqlite|postgresql]

PostgreSQL and Redis come from EBANISTA_TEST_DATABASE_URL / EBANISTA_TEST_REDIS_URL (the test
servers); a scratch database is created and dropped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg

ORIGIN = "http://localhost:5173"
ANSWERS = {
    "consent": {"choice": "yes"},
    "project": {"choice": "kitchen"},
    "area": {"value": 12},
    "budget": {"value": [9000, 14000]},
    "style": {"choice": "nordic"},
    "urgency": {"choice": "soon"},
    "photos": {"skip": True},
    "name": {"value": "Laia Puig"},
    "contact_method": {"choice": "phone"},
    "phone": {"value": "612 345 678"},
}
FIRST_TEXT = "Hola, busco una cocina nórdica de unos 12 m2, entre 9 y 14 mil"
PROCESSES = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """A keep-alive HTTP connection, like a browser's."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def post(self, path: str, body: dict, headers: dict | None = None) -> tuple[float, dict]:
        started = time.perf_counter()
        payload, headers = json.dumps(body), {"Content-Type": "application/json", **(headers or {})}
        try:
            self.conn.request("POST", path, payload, headers)
            response = self.conn.getresponse()
        except (ConnectionError, http.client.RemoteDisconnected):
            # The server closed a kept-alive connection between two requests (as a browser would,
            # open another one and send again; every request here is safe to repeat).
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request("POST", path, payload, headers)
            response = self.conn.getresponse()
        data = json.loads(response.read() or b"{}")
        if response.status >= 400:
            raise RuntimeError(f"{path} answered {response.status}: {data}")
        return time.perf_counter() - started, data


def answer_for(spec: dict) -> dict:
    """Answer the question the bot asks: the first free slot, a scripted answer, or the first button."""
    if spec["type"] == "date":
        return {"value": spec["slots"][0]["start"]}
    if spec["block_id"] in ANSWERS:
        return ANSWERS[spec["block_id"]]
    if spec["type"] == "buttons":
        return {"choice": spec["options"][0]["id"]}
    return {"skip": True}


def visitor_loop(port: int, widget_key: str, deadline: float, warmup_end: float) -> list[float]:
    """Hold whole conversations until the deadline; return the latency of each turn after warm-up."""
    client, latencies = Client(port), []
    while time.time() < deadline:
        _, session = client.post("/v1/widget/session", {"widget_key": widget_key}, {"Origin": ORIGIN})
        auth = {"Authorization": f"Bearer {session['token']}", "Origin": ORIGIN}
        body = {"session_id": session["session_id"]}
        took, answer = client.post("/v1/chat/start", body, auth)
        turns = [took]
        took, answer = client.post(
            "/v1/chat/send", body | {"text": FIRST_TEXT}, auth | {"Idempotency-Key": secrets.token_hex(8)}
        )
        turns.append(took)
        while answer["input"] and time.time() < deadline:
            reply = answer_for(answer["input"])
            took, answer = client.post("/v1/chat/send", body | reply, auth | {"Idempotency-Key": secrets.token_hex(8)})
            turns.append(took)
        if time.time() > warmup_end:
            latencies += turns
    return latencies


def insert_loop(port: int, _key: str, deadline: float, warmup_end: float) -> list[float]:
    """Call the bare one-INSERT endpoint until the deadline."""
    client, latencies = Client(port), []
    while time.time() < deadline:
        took, _ = client.post("/bench/insert", {"n": 1})
        if time.time() > warmup_end:
            latencies.append(took)
    return latencies


def _process(args: tuple) -> list[float]:
    loop, port, key, threads, deadline, warmup_end = args
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        results = pool.map(lambda _: loop(port, key, deadline, warmup_end), range(threads))
        return [x for r in results for x in r]


def measure(loop, port: int, key: str, visitors: int, seconds: float, warmup: float = 2.0) -> dict:
    start = time.time()
    warmup_end, deadline = start + warmup, start + warmup + seconds
    per_process = [visitors // PROCESSES + (1 if i < visitors % PROCESSES else 0) for i in range(PROCESSES)]
    jobs = [(loop, port, key, n, deadline, warmup_end) for n in per_process if n]
    with multiprocessing.Pool(len(jobs)) as pool:
        latencies = sorted(x for chunk in pool.map(_process, jobs) for x in chunk)
    q = statistics.quantiles(latencies, n=100)
    return {
        "rate": len(latencies) / seconds,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
        "count": len(latencies),
    }


@contextmanager
def server(env: dict[str, str]):
    port = free_port()
    bench_dir = Path(__file__).resolve().parent
    proc = subprocess.Popen(
        [sys.executable, str(bench_dir / "_server.py"), str(port)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        key = proc.stdout.readline().strip()
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port, key
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def backend(name: str):
    with tempfile.TemporaryDirectory() as data:
        env = {
            "EBANISTA_DATA_DIR": data,
            "EBANISTA_LOG_LEVEL": "WARNING",
            "EBANISTA_SECRET_KEY": "b" * 40,
            "EBANISTA_PUBLIC_URL": "http://127.0.0.1:8000",
        }
        if name == "sqlite":
            yield env
            return
        admin = os.environ.get("EBANISTA_TEST_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")
        db = f"ebanista_bench_{os.getpid()}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}"')
        try:
            yield env | {
                "EBANISTA_MODE": "platform",
                "EBANISTA_DATABASE_URL": admin.rsplit("/", 1)[0] + f"/{db}",
                "EBANISTA_REDIS_URL": os.environ.get("EBANISTA_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"),
            }
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def run(name: str, visitors: int, seconds: float) -> None:
    with backend(name) as env, server(env) as (port, key):
        ceiling = measure(insert_loop, port, key, visitors, seconds)
        chat = measure(visitor_loop, port, key, visitors, seconds)
    print(f"\n{name}, {visitors} concurrent clients, {seconds:.0f} s each")
    for label, m in (("bare INSERT (ceiling)", ceiling), ("chat turn", chat)):
        print(
            f"  {label:<22} {m['rate']:8.0f}/s   p50 {m['p50']:6.1f} ms   p95 {m['p95']:6.1f} ms   "
            f"p99 {m['p99']:6.1f} ms   ({m['count']} requests)"
        )
    ratio = chat["rate"] / ceiling["rate"]
    verdict = "meets" if ratio >= 0.5 and chat["p95"] < 50 else "MISSES"
    print(f"  chat/ceiling throughput {ratio:.2f}; target >= 0.50 with p95 < 50 ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    for name in [args.only] if args.only else ["sqlite", "postgresql"]:
        run(name, args.visitors, args.seconds)


if __name__ == "__main__":
    main()
