"""The engine switch, retries, budgets, the circuit breaker, and /v1/summary."""

import asyncio
import json
import threading

import httpx
import pytest
import respx

from app.engine_answer import EngineAnswer
from app.schemas import SqlRequest
from tests.conftest import completion, make_settings, open_client, sql_request

pytestmark = pytest.mark.anyio


def fake_local(*, request: SqlRequest) -> EngineAnswer | None:
    """A stand-in local engine: sure about one command shape, declines the rest."""
    if request.prompt.endswith("완료"):
        return EngineAnswer(status="ok", intent="update", sql=["UPDATE TODO SET complete = 1 WHERE id = 11"])
    return None


async def test_auto_prefers_local_then_llm(llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion("DELETE FROM TODO WHERE id = 12;"))
    async for client in open_client(make_settings(), local_engine=fake_local):
        local = (await client.post("/v1/sql", json=sql_request("컴퓨터 구조 과제 완료"))).json()
        assert (local["engine"], local["status"], local["usage"]) == ("local", "ok", None)
        assert local["statements"][0]["ids"] == [11]
        assert route.call_count == 0
        llm = (await client.post("/v1/sql", json=sql_request("줄넘기 삭제"))).json()
        assert (llm["engine"], llm["intent"]) == ("llm", "delete")
        assert route.call_count == 1
        forced = (await client.post("/v1/sql", json=sql_request("컴퓨터 구조 과제 완료", engine="llm"))).json()
        assert forced["engine"] == "llm" and route.call_count == 2


async def test_local_only_declines_without_llm(llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion("SELECT * FROM TODO;"))
    async for client in open_client(make_settings(), local_engine=fake_local):
        body = (await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="local"))).json()
        assert (body["status"], body["engine"], body["statements"]) == ("not_understood", "local", [])
        assert route.call_count == 0


async def test_local_sql_is_validated_too(llm_mock: respx.MockRouter) -> None:
    def reckless(*, request: SqlRequest) -> EngineAnswer:
        return EngineAnswer(status="ok", intent="delete", sql=["DELETE FROM TODO"])

    llm_mock.post("/chat/completions").respond(json=completion("DELETE FROM TODO WHERE id = 12;"))
    async for client in open_client(make_settings(), local_engine=reckless):
        body = (await client.post("/v1/sql", json=sql_request("줄넘기 삭제"))).json()
        assert body["engine"] == "llm"
        assert [s["sql"] for s in body["statements"]] == ["DELETE FROM TODO WHERE id = 12"]


async def test_bounded_retries_then_success(llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions")
    route.side_effect = [
        httpx.Response(503, json={"error": {"message": "busy"}}),
        httpx.Response(200, json=completion("DELETE FROM TODO WHERE id = 12;")),
    ]
    async for client in open_client(make_settings(llm_max_retries=1)):
        response = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
        assert response.status_code == 200 and route.call_count == 2


async def test_request_budget_stops_a_slow_model(llm_mock: respx.MockRouter) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, json=completion("SELECT * FROM TODO;"))

    llm_mock.post("/chat/completions").mock(side_effect=slow)
    async for client in open_client(make_settings(llm_request_budget_s=0.2)):
        started = asyncio.get_running_loop().time()
        response = await client.post("/v1/sql", json=sql_request("줄넘기 보여줘", engine="llm"))
        assert response.status_code == 504
        assert response.json()["error"]["code"] == "llm_timeout"
        assert asyncio.get_running_loop().time() - started < 2


async def test_circuit_opens_after_repeated_failures(llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions").respond(500, json={"error": {"message": "down"}})
    async for client in open_client(make_settings(llm_circuit_failures=2, llm_circuit_reset_s=60)):
        codes = [
            (await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))).json()["error"]["code"]
            for _ in range(3)
        ]
        assert codes == ["llm_error", "llm_error", "llm_unavailable"]
        assert route.call_count == 2


PLANS = [
    {"kind": "todo", "id": 11, "title": "컴퓨터 구조 과제", "due_time": "2023-11-24 23:59:59",
     "category": "과제", "complete": False},
    {"kind": "schedule", "id": 1, "title": "신영이랑 밥먹기", "start_time": "2023-11-23 21:00:00",
     "end_time": "2023-11-23 22:00:00"},
    {"kind": "todo", "id": 12, "title": "보고서", "due_time": "2023-11-22 18:00:00", "complete": False},
]  # fmt: skip


async def test_summary_through_llm(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion("  오늘은 " + "바쁜 " * 300))
    response = await client.post("/v1/summary", json={"now": "2023-11-23 20:25:39", "plans": PLANS})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["engine"] == "llm" and body["model"] == "gpt-test"
    assert len(body["summary"]) <= 500 and body["summary"].startswith("오늘은")
    messages = json.loads(route.calls[0].request.content)["messages"]
    assert "Korean" in messages[0]["content"]
    assert "todo #11 | 컴퓨터 구조 과제 | due 2023-11-24 23:59:59 | 과제 | not done" in messages[1]["content"]


async def test_summary_falls_back_to_local_when_llm_fails(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter
) -> None:
    llm_mock.post("/chat/completions").respond(500, json={"error": {"message": "down"}})
    body = (await client.post("/v1/summary", json={"now": "2023-11-23 20:25:39", "plans": PLANS})).json()
    assert body["engine"] == "local" and "컴퓨터 구조 과제" in body["summary"]
    forced = await client.post("/v1/summary", json={"now": "2023-11-23 20:25:39", "plans": PLANS, "engine": "llm"})
    assert forced.status_code == 502


async def test_summary_offline(offline_client: httpx.AsyncClient) -> None:
    body = (await offline_client.post("/v1/summary", json={"now": "2023-11-23 20:25:39", "plans": PLANS})).json()
    assert body["engine"] == "local" and body["usage"] is None
    assert body["summary"].splitlines() == [
        "11/23(목) 기준 할 일 2개, 일정 1개.",
        "지난 마감: 11/22(수) 18:00 보고서",
        "오늘: 21:00-22:00 신영이랑 밥먹기",
        "내일: 컴퓨터 구조 과제",
    ]
    english = await offline_client.post(
        "/v1/summary", json={"now": "2023-11-23 20:25:39", "plans": PLANS, "locale": "en"}
    )
    assert english.json()["summary"].startswith("As of Thu 11/23: 2 todos, 1 event.")


async def test_large_requests_run_the_local_engine_off_the_event_loop() -> None:
    todos = [{"id": i, "title": f"독서 {i}", "due_time": "2023-11-30 23:59:59"} for i in range(100, 1600)]
    seen_threads: set[str] = set()

    def recording_local(*, request: SqlRequest) -> EngineAnswer | None:
        seen_threads.add(threading.current_thread().name)
        return EngineAnswer(status="ok", intent="delete", sql=["DELETE FROM TODO WHERE id = 12"])

    async for client in open_client(make_settings(local_offload_records=1000), local_engine=recording_local):
        small = await client.post("/v1/sql", json=sql_request("줄넘기 삭제"))
        big = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", todos=[*sql_request("x")["todos"], *todos]))
        assert small.json()["statements"][0]["ids"] == [12] and big.json()["statements"][0]["ids"] == [12]
    assert "MainThread" in seen_threads and len(seen_threads) == 2


async def test_summary_sends_the_model_at_most_the_configured_plans(llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion("오늘은 바쁩니다"))
    far = [{"kind": "todo", "id": i, "title": f"먼 할 일 {i}", "due_time": "2030-01-01 00:00:00", "complete": False}
           for i in range(100, 2100)]  # fmt: skip
    async for client in open_client(make_settings(summary_llm_max_plans=50)):
        body = {"now": "2023-11-23 20:25:39", "plans": far + PLANS}
        response = await client.post("/v1/summary", json=body)
        assert response.status_code == 200 and response.json()["engine"] == "llm"
        sent = json.loads(route.calls[0].request.content)["messages"][1]["content"]
        assert "컴퓨터 구조 과제" in sent and "신영이랑 밥먹기" in sent  # the nearest to now kept
        assert sent.count("먼 할 일") == 47 and "(1953 more plans left out" in sent
