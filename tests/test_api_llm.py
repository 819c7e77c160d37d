"""The LLM path over HTTP: the real openai client sending to a mocked upstream."""

import json
from typing import Any

import httpx
import pytest
import respx

from tests.conftest import completion, sql_request

pytestmark = pytest.mark.anyio

GOOD_INSERT = "INSERT INTO TODO (title, due_time, category_id) VALUES ('알골 과제', '2023-11-24 08:00:00', 1);"


def sent_bodies(route: respx.Route) -> list[dict[str, Any]]:
    return [json.loads(call.request.content) for call in route.calls]


async def test_insert_through_llm(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion(f"”{GOOD_INSERT}”", cached=64))
    response = await client.post("/v1/sql", json=sql_request("내일 8시 알골 과제 추가", engine="llm"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["intent"] == "insert"
    assert body["engine"] == "llm"
    assert body["model"] == "gpt-test"
    assert body["usage"] == {"prompt_tokens": 120, "completion_tokens": 30, "cached_tokens": 64}
    [statement] = body["statements"]
    assert statement["sql"] == (
        "INSERT INTO TODO (title, due_time, category_id) VALUES ('알골 과제', '2023-11-24 08:00:00', 1)"
    )
    assert statement["kind"] == "insert" and statement["table"] == "TODO"
    assert statement["destructive"] is False and statement["preview_sql"] is None
    assert response.headers["x-request-id"] == body["request_id"]
    [sent] = sent_bodies(route)
    assert sent["model"] == "gpt-test"
    assert sent["temperature"] == 0
    messages = sent["messages"]
    assert messages[0]["role"] == "system"
    assert "CREATE TABLE TODO" in messages[0]["content"]
    # The request's own part comes last: user data, then the prompt.
    assert messages[-1] == {"role": "user", "content": "내일 8시 알골 과제 추가"}
    assert messages[-2]["role"] == "user"
    assert "2023-11-23 20:25:39 (Thursday 목요일)" in messages[-2]["content"]
    assert "11 | 컴퓨터 구조 과제 | 2023-11-24 23:59:59 | 1 | 0" in messages[-2]["content"]


async def test_static_prefix_is_identical_across_requests(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter
) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion(GOOD_INSERT))
    first = sql_request("내일 8시 알골 과제 추가", engine="llm")
    second = sql_request("모레 운동", engine="llm", todos=[], schedules=[], now="2024-01-01 09:00:00")
    assert (await client.post("/v1/sql", json=first)).status_code == 200
    await client.post("/v1/sql", json=second)
    one, two = (body["messages"] for body in sent_bodies(route))
    prefix = len(one) - 2
    assert prefix >= 1 and one[:prefix] == two[:prefix]
    # Nothing of the first request's data leaks into the second's.
    assert len(one) == len(two)
    assert all("컴퓨터 구조 과제" not in m["content"] for m in two[prefix:])


async def test_history_goes_between_user_data_and_prompt(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion(GOOD_INSERT))
    history = [
        {
            "prompt": "줄넘기 추가",
            "statements": ["INSERT INTO TODO (title, due_time) VALUES ('줄넘기', '2023-11-24 23:59:59')"],
        }
    ]
    await client.post("/v1/sql", json=sql_request("그거 8시로", engine="llm", history=history))
    messages = sent_bodies(route)[0]["messages"]
    assert [m["role"] for m in messages[-4:]] == ["user", "user", "assistant", "user"]
    assert messages[-3]["content"] == "줄넘기 추가"
    assert messages[-2]["content"].endswith("'2023-11-24 23:59:59');")


async def test_repair_after_invalid_sql(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions")
    route.side_effect = [
        httpx.Response(200, json=completion("DELETE FROM TODO;")),
        httpx.Response(200, json=completion("DELETE FROM TODO WHERE id = 12;")),
    ]
    response = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [s["sql"] for s in body["statements"]] == ["DELETE FROM TODO WHERE id = 12"]
    assert body["statements"][0]["preview_sql"] == "SELECT * FROM TODO WHERE id = 12"
    assert body["usage"]["prompt_tokens"] == 240
    repair = sent_bodies(route)[1]["messages"]
    assert repair[-2] == {"role": "assistant", "content": "DELETE FROM TODO;"}
    assert "WHERE" in repair[-1]["content"]


@pytest.mark.parametrize(
    "bad_sql",
    [
        "DROP TABLE TODO;",
        "SELECT * FROM TODO; DROP TABLE TODO;",
        "DELETE FROM TODO WHERE id = 999;",
        "UPDATE TODO SET complete = 1;",
        "SELECT * FROM sqlite_master;",
        "INSERT INTO TODO (title, due_time) VALUES ('x', datetime('now'));",
        "PRAGMA writable_schema = 1;",
    ],
)
async def test_invalid_output_never_reaches_client(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter, bad_sql: str
) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion(bad_sql))
    response = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "llm_invalid_output"
    assert error["details"]["reasons"]
    assert "statements" not in response.json()
    assert route.call_count == 2  # the first answer and one repair


async def test_no_such_plan_and_refusal(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions")
    route.side_effect = [
        httpx.Response(200, json=completion("NO_SUCH_PLAN")),
        httpx.Response(200, json=completion("NOT_UNDERSTOOD: 날씨는 알려드릴 수 없어요.")),
    ]
    first = (await client.post("/v1/sql", json=sql_request("골프 약속 취소", engine="llm"))).json()
    assert (first["status"], first["statements"], first["intent"]) == ("no_such_plan", [], None)
    second = (await client.post("/v1/sql", json=sql_request("날씨 알려줘", engine="llm"))).json()
    assert second["status"] == "not_understood"
    assert second["message"] == "날씨는 알려드릴 수 없어요."


@pytest.mark.parametrize(
    ("upstream", "status", "code"),
    [
        (httpx.Response(500, json={"error": {"message": "boom"}}), 502, "llm_error"),
        (httpx.Response(429, json={"error": {"message": "slow down"}}), 502, "llm_error"),
        (httpx.Response(401, json={"error": {"message": "bad key"}}), 502, "llm_error"),
        (httpx.ReadTimeout("read timed out"), 504, "llm_timeout"),
        (httpx.ConnectError("connection refused"), 503, "llm_unavailable"),
        # A 200 that is not a chat completion (a proxy's HTML page, a wrong endpoint's JSON).
        (httpx.Response(200, text="<html>gateway</html>"), 502, "llm_error"),
        (httpx.Response(200, json={"choices": [{"message": {"content": ["parts"]}}]}), 502, "llm_error"),
    ],
)
async def test_upstream_failures_map_to_error_table(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter, upstream: Any, status: int, code: str
) -> None:
    llm_mock.post("/chat/completions").mock(side_effect=[upstream])
    response = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


async def test_reply_without_usage_or_model(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    """Compatible servers may leave out usage and model: zeros and the configured model."""
    reply = {"choices": [{"message": {"role": "assistant", "content": GOOD_INSERT}}]}
    llm_mock.post("/chat/completions").respond(json=reply)
    response = await client.post("/v1/sql", json=sql_request("내일 8시 알골 과제 추가", engine="llm"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == "gpt-test"
    assert body["usage"] == {"prompt_tokens": 0, "completion_tokens": 0, "cached_tokens": 0}


async def test_llm_not_configured(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "llm_unavailable"


async def test_every_llm_call_is_logged_failures_included(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    llm_mock.post("/chat/completions").mock(
        side_effect=[
            httpx.Response(200, json=completion("DELETE FROM TODO;")),
            httpx.Response(500, json={"error": {"message": "down"}}),
        ]
    )
    with caplog.at_level("INFO", logger="calendy.llm.calls"):
        response = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
    assert response.status_code == 502
    rows = [json.loads(r.getMessage()) for r in caplog.records if r.name == "calendy.llm.calls"]
    assert [(row["purpose"], row["status"]) for row in rows] == [("sql", "rejected"), ("repair", "llm_error")]
    assert {row["request_id"] for row in rows} == {response.headers["x-request-id"]}
    assert rows[0]["usage"]["prompt_tokens"] == 120 and rows[1]["usage"] is None
