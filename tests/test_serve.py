"""`ebanista serve` and `ebanista worker` as real processes: up, healthy, and down on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.backends import PLATFORM, environ_for, scratch_database, settings_for

pytestmark = pytest.mark.slow
EBANISTA = [sys.executable, "-m", "appliance"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*EBANISTA, *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_health(port: int, proc: subprocess.Popen[str]) -> dict:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited early:\n{proc.stdout.read() if proc.stdout else ''}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.1)
    pytest.fail("server did not answer within 20 s")


def wait_for_output(proc: subprocess.Popen[str], text: str, seconds: float = 30) -> str:
    """Read ``proc``'s output until a line holds ``text``; return what was read (for stop() to add to)."""
    read: list[str] = []
    finder = threading.Thread(target=lambda: read.extend(_lines_until(proc, text)), daemon=True)
    finder.start()
    finder.join(seconds)
    if finder.is_alive() or not any(text in line for line in read):
        pytest.fail(f"{text!r} not seen within {seconds} s:\n{''.join(read)}")
    return "".join(read)


def _lines_until(proc: subprocess.Popen[str], text: str) -> list[str]:
    lines = []
    for line in proc.stdout or []:
        lines.append(line)
        if text in line:
            break
    return lines


def refused(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``ebanista ARGS`` that should refuse to start; return how it ended."""
    return subprocess.run(
        [*EBANISTA, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=30, check=False
    )


@contextmanager
def migrated_platform(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Yield the environment of a platform on a new, migrated database (its tasks queued, not run)."""
    with scratch_database(tmp_path) as url:
        env = environ_for(settings_for(url, tmp_path / "data")) | {"EBANISTA_TASKS_IMMEDIATE": "false"}
        subprocess.run([*EBANISTA, "migrate"], env={**os.environ, **env}, check=True, capture_output=True)
        yield env


def stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=20)
    return proc.returncode, output


def test_serve_runs_the_whole_program_and_stops_cleanly(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        env = environ_for(settings_for(url, tmp_path / "data")) | {"EBANISTA_TASKS_IMMEDIATE": "false"}
        if PLATFORM:
            assert subprocess.run([*EBANISTA, "migrate"], env={**os.environ, **env}, check=False).returncode == 0
        port = free_port()
        proc = start(["serve", "--port", str(port)], env)
        try:
            health = wait_for_health(port, proc)
        finally:
            code, output = stop(proc)
    assert health["status"] == "ok"
    assert health["mode"] == ("platform" if PLATFORM else "appliance")
    assert code == 0, output
    assert '"event": "background_started"' in output
    assert '"event": "background_stopped"' in output


def test_platform_serve_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    if not PLATFORM:
        pytest.skip("the appliance migrates itself; only the platform asks the operator to")
    with scratch_database(tmp_path) as url:
        env = environ_for(settings_for(url, tmp_path / "data"))
        result = refused(["serve", "--no-worker", "--port", str(free_port())], env)
    assert result.returncode == 2
    assert "ebanista migrate" in result.stderr


def test_platform_runs_web_and_worker_as_separate_processes(tmp_path: Path) -> None:
    if not PLATFORM:
        pytest.skip("--no-worker and `ebanista worker` are for platform nodes")
    with migrated_platform(tmp_path) as env:
        port = free_port()
        web = start(["serve", "--no-worker", "--port", str(port)], env)
        worker = start(["worker"], env)
        started = ""
        try:
            health = wait_for_health(port, web)
            # Stopped before it has started, a worker dies of the signal instead of stopping cleanly.
            started = wait_for_output(worker, "background_started")
        finally:
            web_code, web_output = stop(web)
            worker_code, worker_output = stop(worker)
            worker_output = started + worker_output
    assert health["status"] == "ok"
    assert web_code == 0
    assert "background_started" not in web_output
    assert worker_code == 0, worker_output
    assert "background_started" in worker_output


def test_the_appliance_refuses_no_worker(tmp_path: Path) -> None:
    if PLATFORM:
        pytest.skip("appliance only")
    result = refused(["serve", "--no-worker"], {"EBANISTA_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "--no-worker" in result.stderr


def children_of(pid: int) -> list[int]:
    """Return the pids of ``pid``'s child processes (Linux's /proc; none once it has exited)."""
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [int(child) for child in found]


def test_a_platform_node_serves_from_several_processes_and_restarts_one_that_dies(tmp_path: Path) -> None:
    if not PLATFORM:
        pytest.skip("several web processes are for platform nodes")
    with migrated_platform(tmp_path) as env:
        port = free_port()
        node = start(["serve", "--no-worker", "--processes", "2", "--port", str(port)], env)
        try:
            wait_for_health(port, node)
            first = children_of(node.pid)
            os.kill(first[0], signal.SIGKILL)  # a web process dies; its place is taken again
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and (len(children_of(node.pid)) < 2 or first[0] in children_of(node.pid)):
                time.sleep(0.1)
            again = children_of(node.pid)
            answers = [wait_for_health(port, node)["status"] for _ in range(20)]
        finally:
            code, output = stop(node)
    assert len(first) == 2
    assert len(again) == 2
    assert first[0] not in again
    assert first[1] in again
    assert answers == ["ok"] * 20
    assert code == 0, output
    assert '"event": "web_process_restarted"' in output


def test_a_platform_node_stops_when_its_processes_keep_dying_young(tmp_path: Path) -> None:
    if not PLATFORM:
        pytest.skip("several web processes are for platform nodes")
    with migrated_platform(tmp_path) as env:
        node = start(["serve", "--no-worker", "--processes", "2", "--port", str(free_port())], env)
        killed: set[int] = set()
        deadline = time.monotonic() + 60
        try:
            while node.poll() is None and time.monotonic() < deadline:
                for child in set(children_of(node.pid)) - killed:
                    os.kill(child, signal.SIGKILL)  # each dies as soon as it is born
                    killed.add(child)
                time.sleep(0.05)
        finally:
            if node.poll() is None:
                node.kill()
            output = node.communicate(timeout=20)[0]
    assert node.returncode == 1, output
    assert '"event": "web_processes_keep_failing"' in output
    assert len(killed) >= 5


def test_several_processes_are_refused_where_the_worker_lives_in_the_process(tmp_path: Path) -> None:
    env = {"EBANISTA_DATA_DIR": str(tmp_path)}
    if PLATFORM:
        with scratch_database(tmp_path) as url:
            env = environ_for(settings_for(url, tmp_path / "data"))
    result = refused(["serve", "--processes", "2", "--port", str(free_port())], env)
    assert result.returncode == 2
    assert "--processes" in result.stderr
