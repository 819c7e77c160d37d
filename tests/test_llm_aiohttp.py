"""The default model client (openai over the aiohttp transport) against a real server on loopback."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response

from tests.conftest import completion, make_settings, open_client, sql_request
from tests.servers import free_port, serve_in_thread

pytestmark = pytest.mark.anyio

GOOD_DELETE = "DELETE FROM TODO WHERE id = 12;"


class FakeModel:
    """What the fake model server answers next, and the requests it saw."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.seen: list[tuple[dict[str, str], dict[str, Any]]] = []


def model_app(model: FakeModel) -> FastAPI:
    """A chat-completions endpoint that answers, fails or stalls as `model.mode` says."""
    app = FastAPI()
    # OpenAI compresses its answers: the transport must hand httpx the body as sent.
    app.add_middleware(GZipMiddleware, minimum_size=10)

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        model.seen.append((dict(request.headers), json.loads(await request.body())))
        if model.mode == "error":
            return JSONResponse({"error": {"message": "overloaded", "type": "server_error"}}, status_code=500)
        if model.mode == "slow":
            await asyncio.sleep(3)
        return JSONResponse(completion(GOOD_DELETE, cached=100), headers={"set-cookie": "session=user-a; Path=/"})

    return app


@pytest.fixture(scope="module")
def fake_model() -> Iterator[tuple[FakeModel, str]]:
    model = FakeModel()
    with serve_in_thread(model_app(model)) as base:
        yield model, base


@pytest.fixture
async def aio_client(fake_model: tuple[FakeModel, str]) -> AsyncIterator[httpx.AsyncClient]:
    model, base = fake_model
    model.mode, model.seen[:] = "ok", []
    settings = make_settings(llm_base_url=f"{base}/v1", llm_timeout_s=1.0)
    async for client in open_client(settings):
        yield client


async def test_answer_through_aiohttp(aio_client: httpx.AsyncClient, fake_model: tuple[FakeModel, str]) -> None:
    model, _ = fake_model
    response = await aio_client.post("/v1/sql", json=sql_request("줄넘기 11월 25일 거 삭제해줘", engine="llm"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [s["sql"] for s in body["statements"]] == ["DELETE FROM TODO WHERE id = 12"]
    assert body["usage"]["cached_tokens"] == 100
    [(headers, sent)] = model.seen
    assert headers["authorization"] == "Bearer sk-test"
    assert headers["content-type"] == "application/json"
    assert "gzip" in headers["accept-encoding"]
    assert sent["model"] == "gpt-test" and sent["temperature"] == 0
    assert sent["messages"][-1] == {"role": "user", "content": "줄넘기 11월 25일 거 삭제해줘"}


async def test_the_environment_proxy_is_used(
    fake_model: tuple[FakeModel, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY applies to the aiohttp backend as it does to httpx: the fake model is the proxy here."""
    model, base = fake_model
    model.mode, model.seen[:] = "ok", []
    monkeypatch.setenv("HTTP_PROXY", base)
    settings = make_settings(llm_base_url="http://model.invalid/v1")
    async for client in open_client(settings):
        response = await client.post("/v1/sql", json=sql_request("줄넘기 11월 25일 거 삭제해줘", engine="llm"))
        assert response.status_code == 200, response.text
    [(headers, _)] = model.seen
    assert headers["host"] == "model.invalid"


async def test_a_netrc_file_does_not_touch_model_calls(
    fake_model: tuple[FakeModel, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Credentials in ~/.netrc must not be added to (and clash with) the API key's header."""
    model, base = fake_model
    model.mode, model.seen[:] = "ok", []
    netrc = tmp_path / "netrc"
    netrc.write_text("default login someone password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    async for client in open_client(make_settings(llm_base_url=f"{base}/v1")):
        response = await client.post("/v1/sql", json=sql_request("줄넘기 11월 25일 거 삭제해줘", engine="llm"))
        assert response.status_code == 200, response.text
    [(headers, _)] = model.seen
    assert headers["authorization"] == "Bearer sk-test"


async def test_model_cookies_are_not_kept(aio_client: httpx.AsyncClient, fake_model: tuple[FakeModel, str]) -> None:
    """A cookie one call received must not ride along on the next (another user's) call."""
    for _ in range(2):
        response = await aio_client.post("/v1/sql", json=sql_request("줄넘기 11월 25일 거 삭제해줘", engine="llm"))
        assert response.status_code == 200, response.text
    assert [headers.get("cookie") for headers, _ in fake_model[0].seen] == [None, None]


@pytest.mark.parametrize(("mode", "status", "code"), [("error", 502, "llm_error"), ("slow", 504, "llm_timeout")])
async def test_upstream_failures_through_aiohttp(
    aio_client: httpx.AsyncClient, fake_model: tuple[FakeModel, str], mode: str, status: int, code: str
) -> None:
    fake_model[0].mode = mode
    response = await aio_client.post("/v1/sql", json=sql_request("줄넘기 11월 25일 거 삭제해줘", engine="llm"))
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


async def test_unreachable_model_through_aiohttp() -> None:
    settings = make_settings(llm_base_url=f"http://127.0.0.1:{free_port()}/v1")
    async for client in open_client(settings):
        response = await client.post("/v1/sql", json=sql_request("줄넘기 11월 25일 거 삭제해줘", engine="llm"))
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "llm_unavailable"


async def test_model_closing_the_connection_through_aiohttp() -> None:
    """A server that accepts and hangs up without answering is unreachable, not a crash."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    loop = asyncio.get_running_loop()

    async def hang_up() -> None:
        while True:
            conn, _ = await loop.sock_accept(listener)
            await loop.sock_recv(conn, 65536)
            conn.close()

    task = asyncio.create_task(hang_up())
    try:
        port = listener.getsockname()[1]
        settings = make_settings(llm_base_url=f"http://127.0.0.1:{port}/v1")
        async for client in open_client(settings):
            response = await client.post("/v1/sql", json=sql_request("줄넘기 11월 25일 거 삭제해줘", engine="llm"))
            assert response.status_code == 503, response.text
            assert response.json()["error"]["code"] == "llm_unavailable"
    finally:
        task.cancel()
        listener.close()
