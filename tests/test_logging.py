"""Logs are JSON lines with ids, and the logger itself masks e-mails and phone numbers."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog
from flask import Flask

from appliance.infra.observability import configure_logging, mask_text
from appliance.infra.settings import load_settings


@pytest.fixture
def log_lines(app: Flask, tmp_path):
    stream = io.StringIO()
    configure_logging(load_settings({}, {"data_dir": tmp_path, "log_format": "json"}), stream=stream)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    configure_logging(load_settings({}, {"data_dir": tmp_path}))


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("escribidme a ana.garcia+obra@gmail.com", "ana.garcia+obra@gmail.com"),
        ("el meu mòbil és +34 612 34 56 78", "612 34 56 78"),
        ("ligue para 912345678", "912345678"),
        ("call +44 (0)20 7946 0958", "7946 0958"),
    ],
)
def test_it_masks_emails_and_phone_numbers(text: str, hidden: str) -> None:
    masked = mask_text(text)
    assert hidden not in masked
    assert "***" in masked


@pytest.mark.parametrize("text", ["at 2026-11-26 10:16:24", "l_01m8bnp0e5dkk7g63gwbd82880", "12 m2, 15000 €"])
def test_it_leaves_dates_ids_and_small_numbers_alone(text: str) -> None:
    assert mask_text(text) == text


def test_request_lines_are_json_with_the_request_id(client, log_lines) -> None:
    client.get("/v1/health", headers={"X-Request-ID": "trace-7"})
    request_line = next(line for line in log_lines() if line["event"] == "request")
    assert request_line["request_id"] == "trace-7"
    assert request_line["path"] == "/v1/health"
    assert request_line["status"] == 200
    assert "timestamp" in request_line


def test_our_logs_and_foreign_logs_are_masked_by_the_logger(log_lines) -> None:
    structlog.get_logger("test").info("lead_arrived", note="ana@example.com wrote from 612345678")
    logging.getLogger("some.library").warning("retrying for bob@example.org at +351 912 345 678")
    output = json.dumps(log_lines())
    for secret in ("ana@example.com", "612345678", "bob@example.org", "912 345 678"):
        assert secret not in output
    assert "lead_arrived" in output


def test_query_strings_are_left_out_of_request_lines(client, log_lines) -> None:
    client.get("/v1/health?q=maria")
    assert "maria" not in json.dumps(log_lines())
