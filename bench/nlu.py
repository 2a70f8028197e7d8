"""Measure how fast understand() reads visitor messages: messages/s, p50 and p99 latency.

Run as `.venv/bin/python bench/nlu.py [rounds]`. The first call (which loads lingua's
models) is timed separately and left out of the per-message figures.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from appliance.core.understanding import understand, warm_up

VISIBLE = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "extraction_visible.jsonl"


def load_texts() -> list[str]:
    """Return the texts of the visible evaluation messages."""
    with VISIBLE.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def time_first_call(text: str) -> tuple[float, float]:
    """Return the seconds taken to load the models and to answer the very first message."""
    started = time.perf_counter()
    warm_up()
    loaded = time.perf_counter()
    understand(text)
    return loaded - started, time.perf_counter() - loaded


def time_messages(texts: list[str], rounds: int) -> list[float]:
    """Return the latency in milliseconds of every call over the given rounds."""
    latencies: list[float] = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            understand(text)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main() -> None:
    """Print the warm-up cost and the steady-state throughput and latency."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    texts = load_texts()
    load_s, first_s = time_first_call(texts[0])
    print(f"model load: {load_s * 1000:.0f} ms; first message after load: {first_s * 1000:.1f} ms")
    time_messages(texts, 2)  # fill caches the way a running server has them
    latencies = time_messages(texts, rounds)
    total_s = sum(latencies) / 1000
    cuts = statistics.quantiles(latencies, n=100)
    print(f"messages: {len(latencies)} ({len(texts)} distinct x {rounds} rounds)")
    print(f"throughput: {len(latencies) / total_s:.0f} messages/s")
    print(f"latency: mean {statistics.fmean(latencies):.3f} ms, p50 {cuts[49]:.3f} ms, p99 {cuts[98]:.3f} ms")


if __name__ == "__main__":
    main()
