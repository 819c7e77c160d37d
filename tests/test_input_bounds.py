"""Input outside what the service supports is a clear 422 at the boundary, not an engine failure."""

import logging

import httpx
import pytest

from tests.conftest import sql_request

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
    body = sql_request("줄넘기 삭제", engine="local")
    body["todos"][1] = {**body["todos"][1], "due_time": "9999-12-31 23:59:59"}
    response = await offline_client.post("/v1/sql", json=body)
    assert response.status_code == 200
