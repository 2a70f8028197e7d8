"""Running the program: the cheroot web server, and the task worker and scheduler beside it.

cheroot is a threaded, pure-Python server (the same on Linux, macOS, Windows and in the binary).
Under concurrent database-bound load it holds its throughput where waitress collapsed on this
machine (see docs/performance.md), and it keeps everything in one process, which the appliance's
in-process cache, queue worker and scheduler rely on.

cheroot leaves a chunked request body the app did not read (a 404, a GET with a body, a refused
upload) on the connection, and then parses it as the next request. `_Request` reads what is left
of it before answering, up to a bound, or else closes the connection after the answer.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import structlog
from cheroot import errors as cheroot_errors
from cheroot.server import ChunkedRFile, HTTPConnection, HTTPRequest
from cheroot.wsgi import Server
from flask import Flask
from huey.consumer import Consumer

from appliance.core.understanding import warm_up
from appliance.infra.runtime import runtime_of
from appliance.jobs.scheduler import make_scheduler

log = structlog.get_logger("ebanista.server")

DRAIN_BYTES = 64 * 1024  # what is worth reading to keep a connection; a bigger rest closes it
# A web process of a node that dies within this many seconds of its start died young; this many
# young deaths in a row stop the node (appliance.server.serve_processes).
QUICK_DEATH_SECONDS = 10
MAX_QUICK_DEATHS = 5


class _ChunkedBody:
    """A chunked request body that remembers a failed read: after one, where the body ends is unknown."""

    def __init__(self, body: ChunkedRFile) -> None:
        self.body = body
        self.broken = False

    def read(self, size: int | None = None) -> bytes:
        return self._guard(self.body.read, size)

    def readline(self, size: int | None = None) -> bytes:
        return self._guard(self.body.readline, size)

    def readlines(self, sizehint: int = 0) -> list[bytes]:
        return self._guard(self.body.readlines, sizehint)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")

    def close(self) -> None:
        self.body.close()

    def _guard(self, read: Callable[[Any], Any], arg: Any) -> Any:
        if self.broken:
            # Reading on could block on bytes that are not a chunk (waiting for a line that never ends).
            raise ValueError("the request body broke off earlier")
        try:
            return read(arg)
        except Exception:
            self.broken = True
            raise

    def drain(self) -> bool:
        """Read the rest of the body and its trailers, up to DRAIN_BYTES; say whether it ended cleanly."""
        if self.broken:
            return False
        try:
            left = DRAIN_BYTES
            while not self.body.closed and left > 0:
                data = self.body.read(min(left, 8192))
                if not data:
                    break
                left -= len(data)
            if not self.body.closed:
                return False
            for _ in self.body.read_trailer_lines():
                pass
        except (OSError, ValueError, cheroot_errors.MaxSizeExceeded):
            return False
        return True


class _Request(HTTPRequest):
    """An HTTP request that never leaves part of its chunked body for the next request to parse."""

    _body: Any = None

    @property  # type: ignore[override]
    def rfile(self) -> Any:
        return self._body

    @rfile.setter
    def rfile(self, body: Any) -> None:
        # cheroot makes the chunked reader inside respond(); wrapping it here is the one way in.
        self._body = _ChunkedBody(body) if isinstance(body, ChunkedRFile) else body

    def send_headers(self) -> None:
        body = self._body if self.chunked_read else None
        if isinstance(body, _ChunkedBody) and not self.close_connection and not body.drain():
            self.close_connection = True  # cheroot then says `Connection: close` and closes after the answer
        super().send_headers()


class _Connection(HTTPConnection):
    RequestHandlerClass = _Request


def make_server(app: Flask, host: str, port: int, threads: int) -> Server:
    """Return the web server for ``app``, bound to nothing yet (``prepare()`` binds)."""
    server = Server((host, port), app, numthreads=threads, server_name="ebanista")
    server.ConnectionClass = _Connection
    # The app's own body limit, so that cheroot never reads a bigger chunk into memory for it.
    server.max_request_body_size = app.config["MAX_CONTENT_LENGTH"] or 0
    server.version = "ebanista"
    server.shutdown_timeout = 10
    return server


class _EmbeddedConsumer(Consumer):
    """A huey consumer that leaves signal handling to us (it may not run in the main thread)."""

    def _set_signal_handlers(self) -> None:
        return None


class Background:
    """The task worker threads and the scheduler of one process."""

    def __init__(self, app: Flask) -> None:
        rt = runtime_of(app)
        self.consumer = _EmbeddedConsumer(
            rt.queue.huey, workers=rt.settings.task_workers, worker_type="thread", periodic=False
        )
        self.scheduler = make_scheduler(rt)

    def start(self) -> None:
        """Start the workers, then the clock that feeds them."""
        self.consumer.start()
        self.scheduler.start()
        log.info("background_started")

    def stop(self) -> None:
        """Stop the clock, then let running tasks finish."""
        self.scheduler.shutdown(wait=False)
        self.consumer.stop(graceful=True)
        log.info("background_stopped")


def _warm_up() -> None:
    """Load the language models, then pin what start-up made out of the collector's way and
    switch the collector back on (the `ebanista` command starts with it off)."""
    try:
        warm_up()
    finally:
        gc.freeze()
        gc.enable()


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _stop_on_signals() -> None:
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGINT, _exit_on_signal)


def serve(app: Flask, host: str, port: int, *, with_worker: bool) -> None:
    """Serve ``app`` until SIGTERM or Ctrl-C, with the background beside it if asked."""
    rt = runtime_of(app)
    background = Background(app) if with_worker else None
    server = make_server(app, host, port, rt.settings.threads)
    server.prepare()  # binds now, so a port in use fails before anything else starts
    _stop_on_signals()
    if background:
        background.start()
    # The language models load while the server already answers (a first free-text message waits
    # for them); this halves the time from start to the first answer.
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    log.info("serving", host=host, port=port, mode=rt.settings.mode, worker=with_worker)
    try:
        server.serve()
    except SystemExit:
        pass
    finally:
        log.info("stopping")
        server.stop()
        if background:
            background.stop()


def serve_processes(make_app: Callable[[], Flask], host: str, port: int, processes: int) -> None:
    """Serve web only with ``processes`` processes on one port (platform web nodes, Linux).

    One process is held to one core by Python's lock, however many threads it has; a platform web
    node keeps nothing in memory between requests, so it runs several whole processes instead
    (docs/performance.md has the curve). Each binds the port with SO_REUSEPORT and the kernel
    spreads new connections across them. A process that dies is started again; SIGTERM or
    Ctrl-C stops them all.
    """
    with socket.socket() as probe:
        # Another server (or a forgotten node) on the port would silently share its connections.
        if probe.connect_ex((host, port)) == 0:
            raise OSError(f"port {port} on {host} is already in use")
    children: dict[int, int] = {}
    born: dict[int, float] = {}
    stopping = failed = False
    quick_deaths = 0

    def start(slot: int) -> None:
        pid = os.fork()
        if pid == 0:
            # Until it serves, a new process simply dies on SIGTERM (not the node's handler below).
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the node, which stops us
            code = 0
            try:
                _serve_one(make_app(), host, port)
            except BaseException:
                log.exception("web_process_failed", slot=slot)
                code = 1
            os._exit(code)
        children[pid] = slot
        born[slot] = time.monotonic()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):  # reaped just now, not yet forgotten
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for slot in range(processes):
        start(slot)
    log.info("serving", host=host, port=port, processes=processes)
    while children:
        pid, status = os.wait()
        slot = children.pop(pid, None)
        if slot is None or stopping:
            continue
        # A process that keeps dying young cannot start (a bad setting, the port taken by another
        # program): after a few such deaths in a row the node stops, as one process would.
        quick_deaths = quick_deaths + 1 if time.monotonic() - born[slot] < QUICK_DEATH_SECONDS else 0
        if quick_deaths >= MAX_QUICK_DEATHS:
            log.error("web_processes_keep_failing", deaths=quick_deaths)
            stop(signal.SIGTERM, None)
            failed = True
            continue
        log.warning("web_process_restarted", slot=slot, status=status)
        time.sleep(1)  # a process that cannot start must not spin the node
        if not stopping:
            start(slot)
    if failed:
        raise SystemExit(1)


def _serve_one(app: Flask, host: str, port: int) -> None:
    """Serve ``app`` in this process, beside the node's others on the same port."""
    _warm_up()
    server = make_server(app, host, port, runtime_of(app).settings.threads)
    server.reuse_port = True
    server.prepare()
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.serve()
    except SystemExit:
        pass
    finally:
        server.stop()


def work(app: Flask) -> None:
    """Run only the task worker and the scheduler, until SIGTERM or Ctrl-C."""
    background = Background(app)
    _stop_on_signals()
    background.start()
    try:
        threading.Event().wait()
    except SystemExit:
        pass
    finally:
        log.info("stopping")
        background.stop()
