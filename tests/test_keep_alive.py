"""Keep-alive connections stay in step: bytes of a request body are never read as the next request.

These talk raw HTTP/1.1 over a socket to the real server (tests/livesite.py), because the fault
they guard against lives between the socket and the app: an HTTP client library would hide it.
"""

from __future__ import annotations

import re
import socket

from tests.livesite import Site

HEALTH = b"GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n"
STATUS = re.compile(rb"HTTP/1\.1 (\d{3}) ")


def chunked(data: bytes, size: int = 0) -> bytes:
    """Encode ``data`` as a chunked body (in chunks of ``size`` bytes, or one chunk)."""
    size = size or len(data) or 1
    parts = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def exchange(site: Site, raw: bytes, timeout: float = 3.0) -> tuple[list[int], bool]:
    """Send ``raw`` on one connection; return the statuses answered and whether the server closed it."""
    host, port = site.url.removeprefix("http://").split(":")
    received = b""
    closed = False
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(raw)
        sock.settimeout(timeout)
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    closed = True
                    break
                received += data
                if received.count(b"HTTP/1.1 ") >= 2 and received.endswith(b"}"):
                    break
        except TimeoutError:
            pass
    return [int(code) for code in STATUS.findall(received)], closed


def request(method: str, path: str, body: bytes, *headers: str) -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: t", "Transfer-Encoding: chunked", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def test_an_unread_chunked_body_is_not_answered_as_a_second_request(site: Site) -> None:
    # The body is itself a request: answered as one, it would be the desync an attacker smuggles with.
    body = chunked(b"GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
    statuses, _ = exchange(site, request("POST", "/v1/no-such-thing", body, "Content-Type: application/json") + HEALTH)
    assert statuses == [404, 200]


def test_a_get_with_a_chunked_body_keeps_the_connection_in_step(site: Site) -> None:
    statuses, _ = exchange(site, request("GET", "/v1/health", chunked(b"hello world", 4)) + HEALTH)
    assert statuses == [200, 200]


def test_trailers_after_a_chunked_body_are_not_a_request(site: Site) -> None:
    body = chunked(b"{}")[:-2] + b"X-Checksum: abc\r\n\r\n"
    statuses, _ = exchange(site, request("GET", "/v1/health", body) + HEALTH)
    assert statuses == [200, 200]


def test_a_large_unread_chunked_body_closes_the_connection(site: Site) -> None:
    # Reading half a megabyte the app refused only to keep a connection is not worth it: close.
    body = chunked(b"x" * 512 * 1024, 16 * 1024)
    statuses, closed = exchange(site, request("POST", "/v1/no-such-thing", body, "Content-Type: application/json"))
    assert statuses == [404]
    assert closed


def test_a_chunk_bigger_than_the_body_limit_is_refused_without_reading_it(site: Site) -> None:
    head = request("POST", "/v1/widget/session", b"", "Content-Type: application/json")
    statuses, closed = exchange(site, head + b"7fffffff\r\n" + b"x" * 1024)
    assert len(statuses) == 1
    assert statuses[0] in (400, 413)
    assert closed


def test_a_fully_read_chunked_body_keeps_the_connection(site: Site) -> None:
    body = chunked(b'{"widget_key": "nope"}', 5)
    raw = request("POST", "/v1/widget/session", body, "Content-Type: application/json") + HEALTH
    statuses, closed = exchange(site, raw)
    assert len(statuses) == 2
    assert statuses[1] == 200
    assert not closed
