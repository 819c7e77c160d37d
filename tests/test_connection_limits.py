"""Connections are timed out and capped: silent and slow clients are closed while others are served."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from app.main import create_app
from app.ops.connections import DeadlineH11Protocol, DeadlineHttpToolsProtocol, uvicorn_limits, with_header_timeout
from app.settings import Settings
from tests import conftest
from tests.conftest import make_settings, sql_request
from tests.servers import free_port, serve_in_thread

HEADER_TIMEOUT_S = 0.6
BODY_TIMEOUT_S = 0.6
PROTOCOLS = [DeadlineH11Protocol, *([DeadlineHttpToolsProtocol] if DeadlineHttpToolsProtocol else [])]


def _address(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


def _closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closed the connection within `seconds`, and what it sent before."""
    sock.settimeout(0.1)
    received = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return True, received
        if not chunk:
            return True, received
        received += chunk
    return False, received


@contextmanager
def _server(protocol: type, **settings: object) -> Iterator[str]:
    app = create_app(
        settings=make_settings(llm_api_key=None, llm_base_url=None, http_body_timeout_s=BODY_TIMEOUT_S, **settings)
    )
    with serve_in_thread(app, http=with_header_timeout(protocol, HEADER_TIMEOUT_S), timeout_keep_alive=1) as base:
        yield base


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.__name__)
def test_a_silent_connection_is_closed(protocol: type) -> None:
    with _server(protocol) as base, socket.create_connection(_address(base)) as silent:
        closed, sent = _closed_within(silent, HEADER_TIMEOUT_S + 2)
        assert closed and sent == b""


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.__name__)
def test_trickled_headers_are_cut_off(protocol: type) -> None:
    with _server(protocol) as base, socket.create_connection(_address(base)) as slow:
        slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        closed = False
        # A header byte every 0.1 s: never idle, never complete.
        while time.monotonic() - started < HEADER_TIMEOUT_S + 2:
            try:
                slow.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            closed, _ = _closed_within(slow, 0.1)
            if closed:
                break
        assert closed
        assert time.monotonic() - started < HEADER_TIMEOUT_S + 1.5


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.__name__)
def test_a_slow_body_gets_a_408_while_others_are_served(protocol: type) -> None:
    with _server(protocol) as base, socket.create_connection(_address(base)) as slow:
        slow.sendall(
            b"POST /v1/sql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        # Meanwhile another client is answered at once.
        with httpx.Client(base_url=base, timeout=5) as other:
            started = time.monotonic()
            answer = other.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="local"))
            assert answer.status_code == 200 and time.monotonic() - started < BODY_TIMEOUT_S
        closed, sent = _closed_within(slow, BODY_TIMEOUT_S + 2)
    assert closed
    head = sent.split(b"\r\n", 1)[0]
    assert head == b"HTTP/1.1 408 Request Timeout"
    assert b'"code":"request_timeout"' in sent


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.__name__)
def test_a_keep_alive_connection_serves_requests_then_idles_out(protocol: type) -> None:
    with _server(protocol) as base, socket.create_connection(_address(base)) as conn:
        for _ in range(2):
            # Requests spaced by less than the header deadline keep the connection.
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            conn.settimeout(2)
            assert conn.recv(65536).startswith(b"HTTP/1.1 200")
            time.sleep(HEADER_TIMEOUT_S / 3)
        closed, _ = _closed_within(conn, 3)
        assert closed


def test_uvicorn_limits_follow_the_settings() -> None:
    settings = make_settings(http_keep_alive_s=7, http_limit_concurrency=0, http_max_header_bytes=4096)
    limits = uvicorn_limits(settings)
    assert (limits["timeout_keep_alive"], limits["limit_concurrency"]) == (7, None)
    # h11's own cap is a backstop above the head size the protocols enforce (test_connection_overflow.py).
    assert limits["h11_max_incomplete_event_size"] == 4096 + 4096
    assert limits["http"].startswith("app.ops.connections:Deadline")
    # uvicorn's plain-text 503 is a backstop above the service's own cap of 800 (ConcurrencyLimitMiddleware).
    assert uvicorn_limits(Settings(_env_file=None))["limit_concurrency"] == 1000  # type: ignore[call-arg]


def test_calendy_serve_closes_a_silent_connection() -> None:
    """The settings reach the real `calendy serve` (the same uvicorn options go to each supervised worker)."""
    port = free_port()
    env = {
        **os.environ,
        "CALENDY_DATA_DIR": str(conftest.test_data_dir()),
        "CALENDY_DATABASE_URL": conftest.test_database_url(),
        "CALENDY_AUTH_DISABLED": "true",
        "CALENDY_LLM_API_KEY": "",
        "CALENDY_HTTP_HEADER_TIMEOUT_S": "1",
        "CALENDY_HTTP_MAX_HEADER_BYTES": "2048",
    }
    root = Path(__file__).resolve().parents[1]
    args = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(args, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "calendy serve did not start"
            time.sleep(0.2)
        silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
        results: list[bool] = []
        threads = [threading.Thread(target=lambda s=s: results.append(_closed_within(s, 4)[0])) for s in silent]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for sock in silent:
            sock.close()
        assert results == [True] * 4
        # The head-size limit reaches the worker's protocol (httptools when installed): api.md's 400 body.
        big = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"X-Pad": "a" * 4096}, timeout=5)
        assert big.status_code == 400 and big.json()["error"]["details"] == {"field": "headers", "limit": 2048}
    finally:
        process.terminate()
        process.wait(timeout=30)
