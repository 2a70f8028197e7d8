"""Which HTTP server, and how many processes: the same load against the real app under each.

For each backend it seeds the demo store once, then for each server and process count starts the
server (web only; on the platform one `ebanista worker` runs beside, as in production), and runs
the ceiling (one INSERT per request) and chat turns with the load generator of chat_turn.py.

    .venv/bin/python bench/servers.py [--only sqlite|postgresql] [--servers cheroot,gunicorn,granian]
        [--processes 1,2] [--visitors 16] [--seconds 10]

gunicorn and granian are not dependencies of the appliance; the script says how to install them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

from chat_turn import backend, free_port, insert_loop, measure, visitor_loop

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
THREADS = 8


def command(kind: str, port: int, processes: int) -> list[str]:
    """The command line that serves bench/_app.py with ``kind`` on ``port``."""
    if kind == "cheroot":
        return [sys.executable, str(BENCH / "_cheroot.py"), str(port), str(processes)]
    if kind == "gunicorn":  # threads, like cheroot; gunicorn's sync workers keep no connection alive
        return [
            str(BIN / "gunicorn"),
            "-w",
            str(processes),
            "-k",
            "gthread",
            "--threads",
            str(THREADS),
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(BENCH),
            "--log-level",
            "warning",
            "_app:make()",
        ]
    if kind == "granian":
        return [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            "--workers",
            str(processes),
            "--blocking-threads",
            str(THREADS),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--working-dir",
            str(BENCH),
            "--log-level",
            "warning",
            "--factory",
            "_app:make",
        ]
    raise ValueError(kind)


def wait_for(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


@contextmanager
def started(cmd: list[str], env: dict[str, str], port: int | None = None):
    proc = subprocess.Popen(
        cmd,
        env={**os.environ, **env, "PYTHONPATH": str(BENCH)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        if port:
            wait_for(port, proc)
            time.sleep(1)  # every process of the server up, not only the first
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_process(server_group: int) -> dict[tuple[str, int], float]:
    """CPU seconds used so far by each process of the server, PostgreSQL and Redis (Linux /proc)."""
    used = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        program = (
            "web" if int(fields[2]) == server_group else {"postgres": "postgresql", "redis-server": "redis"}.get(name)
        )
        if program:
            used[(program, int(entry.name))] = (int(fields[11]) + int(fields[12])) / TICK
    return used


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (every core, /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / TICK


def measured(loop, port: int, key: str, visitors: int, seconds: float, group: int) -> tuple[dict, dict[str, float]]:
    """Run ``measure`` and return its figures with the cores each program used meanwhile."""
    before, busy, children = cpu_by_process(group), machine_cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    figures = measure(loop, port, key, visitors, seconds)
    took = time.perf_counter() - started
    after, busy, load = cpu_by_process(group), machine_cpu() - busy, resource.getrusage(resource.RUSAGE_CHILDREN)
    cores = dict.fromkeys(("web", "postgresql", "redis"), 0.0)
    for (program, pid), seconds_used in after.items():  # a process gone meanwhile is not counted
        cores[program] += (seconds_used - before.get((program, pid), 0.0)) / took
    cores["load"] = (load.ru_utime + load.ru_stime - children.ru_utime - children.ru_stime) / took
    cores["other"] = busy / took - sum(cores.values())
    return figures, cores


def seed(env: dict[str, str]) -> str:
    out = subprocess.run(
        [sys.executable, str(BENCH / "_app.py"), "seed"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--servers", default="cheroot,gunicorn,granian")
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--visitors", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    kinds = [k for k in args.servers.split(",") if k == "cheroot" or shutil.which(str(BIN / k))]
    for missing in set(args.servers.split(",")) - set(kinds):
        print(f"({missing} is not installed: .venv/bin/pip install {missing})")
    counts = [int(n) for n in args.processes.split(",")]
    print(f"{args.visitors} concurrent clients, {args.seconds:.0f} s per measurement")
    print(
        f"{'backend':<11}{'server':<9}{'procs':>5}{'ceiling/s':>11}{'p95':>8}{'turns/s':>10}"
        f"{'p50':>8}{'p95':>8}{'p99':>8}{'ratio':>7}"
    )
    for name in [args.only] if args.only else ["sqlite", "postgresql"]:
        with backend(name) as env:
            key = seed(env)
            worker = [str(BIN / "ebanista"), "worker"] if name == "postgresql" else None
            with started(worker, env) if worker else nullcontext():
                for kind in kinds:
                    for n in counts:
                        port = free_port()
                        with started(command(kind, port, n), env, port) as proc:
                            ceiling, _ = measured(insert_loop, port, key, args.visitors, args.seconds, proc.pid)
                            chat, cores = measured(visitor_loop, port, key, args.visitors, args.seconds, proc.pid)
                        used = "  ".join(f"{part} {share:.2f}" for part, share in cores.items())
                        print(
                            f"{name:<11}{kind:<9}{n:>5}{ceiling['rate']:>11.0f}{ceiling['p95']:>8.1f}"
                            f"{chat['rate']:>10.0f}{chat['p50']:>8.1f}{chat['p95']:>8.1f}{chat['p99']:>8.1f}"
                            f"{chat['rate'] / ceiling['rate']:>7.2f}   cores during turns: {used}",
                            flush=True,
                        )


if __name__ == "__main__":
    main()
