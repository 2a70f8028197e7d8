"""Cold start and idle memory of the appliance: `ebanista serve` from launch to its first health answer.

Each run starts `ebanista serve` on an already migrated SQLite store (as a restart does), polls
/v1/health until it answers 200, and reads the process's resident memory once it has sat idle
for a few seconds. The built binary (dist/ebanista) is measured too when it exists.

    .venv/bin/python bench/cold_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from chat_turn import free_port

ROOT = Path(__file__).resolve().parent.parent
IDLE_SECONDS = 5


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (the binary unpacks itself into a child)."""
    total = 0
    for proc in [pid, *_children(pid)]:
        for line in Path(f"/proc/{proc}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found] + [g for c in found for g in _children(int(c))]


def one_start(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Return (seconds to the first health answer, idle memory in MB) of one start."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*command, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.005)
        took = time.perf_counter() - started
        time.sleep(IDLE_SECONDS)
        return took, rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def measure(label: str, command: list[str], runs: int) -> None:
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "EBANISTA_DATA_DIR": data,
            "EBANISTA_SECRET_KEY": "c" * 40,
            "EBANISTA_LOG_LEVEL": "WARNING",
        }
        subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([*command, "seed-demo"], env=env, check=True, capture_output=True)
        one_start(command, env)  # the first start after install fills the OS's file cache
        results = [one_start(command, env) for _ in range(runs)]
    times = sorted(took for took, _ in results)
    memory = statistics.median(mb for _, mb in results)
    print(
        f"{label:<22} start to first health answer: median {statistics.median(times):.2f} s, "
        f"worst {times[-1]:.2f} s (target < 1.5 s); idle memory {memory:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    measure("ebanista (Python)", [str(Path(sys.executable).parent / "ebanista")], args.runs)
    binary = ROOT / "dist" / "ebanista"
    if binary.exists():
        measure("dist/ebanista (binary)", [str(binary)], args.runs)
    else:
        print("(no dist/ebanista: `make binary` builds it)")


if __name__ == "__main__":
    main()
