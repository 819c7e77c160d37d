"""Input outside what the service supports is a clear 422 at the boundary, not an engine failure."""

import copy
import logging

import httpx
import pytest

from tests.conftest import make_settings, open_client, sql_request

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("now", ["9999-12-31 23:59:59", "0001-01-01 00:00:00", "2201-01-01 00:00:00"])
async def test_a_now_outside_the_supported_years_is_a_422(
    offline_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, now: str
) -> None:
    with caplog.at_level(logging.ERROR):
        response = await offline_client.post("/v1/sql", json=sql_request("내일 8시 운동 추가", now=now, engine="local"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert [d["field"] for d in error["details"]] == ["now"]
    assert "1900 to 2200" in error["details"][0]["message"]
    # The client's mistake writes nothing at ERROR (no traceback in the service's log).
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_summary_now_outside_the_supported_years_is_a_422(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.post("/v1/summary", json={"now": "9999-12-31 23:59:59", "plans": []})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["now"]


@pytest.mark.parametrize("now", ["1900-01-01 00:00:00", "2200-12-31 23:59:59"])
async def test_the_edges_of_the_supported_years_are_answered(offline_client: httpx.AsyncClient, now: str) -> None:
    response = await offline_client.post("/v1/sql", json=sql_request("줄넘기 삭제", now=now, engine="local"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_a_far_future_record_time_is_still_accepted(offline_client: httpx.AsyncClient) -> None:
    # Clients may keep 9999-12-31 as "no date"; only `now` is bounded.
    body = _with_todo("줄넘기 삭제", due_time="9999-12-31 23:59:59")
    response = await offline_client.post("/v1/sql", json=body)
    assert response.status_code == 200


def _with_todo(prompt: str, **fields: object) -> dict[str, object]:
    # A deep copy: sql_request shares the context's lists between bodies.
    body = copy.deepcopy(sql_request(prompt, engine="local"))
    body["todos"][1] = {**body["todos"][1], **fields}
    return body


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"complete": "yes"}, "todos.1.complete"),
        ({"complete": 1}, "todos.1.complete"),
        ({"id": "12"}, "todos.1.id"),
        ({"category_id": "2"}, "todos.1.category_id"),
        ({"priority": "3"}, "todos.1.priority"),
        ({"title": 12}, "todos.1.title"),
        ({"priority": 2**63}, "todos.1.priority"),
        ({"priority": 2**31}, "todos.1.priority"),
        ({"id": 2**64}, "todos.1.id"),
    ],
)
async def test_request_bodies_take_json_types_and_bounded_integers(
    offline_client: httpx.AsyncClient, fields: dict[str, object], field: str
) -> None:
    response = await offline_client.post("/v1/sql", json=_with_todo("줄넘기 삭제", **fields))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert field in [detail["field"] for detail in error["details"]]


async def test_json_numbers_and_booleans_still_work(offline_client: httpx.AsyncClient) -> None:
    body = _with_todo("줄넘기 삭제", complete=True, priority=2**31 - 1, memo="매일 100개")
    response = await offline_client.post("/v1/sql", json=body)
    assert response.status_code == 200
    assert response.json()["statements"][0]["ids"] == [12]


async def test_strict_types_apply_to_summary_and_feedback(offline_client: httpx.AsyncClient) -> None:
    plan = {"kind": "todo", "id": "1", "title": "a"}
    summary = await offline_client.post("/v1/summary", json={"now": "2023-11-23 20:25:39", "plans": [plan]})
    assert summary.status_code == 422
    assert "plans.0.id" in [d["field"] for d in summary.json()["error"]["details"]]
    feedback = await offline_client.post("/v1/feedback", json={"request_id": 12, "outcome": "executed"})
    assert feedback.status_code == 422
    assert "request_id" in [d["field"] for d in feedback.json()["error"]["details"]]


async def test_a_long_memo_is_a_422_naming_it(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.post("/v1/sql", json=_with_todo("줄넘기 삭제", memo="x" * 2001))
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["todos.1.memo"]
    body = copy.deepcopy(sql_request("x", engine="local"))
    body["schedules"][0]["memo"] = "x" * 4_000_000
    response = await offline_client.post("/v1/sql", json=body)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["schedules.0.memo"]


async def test_the_memo_limit_is_configurable() -> None:
    async for client in open_client(make_settings(llm_api_key=None, llm_base_url=None, max_memo_chars=10)):
        ok = await client.post("/v1/sql", json=_with_todo("줄넘기 삭제", memo="x" * 10))
        assert ok.status_code == 200
        long = await client.post("/v1/sql", json=_with_todo("줄넘기 삭제", memo="x" * 11))
        assert long.status_code == 422
        assert "at most 10 characters" in long.json()["error"]["details"][0]["message"]
        plans = [{"kind": "todo", "id": 1, "title": "a", "memo": "x" * 11}]
        summary = await client.post("/v1/summary", json={"now": "2023-11-23 20:25:39", "plans": plans})
        assert summary.status_code == 422
        assert [d["field"] for d in summary.json()["error"]["details"]] == ["plans.0.memo"]


async def test_an_engine_bug_still_logs_its_traceback(
    offline_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.local.engine as local_engine

    def broken(request: object) -> object:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(local_engine, "explain", broken)
    with caplog.at_level(logging.ERROR):
        response = await offline_client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="local"))
    # The client's input was fine: it gets an answer, and the bug is in the log with its traceback.
    assert response.status_code == 200 and response.json()["status"] == "not_understood"
    [record] = [r for r in caplog.records if r.getMessage() == "local engine failed"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
