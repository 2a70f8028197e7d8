"""Running the program: the cheroot web server, and the task worker and scheduler beside it.

cheroot is a threaded, pure-Python server (the same on Linux, macOS, Windows and in the binary).
Under concurrent database-bound load it holds its throughput where waitress collapsed on this
machine (see docs/performance.md), and it keeps everything in one process, which the appliance's
in-process cache, queue worker and scheduler rely on.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

import structlog
from cheroot.wsgi import Server
from flask import Flask
from huey.consumer import Consumer

from appliance.core.understanding import warm_up
from appliance.infra.runtime import runtime_of
from appliance.jobs.scheduler import make_scheduler

log = structlog.get_logger("ebanista.server")


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


def _stop_on_signals() -> None:
    def handler(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def serve(app: Flask, host: str, port: int, *, with_worker: bool) -> None:
    """Serve ``app`` until SIGTERM or Ctrl-C, with the background beside it if asked."""
    rt = runtime_of(app)
    # Load the language models before the first visitor arrives (and before gc.freeze() in there
    # pins what is alive, which should be start-up objects only).
    warm_up()
    background = Background(app) if with_worker else None
    server = Server((host, port), app, numthreads=rt.settings.threads, server_name="ebanista")
    server.version = "ebanista"
    server.shutdown_timeout = 10
    server.prepare()  # binds now, so a port in use fails before anything else starts
    _stop_on_signals()
    if background:
        background.start()
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
