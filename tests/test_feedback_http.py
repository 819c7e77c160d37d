"""POST /v1/feedback over HTTP: stored for training, corrected SQL validated like model output."""

from typing import Any

import httpx
import pytest

from app.db.connection import build_engine
from app.db.keys import create_api_key
from app.settings import Settings
from tests.conftest import fetch_rows, make_settings, open_client, sql_request

pytestmark = pytest.mark.anyio
LOCAL = sql_request("내일 8시 알골 과제 추가", engine="local")


def offline(**overrides: Any) -> Settings:
    return make_settings(llm_api_key=None, llm_base_url=None, **overrides)


async def answered(client: httpx.AsyncClient, **headers: str) -> str:
    response = await client.post("/v1/sql", json=LOCAL, headers=headers)
    assert response.status_code == 200, response.text
    request_id: str = response.json()["request_id"]
    return request_id


def details(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    result: list[dict[str, Any]] = error["details"]
    return result


@pytest.mark.parametrize("outcome", ["executed", "failed", "undone"])
async def test_outcomes_are_stored(offline_client: httpx.AsyncClient, outcome: str) -> None:
    request_id = await answered(offline_client)
    error = "no such column" if outcome == "failed" else None
    response = await offline_client.post(
        "/v1/feedback", json={"request_id": request_id, "outcome": outcome, "error": error}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["request_id"], body["validation"], body["statements"]) == (request_id, None, [])
    [row] = await fetch_rows("feedback", id=body["feedback_id"])
    assert (row["request_id"], row["outcome"], row["error"], row["corrected_sql"]) == (request_id, outcome, error, None)


async def test_corrected_sql_checked_against_the_stored_records(offline_client: httpx.AsyncClient) -> None:
    request_id = await answered(offline_client)
    good = "UPDATE TODO SET due_time = '2023-11-24 09:00:00' WHERE id = 11;"
    response = await offline_client.post(
        "/v1/feedback", json={"request_id": request_id, "outcome": "corrected", "corrected_sql": good}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["validation"] == "records"
    [statement] = body["statements"]
    assert (statement["kind"], statement["ids"], statement["destructive"]) == ("update", [11], True)
    [row] = await fetch_rows("feedback", id=body["feedback_id"])
    assert (row["validation"], row["corrected_sql"]) == ("records", good)
    assert row["corrected_statements"][0]["sql"] == "UPDATE TODO SET due_time = '2023-11-24 09:00:00' WHERE id = 11"


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE TODO SET complete = 1 WHERE id = 99", "was not sent by the client"),
        ("DELETE FROM TODO", "needs a WHERE clause"),
        ("DROP TABLE TODO", "only SELECT, INSERT, UPDATE and DELETE"),
        ("SELECT * FROM USERS", "USERS"),
        ("this is not sql", ""),
    ],
)
async def test_bad_corrected_sql_is_refused(offline_client: httpx.AsyncClient, sql: str, reason: str) -> None:
    request_id = await answered(offline_client)
    response = await offline_client.post(
        "/v1/feedback", json={"request_id": request_id, "outcome": "corrected", "corrected_sql": sql}
    )
    found = details(response)
    assert {d["field"] for d in found} == {"corrected_sql"}
    assert any(reason in d["message"] for d in found), found
    assert await fetch_rows("feedback", timeout_s=0.2, request_id=request_id) == []


async def test_redacted_requests_get_schema_only_checks() -> None:
    async for client in open_client(offline(log_prompts="redact")):
        request_id = await answered(client)
        # Any id passes (the records are not stored), but the schema and allow-lists still hold.
        ok = await client.post(
            "/v1/feedback",
            json={"request_id": request_id, "outcome": "corrected", "corrected_sql": "DELETE FROM TODO WHERE id = 99"},
        )
        assert ok.status_code == 200, ok.text
        assert ok.json()["validation"] == "schema"
        bad = await client.post(
            "/v1/feedback",
            json={"request_id": request_id, "outcome": "corrected", "corrected_sql": "DELETE FROM TODO"},
        )
        assert "needs a WHERE clause" in details(bad)[0]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"request_id": "01HFZZZZZZZZZZZZZZZZZZZZZZ", "outcome": "executed"}, "request_id"),
        ({"outcome": "executed"}, "request_id"),
        ({"request_id": "x", "outcome": "liked"}, "outcome"),
        ({"request_id": "x", "outcome": "failed", "error": "e" * 2001}, "error"),
    ],
)
async def test_invalid_feedback(offline_client: httpx.AsyncClient, body: dict[str, Any], field: str) -> None:
    response = await offline_client.post("/v1/feedback", json=body)
    assert field in [d["field"] for d in details(response)]


async def test_corrected_requires_sql(offline_client: httpx.AsyncClient) -> None:
    request_id = await answered(offline_client)
    response = await offline_client.post("/v1/feedback", json={"request_id": request_id, "outcome": "corrected"})
    assert [d["field"] for d in details(response)] == ["corrected_sql"]


async def test_feedback_on_a_summary_is_refused(offline_client: httpx.AsyncClient) -> None:
    summary = await offline_client.post("/v1/summary", json={"now": "2023-11-23 20:25:39", "plans": []})
    response = await offline_client.post(
        "/v1/feedback", json={"request_id": summary.json()["request_id"], "outcome": "executed"}
    )
    assert [d["field"] for d in details(response)] == ["request_id"]


async def test_feedback_belongs_to_the_key() -> None:
    settings = offline(auth_disabled=False)
    engine = build_engine(settings)
    try:
        alice = await create_api_key(engine=engine, name="alice")
        bob = await create_api_key(engine=engine, name="bob")
    finally:
        await engine.dispose()
    async for client in open_client(settings):
        request_id = await answered(client, authorization=f"Bearer {alice.secret}")
        feedback = {"request_id": request_id, "outcome": "executed"}
        assert (await client.post("/v1/feedback", json=feedback)).status_code == 401
        other = await client.post("/v1/feedback", json=feedback, headers={"authorization": f"Bearer {bob.secret}"})
        # Answered as for an id whose row was lost (tests/test_feedback_orphan.py): nothing revealed.
        assert other.status_code == 200 and other.json()["orphaned"] is True
        [row] = await fetch_rows("feedback", settings=settings, id=other.json()["feedback_id"])
        assert (row["key_id"], row["orphaned"]) == (bob.info.id, True)
        mine = await client.post("/v1/feedback", json=feedback, headers={"authorization": f"Bearer {alice.secret}"})
        assert mine.status_code == 200 and mine.json()["orphaned"] is False
        [row] = await fetch_rows("feedback", settings=settings, id=mine.json()["feedback_id"])
        assert row["key_id"] == alice.info.id
