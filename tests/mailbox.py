"""A real SMTP server for tests (aiosmtpd on 127.0.0.1) and an app that sends its mail there."""

from __future__ import annotations

import email
import socket
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from appliance.infra.runtime import Runtime, runtime_of


class Inbox:
    """An SMTP handler that keeps each message, or answers DATA with ``answer`` when set."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.answer: str | None = None
        self.url = ""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self.answer:
            return self.answer
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.url = f"smtp://127.0.0.1:{port}"
    yield handler
    controller.stop()


@pytest.fixture
def mail_app(app: Flask, fresh_app: Callable[..., Flask], inbox: Inbox) -> Iterator[Flask]:
    """An app whose mail goes to the test's SMTP server (``app`` empties the database first)."""
    built = fresh_app(smtp_url=inbox.url, mail_from="Ebanista <citas@ebanista.test>")
    yield built
    runtime_of(built).engine.dispose()


@pytest.fixture
def mrt(mail_app: Flask) -> Runtime:
    return runtime_of(mail_app)
