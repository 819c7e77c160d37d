"""Over the concurrency cap and over the header size, clients get api.md's error body, on both protocols."""

import json
import select
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.ops.connections import uvicorn_backstop, uvicorn_limits, with_header_timeout
from tests.conftest import make_settings, sql_request
from tests.servers import serve_in_thread
from tests.test_connection_limits import PROTOCOLS, _address, _closed_within

LIMIT = 2
MAX_HEADER_BYTES = 2048


@contextmanager
def _server(protocol: type, **settings: Any) -> Iterator[str]:
    """A real server with `calendy serve`'s uvicorn options for `settings` (its protocol: `protocol`)."""
    resolved = make_settings(llm_api_key=None, llm_base_url=None, http_body_timeout_s=10, **settings)
    options = {k: v for k, v in uvicorn_limits(resolved).items() if k != "http"}
    http = with_header_timeout(protocol, 10, max_header_bytes=resolved.http_max_header_bytes)
    with serve_in_thread(create_app(settings=resolved), http=http, **options) as base:
        yield base


def _hold_a_request(base: str) -> socket.socket:
    """A request in flight: headers sent, the body still to come."""
    sock = socket.create_connection(_address(base))
    sock.sendall(b"POST /v1/sql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
    return sock


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.__name__)
def test_over_the_concurrency_cap_is_a_503_error_body(protocol: type) -> None:
    with (
        _server(protocol, http_limit_concurrency=LIMIT) as base,
        ExitStack() as held,
        httpx.Client(base_url=base, timeout=5) as client,
    ):
        for _ in range(LIMIT):
            held.enter_context(_hold_a_request(base))
        time.sleep(0.3)  # the server has read both heads: two requests wait for their bodies
        over = client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="local"))
        assert over.status_code == 503
        assert over.json()["error"]["code"] == "service_unavailable"
        assert over.json()["error"]["details"] == {"limit": LIMIT, "retry_after_s": 1}
        assert over.headers["retry-after"] == "1" and over.headers["x-request-id"]
        assert client.get("/healthz").status_code == 200  # probes still answer
        held.close()
        # Once the held requests are gone, the worker serves again.
        deadline = time.monotonic() + 3
        while (answer := client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="local"))).status_code != 200:
            assert time.monotonic() < deadline, answer.text
            time.sleep(0.05)


def test_uvicorn_backstop_stays_above_the_cap() -> None:
    assert uvicorn_backstop(0) is None
    assert uvicorn_backstop(2) == 18 and uvicorn_backstop(800) == 1000
    assert all((uvicorn_backstop(n) or 0) > n for n in (1, 10, 100, 5000))


def _request(sock: socket.socket, head: bytes, *, chunk: int | None = None) -> bytes:
    """Send `head` (in pieces of `chunk` bytes if given) and read until the server answers or closes."""
    if chunk is None:
        sock.sendall(head)
    else:
        for start in range(0, len(head), chunk):
            sock.sendall(head[start : start + chunk])
            time.sleep(0.005)
            if select.select([sock], [], [], 0)[0]:
                break  # the server answered before the head was complete: it refused it
    _, received = _closed_within(sock, 1.0)
    return received


def _get(header_bytes: int) -> bytes:
    return b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * header_bytes + b"\r\n\r\n"


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.__name__)
@pytest.mark.parametrize("chunk", [None, 100], ids=["one-read", "trickled"])
def test_headers_over_the_limit_get_a_400_error_body(protocol: type, chunk: int | None) -> None:
    with _server(protocol, http_max_header_bytes=MAX_HEADER_BYTES) as base:
        with socket.create_connection(_address(base)) as sock:
            received = _request(sock, _get(MAX_HEADER_BYTES * 2), chunk=chunk)
            closed, _ = _closed_within(sock, 1)
        assert received.split(b"\r\n", 1)[0] == b"HTTP/1.1 400 Bad Request"
        assert b'"code": "invalid_request"' in received and b'"field": "headers"' in received
        assert closed
        with socket.create_connection(_address(base)) as sock:
            assert _request(sock, _get(MAX_HEADER_BYTES // 2), chunk=chunk).startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.__name__)
def test_the_limit_counts_each_head_alone(protocol: type) -> None:
    """A body larger than the limit and several requests on one connection are not a large head."""
    with (
        _server(protocol, http_max_header_bytes=MAX_HEADER_BYTES) as base,
        httpx.Client(base_url=base, timeout=5) as client,
    ):
        # JSON may end in whitespace: a body twice the head limit, its head small.
        body = json.dumps(sql_request("줄넘기 삭제", engine="local")) + " " * (MAX_HEADER_BYTES * 2)
        answer = client.post("/v1/sql", content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 200, answer.text
        for _ in range(3):  # one keep-alive connection, heads of 3/4 of the limit each
            assert client.get("/healthz", headers={"X-Pad": "a" * (MAX_HEADER_BYTES * 3 // 4)}).status_code == 200
