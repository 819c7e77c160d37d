"""The request log in a real database: one row per request and per LLM call, whatever the outcome."""

import asyncio
from typing import Any

import httpx
import pytest
import respx

from app.main import create_app
from tests.conftest import completion, fetch_rows, make_settings, open_client, sql_request

pytestmark = pytest.mark.anyio

GOOD_DELETE = "DELETE FROM TODO WHERE id = 12;"


async def one_row(response: httpx.Response, **settings: Any) -> dict[str, Any]:
    [row] = await fetch_rows("request_log", settings=make_settings(**settings), request_id=rid(response))
    return row


def rid(response: httpx.Response) -> str:
    return response.headers["x-request-id"]


async def test_local_answer_row(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.post("/v1/sql", json=sql_request("내일 8시 알골 과제 추가", engine="local"))
    assert response.status_code == 200
    row = await one_row(response)
    assert (row["route"], row["method"], row["http_status"], row["status"]) == ("/v1/sql", "POST", 200, "ok")
    assert (row["engine"], row["intent"], row["validation"], row["error_code"]) == ("local", "insert", "passed", None)
    assert row["prompt"] == "내일 8시 알골 과제 추가" and row["prompt_chars"] == len(row["prompt"])
    assert row["statements"][0]["sql"].startswith("INSERT INTO TODO")
    assert row["request_body"]["todos"][0]["id"] == 11
    assert row["latency_ms"] > 0 and row["llm_calls"] == 0


async def test_llm_answer_rows_with_tokens(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    llm_mock.post("/chat/completions").respond(json=completion(GOOD_DELETE, cached=64))
    response = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
    assert response.status_code == 200
    row = await one_row(response)
    assert (row["engine"], row["model"], row["validation"], row["llm_calls"]) == ("llm", "gpt-test", "passed", 1)
    assert (row["prompt_tokens"], row["completion_tokens"], row["cached_tokens"]) == (120, 30, 64)
    assert row["llm_latency_ms"] > 0
    [call] = await fetch_rows("llm_call_log", request_id=rid(response))
    assert (call["purpose"], call["status"], call["prompt_tokens"], call["cached_tokens"]) == ("sql", "ok", 120, 64)
    assert call["response_text"] == GOOD_DELETE


async def test_repaired_answer(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    answers = [completion("DELETE FROM TODO;"), completion(GOOD_DELETE)]
    llm_mock.post("/chat/completions").mock(side_effect=[httpx.Response(200, json=body) for body in answers])
    response = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
    assert response.status_code == 200
    assert (await one_row(response))["validation"] == "repaired"
    calls = await fetch_rows("llm_call_log", min_rows=2, request_id=rid(response))
    assert sorted((c["call_index"], c["purpose"], c["status"]) for c in calls) == [
        (1, "sql", "rejected"),
        (2, "repair", "ok"),
    ]


async def test_invalid_output_and_upstream_failure(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    rejected = httpx.Response(200, json=completion("DELETE FROM TODO;"))
    down = httpx.Response(500, json={"error": {"message": "down"}})
    llm_mock.post("/chat/completions").mock(side_effect=[rejected, down])
    response = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
    assert response.status_code == 502
    row = await one_row(response)
    assert (row["http_status"], row["error_code"], row["validation"]) == (502, "llm_error", "rejected")
    assert row["statements"] is None and row["prompt_tokens"] == 120
    calls = await fetch_rows("llm_call_log", min_rows=2, request_id=rid(response))
    assert sorted(c["status"] for c in calls) == ["llm_error", "rejected"]


async def test_llm_timeout_is_logged(llm_mock: respx.MockRouter) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(2)
        return httpx.Response(200, json=completion(GOOD_DELETE))

    llm_mock.post("/chat/completions").mock(side_effect=slow)
    async for client in open_client(make_settings(llm_request_budget_s=0.2)):
        response = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
        assert response.status_code == 504
        row = await one_row(response)
        assert (row["http_status"], row["error_code"], row["llm_calls"]) == (504, "llm_timeout", 1)
        [call] = await fetch_rows("llm_call_log", request_id=rid(response))
        assert call["status"] == "llm_timeout" and call["latency_ms"] >= 150


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "invalid_request"),
        (b'{"prompt": "x"}', 422, "invalid_request"),
    ],
)
async def test_bad_requests_are_logged(offline_client: httpx.AsyncClient, body: bytes, status: int, code: str) -> None:
    response = await offline_client.post("/v1/sql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    row = await one_row(response)
    assert (row["http_status"], row["error_code"], row["prompt"]) == (status, code, None)


async def test_too_large_and_not_found_are_logged() -> None:
    async for client in open_client(make_settings(max_body_bytes=2048)):
        large = await client.post("/v1/sql", json=sql_request("x" * 900, memo="y" * 3000))
        missing = await client.get("/v2/nothing")
    assert (await one_row(large))["error_code"] == "payload_too_large"
    assert (await one_row(large))["route"] == "/v1/sql"
    row = await one_row(missing)
    assert (row["http_status"], row["error_code"], row["route"]) == (404, "not_found", "/v2/nothing")


async def test_redacted_prompts() -> None:
    settings = make_settings(log_prompts="redact", llm_api_key=None, llm_base_url=None)
    async for client in open_client(settings):
        response = await client.post("/v1/sql", json=sql_request("내일 8시 알골 과제 추가"))
    row = await one_row(response)
    assert row["prompt"] is None and row["request_body"] is None
    assert row["prompt_chars"] == len("내일 8시 알골 과제 추가") and len(row["prompt_sha256"]) == 64
    assert row["statements"]  # the answer is kept: feedback and training need what the client ran


async def test_summary_is_logged(offline_client: httpx.AsyncClient) -> None:
    plans = [{"kind": "todo", "id": 11, "title": "컴퓨터 구조 과제", "due_time": "2023-11-24 23:59:59"}]
    response = await offline_client.post("/v1/summary", json={"now": "2023-11-23 20:25:39", "plans": plans})
    assert response.status_code == 200
    row = await one_row(response)
    assert (row["route"], row["engine"], row["status"]) == ("/v1/summary", "local", "ok")


async def test_probes_are_not_logged(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.get("/healthz")
    assert await fetch_rows("request_log", timeout_s=0.3, request_id=rid(response)) == []


async def test_cancelled_request_is_logged(llm_mock: respx.MockRouter) -> None:
    """A handler cancelled mid-call (client gone, shutdown deadline) still leaves its rows."""
    started = asyncio.Event()

    async def hang(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.sleep(30)
        raise AssertionError("not reached")

    llm_mock.post("/chat/completions").mock(side_effect=hang)
    app = create_app(settings=make_settings())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as client:
            task = asyncio.create_task(client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm")))
            await asyncio.wait_for(started.wait(), 5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        # Leaving the lifespan drains the writer: the row is in before the database closes.
    rows = await fetch_rows("request_log", http_status=499, error_code="cancelled", prompt="줄넘기 삭제", timeout_s=1)
    assert rows, "the cancelled request left no row"
    [call] = await fetch_rows("llm_call_log", request_id=rows[-1]["request_id"])
    assert call["status"] == "cancelled"
