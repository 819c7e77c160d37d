"""A real uvicorn server: graceful shutdown finishes in-flight requests; a gone client is still logged."""

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest
import uvicorn

from app.main import create_app
from tests.conftest import LLM_BASE_URL, completion, fetch_rows, make_settings, sql_request
from tests.model_mock import mock_model
from tests.servers import free_port

GOOD_DELETE = "DELETE FROM TODO WHERE id = 12;"


class Server:
    """uvicorn in a thread, with the upstream LLM answering after `delay_s`."""

    def __init__(self, delay_s: float):
        self.delay_s = delay_s
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.llm_calls = 0
        config = uvicorn.Config(
            create_app(settings=make_settings()),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            timeout_graceful_shutdown=10,
        )
        self.uvicorn = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.uvicorn.run, daemon=True)

    async def slow_llm(self, request: httpx.Request) -> httpx.Response:
        self.llm_calls += 1
        await asyncio.sleep(self.delay_s)
        return httpx.Response(200, json=completion(GOOD_DELETE))

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.uvicorn.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self.uvicorn.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def slow_server() -> Iterator[Server]:
    with mock_model(assert_all_called=False) as mock:
        mock.route(host="127.0.0.1").pass_through()
        server = Server(delay_s=1.0)
        mock.post(f"{LLM_BASE_URL}/chat/completions").mock(side_effect=server.slow_llm)
        server.start()
        try:
            yield server
        finally:
            server.stop()


def post_sql(base: str, timeout: float, prompt: str = "줄넘기 삭제") -> httpx.Response:
    with httpx.Client(base_url=base, timeout=timeout) as client:
        return client.post("/v1/sql", json=sql_request(prompt, engine="llm"))


def test_graceful_shutdown_finishes_in_flight_requests(slow_server: Server) -> None:
    with ThreadPoolExecutor(1) as pool:
        pending: Future[httpx.Response] = pool.submit(post_sql, slow_server.base, 10)
        deadline = time.monotonic() + 5
        while slow_server.llm_calls == 0:
            assert time.monotonic() < deadline, "the request never reached the model"
            time.sleep(0.02)
        # SIGTERM's effect: stop accepting, let the request in flight finish, then run the lifespan end.
        slow_server.stop()
        response = pending.result(timeout=10)
    assert not slow_server.thread.is_alive()
    assert response.status_code == 200, response.text
    assert response.json()["statements"][0]["sql"] == "DELETE FROM TODO WHERE id = 12"
    # The lifespan drained the log writer before closing the database.
    rows = asyncio.run(fetch_rows("request_log", timeout_s=0.5, request_id=response.headers["x-request-id"]))
    assert [row["http_status"] for row in rows] == [200]


def test_client_that_disconnects_is_still_logged(slow_server: Server) -> None:
    prompt = f"줄넘기 삭제 {uuid.uuid4().hex}"
    with pytest.raises(httpx.ReadTimeout):
        post_sql(slow_server.base, timeout=0.3, prompt=prompt)
    # The handler goes on without its client; its row appears once the model has answered.
    [row] = asyncio.run(fetch_rows("request_log", timeout_s=5, prompt=prompt))
    assert (row["engine"], row["llm_calls"]) == ("llm", 1)
