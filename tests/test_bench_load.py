"""The benchmarks' load generator counts what it should: answers, latencies, errors, and nothing else."""

import asyncio
from collections.abc import Iterator

import pytest

from bench._load import Load, run_load_sync
from bench._procs import start_upstream
from bench._wire import Connection, WireError, encode_request


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    child, base = start_upstream(latency_ms=20)
    try:
        yield base
    finally:
        child.stop()


def test_every_request_is_answered_and_timed(upstream: str) -> None:
    load = Load(
        url=f"{upstream}/chat/completions",
        body=b'{"model": "m", "messages": []}',
        concurrency=5,
        requests=40,
        max_s=10,
        warm_url=f"{upstream}/models",
    )
    phase = run_load_sync(load)
    assert phase.count == 40 and phase.errors == {}
    assert min(phase.latencies_ms) >= 18  # the upstream's fixed 20 ms (its timer may fire ~1 ms early)
    assert phase.elapsed_s >= 40 / 5 * 0.020


def test_open_loop_sends_at_the_rate_not_as_fast_as_answers_come(upstream: str) -> None:
    """40 requests at 100/s take ~0.4 s however many connections could send them at once."""
    load = Load(
        url=f"{upstream}/chat/completions",
        body=b'{"model": "m", "messages": []}',
        concurrency=10,
        requests=40,
        max_s=10,
        warm_url=f"{upstream}/models",
        rate=100.0,
    )
    phase = run_load_sync(load)
    assert phase.count == 40 and phase.errors == {}
    assert min(phase.latencies_ms) >= 18
    # The last request is due at 0.39 s and takes 20 ms; closed-loop over 10 connections would take ~0.08 s.
    assert 0.39 <= phase.elapsed_s < 2.0


def test_non_200_answers_are_errors_with_their_code(upstream: str) -> None:
    load = Load(url=f"{upstream}/nowhere", body=b"{}", concurrency=2, requests=6, max_s=10)
    phase = run_load_sync(load)
    assert phase.count == 0
    assert phase.errors == {"HTTP 404 ?": 6}


def test_a_request_is_encoded_with_its_length_and_headers() -> None:
    raw = encode_request(method="POST", url="http://h:81/v1/sql?x=1", headers={"A": "b"}, body=b"{}")
    assert raw == b"POST /v1/sql?x=1 HTTP/1.1\r\nHost: h:81\r\nContent-Length: 2\r\nA: b\r\n\r\n{}"
    with pytest.raises(ValueError, match="plain HTTP"):
        encode_request(method="GET", url="https://h/", headers={})


def test_an_answer_without_content_length_is_an_error() -> None:
    async def scenario() -> None:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
            await writer.drain()

        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            connection = await Connection.open(f"http://127.0.0.1:{port}/")
            with pytest.raises(WireError, match="without Content-Length"):
                await connection.exchange(encode_request(method="GET", url=f"http://127.0.0.1:{port}/", headers={}))
            connection.close()

    asyncio.run(scenario())


def test_bytes_beyond_an_answer_are_an_error_not_the_next_answer() -> None:
    async def scenario() -> None:
        async def answer_twice(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno"
            )
            await writer.drain()
            await reader.read()

        server = await asyncio.start_server(answer_twice, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            connection = await Connection.open(f"http://127.0.0.1:{port}/")
            request = encode_request(method="GET", url=f"http://127.0.0.1:{port}/", headers={})
            assert await connection.exchange(request) == (200, b"ok")
            await asyncio.sleep(0.05)
            with pytest.raises(WireError, match="unexpected bytes"):
                await connection.exchange(request)
            connection.close()

    asyncio.run(scenario())
