"""The request log stays bounded: retention in the background and by hand, capped rows, sampled 401s."""

import asyncio
import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import pytest
from sqlalchemy import insert, select
from typer.testing import CliRunner
from ulid import ULID

from app.cli import cli
from app.db.connection import build_engine
from app.db.models import Feedback, LlmCallLog, RequestLog
from app.ops.retention import RowSampler, parse_age
from app.settings import Settings
from tests.conftest import fetch_rows, make_settings, open_client, sql_request

pytestmark = pytest.mark.anyio


async def _insert_request(settings: Settings, *, age: timedelta, with_call: bool = False) -> str:
    """A request row (and an LLM-call row) created `age` ago; its request id."""
    request_id = str(ULID())
    created = datetime.now(UTC) - age
    engine = build_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(RequestLog),
                [{"request_id": request_id, "created_at": created, "method": "POST", "route": "/v1/sql",
                  "http_status": 200, "latency_ms": 1.0}],
            )  # fmt: skip
            if with_call:
                await connection.execute(
                    insert(LlmCallLog),
                    [{"request_id": request_id, "call_index": 0, "purpose": "sql", "model": "m",
                      "started_at": created, "latency_ms": 1.0, "status": "ok"}],
                )  # fmt: skip
                await connection.execute(
                    insert(Feedback),
                    [{"request_id": request_id, "created_at": created, "outcome": "executed"}],
                )
    finally:
        await engine.dispose()
    return request_id


async def _exists(settings: Settings, table: Any, request_id: str) -> bool:
    engine = build_engine(settings)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(select(table.request_id).where(table.request_id == request_id))
            return found.first() is not None
    finally:
        await engine.dispose()


async def test_the_service_prunes_rows_past_the_retention_in_the_background() -> None:
    settings = make_settings(log_retention_days=30, log_retention_interval_s=0.1)
    async for client in open_client(settings):
        # Inserted while the service runs: only the periodic task (not the one at start) can delete it.
        old = await _insert_request(settings, age=timedelta(days=31), with_call=True)
        recent = await _insert_request(settings, age=timedelta(days=29))
        for _ in range(100):  # up to 5 s
            if not await _exists(settings, RequestLog, old):
                break
            await anyio.sleep(0.05)
        assert (await client.get("/healthz")).status_code == 200
    assert not await _exists(settings, RequestLog, old)
    assert not await _exists(settings, LlmCallLog, old)
    # Feedback is training data: it outlives the request row.
    assert await _exists(settings, Feedback, old)
    assert await _exists(settings, RequestLog, recent)


async def test_retention_of_zero_days_keeps_everything() -> None:
    settings = make_settings(log_retention_days=0, log_retention_interval_s=0.05)
    old = await _insert_request(settings, age=timedelta(days=3650))
    async for _client in open_client(settings):
        await anyio.sleep(0.3)
    assert await _exists(settings, RequestLog, old)


def test_calendy_logs_prune(cli_env: Settings) -> None:
    old = asyncio.run(_insert_request(cli_env, age=timedelta(days=8), with_call=True))
    recent = asyncio.run(_insert_request(cli_env, age=timedelta(days=6)))
    runner = CliRunner()
    result = runner.invoke(cli, ["logs", "prune", "--older-than", "7d"])
    assert result.exit_code == 0, result.output
    assert "LLM calls older than" in result.stdout
    assert not asyncio.run(_exists(cli_env, RequestLog, old))
    assert not asyncio.run(_exists(cli_env, LlmCallLog, old))
    assert asyncio.run(_exists(cli_env, RequestLog, recent))
    bad = runner.invoke(cli, ["logs", "prune", "--older-than", "a month"])
    assert bad.exit_code == 2
    # The listing is still `calendy logs` without a subcommand.
    assert runner.invoke(cli, ["logs", "-n", "1"]).exit_code == 0


def test_parse_age() -> None:
    assert parse_age("30d") == timedelta(days=30)
    assert parse_age("12h") == timedelta(hours=12)
    assert parse_age(" 90m ") == timedelta(minutes=90)
    for bad in ("30", "d", "-1d", "1w", "1.5d"):
        with pytest.raises(ValueError):
            parse_age(bad)


def _big_request() -> dict[str, Any]:
    body = copy.deepcopy(sql_request("줄넘기 삭제", engine="local"))
    body["todos"] += [{"id": 100 + n, "title": f"할 일 {n}", "memo": "x" * 100} for n in range(50)]
    return body


async def test_a_large_body_is_logged_as_a_hash_and_counts() -> None:
    settings = make_settings(llm_api_key=None, llm_base_url=None, log_max_body_chars=1000)
    async for client in open_client(settings):
        big = await client.post("/v1/sql", json=_big_request())
        small = await client.post("/v1/sql", json={"prompt": "줄넘기 삭제", "now": "2023-11-23 20:25:39"})
        summary = await client.post(
            "/v1/summary",
            json={
                "now": "2023-11-23 20:25:39",
                "plans": [{"kind": "todo", "id": n, "title": "t" * 50} for n in range(40)],
            },
        )
    assert big.status_code == small.status_code == summary.status_code == 200
    [row] = await fetch_rows("request_log", settings=settings, request_id=big.headers["x-request-id"])
    body = row["request_body"]
    assert "todos" not in body and "categories" not in body
    assert body["prompt"] == "줄넘기 삭제" and body["now"] == "2023-11-23 20:25:39"
    omitted = body["records_omitted"]
    assert (omitted["todos"], omitted["categories"], omitted["schedules"]) == (52, 2, 1)
    assert len(omitted["sha256"]) == 64 and omitted["chars"] > 1000
    assert len(json.dumps(body)) < 1000
    assert row["statements"][0]["ids"] == [12]
    [row] = await fetch_rows("request_log", settings=settings, request_id=small.headers["x-request-id"])
    assert row["request_body"]["todos"] == []
    [row] = await fetch_rows("request_log", settings=settings, request_id=summary.headers["x-request-id"])
    assert row["request_body"]["records_omitted"]["plans"] == 40 and "plans" not in row["request_body"]


async def test_the_hash_is_of_the_whole_body() -> None:
    from app.ops.requestlog import RequestRecord
    from app.schemas import SqlRequest

    request = SqlRequest.model_validate(_big_request())
    record = RequestRecord(request_id="r", method="POST", path="/v1/sql", max_body_chars=1000)
    record.note_sql_request(request)
    stored = json.loads(str(record.request_body))
    whole = request.model_dump_json()
    assert stored["records_omitted"]["sha256"] == hashlib.sha256(whole.encode()).hexdigest()
    assert stored["records_omitted"]["chars"] == len(whole)


async def test_feedback_on_a_capped_row_is_checked_against_the_schema() -> None:
    settings = make_settings(llm_api_key=None, llm_base_url=None, log_max_body_chars=1000)
    async for client in open_client(settings):
        answer = await client.post("/v1/sql", json=_big_request())
        feedback = await client.post(
            "/v1/feedback",
            json={"request_id": answer.headers["x-request-id"], "outcome": "corrected",
                  "corrected_sql": "DELETE FROM TODO WHERE id = 99999"},
        )  # fmt: skip
    # With the records gone, id 99999 cannot be refused: the schema checks only, said so.
    assert feedback.status_code == 200, feedback.text
    assert feedback.json()["validation"] == "schema"


async def test_a_401_flood_is_counted_and_only_sampled_into_the_log() -> None:
    settings = make_settings(auth_disabled=False, llm_api_key=None, llm_base_url=None, log_unauthenticated_per_s=1.0)
    async for client in open_client(settings):
        ids = [(await client.post("/v1/sql", json={})).headers["x-request-id"] for _ in range(40)]
        metrics = (await client.get("/metrics")).text
        await anyio.sleep(1.05)
        later = await client.post("/v1/sql", json={}, headers={"authorization": "Bearer nope"})
    assert 'calendy_auth_failures_total{reason="missing"} 40.0' in metrics
    sampled = float(metrics.split('calendy_request_log_rows_total{result="sampled_out"} ')[1].split()[0])
    [later_row] = await fetch_rows("request_log", settings=settings, request_id=later.headers["x-request-id"])
    logged = [request_id for request_id in ids if await _exists(settings, RequestLog, request_id)]
    # One a second: the first of the burst (and one more if the burst straddled a second).
    assert 1 <= len(logged) <= 2 and ids[0] in logged
    assert sampled == 40 - len(logged)
    # The next row says how many were left out since the last one.
    skipped_since = 39 if len(logged) == 1 else None
    assert "more 401s not logged since the last row" in later_row["error_message"]
    if skipped_since is not None:
        assert f"and {skipped_since} more 401s" in later_row["error_message"]


def test_the_sampler_admits_one_row_per_interval() -> None:
    now = [0.0]
    sampler = RowSampler(2.0, clock=lambda: now[0])
    assert sampler.admit() == 0
    assert sampler.admit() is None and sampler.admit() is None
    now[0] = 0.5
    assert sampler.admit() == 2
    now[0] = 0.6
    assert sampler.admit() is None
    never = RowSampler(0)
    assert never.admit() is None
