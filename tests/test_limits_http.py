"""Rate limits and request limits over HTTP, answered with the error body of api.md."""

import asyncio
import types
import uuid
from contextlib import AsyncExitStack
from typing import Any, cast

import httpx
import pytest
from sqlalchemy.exc import DBAPIError

from app.db.connection import build_engine
from app.db.keys import NewKey, create_api_key
from app.ops.ratelimit import MemoryRateLimiter
from app.ops.ratelimit_db import DatabaseRateLimiter
from app.settings import Settings
from tests.conftest import fetch_rows, make_settings, open_client, sql_request

pytestmark = pytest.mark.anyio
LOCAL = sql_request("내일 8시 알골 과제 추가", engine="local")


def limited_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"auth_disabled": False, "llm_api_key": None, "llm_base_url": None}
    values.update(overrides)
    return make_settings(**values)


async def new_key(settings: Settings, **kwargs: Any) -> NewKey:
    engine = build_engine(settings)
    try:
        return await create_api_key(engine=engine, name="limits", **kwargs)
    finally:
        await engine.dispose()


def bearer(key: NewKey) -> dict[str, str]:
    return {"authorization": f"Bearer {key.secret}"}


async def test_rate_limit_answers_429_with_retry_after() -> None:
    settings = limited_settings(rate_limit_per_minute=3)
    key = await new_key(settings)
    async for client in open_client(settings):
        statuses = [(await client.post("/v1/sql", json=LOCAL, headers=bearer(key))).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        refused = await client.post("/v1/sql", json=LOCAL, headers=bearer(key))
        assert refused.status_code == 429
        error = refused.json()["error"]
        assert error["code"] == "rate_limited" and error["details"]["limit_per_minute"] == 3
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        # Another key has its own budget.
        other = await new_key(settings)
        assert (await client.post("/v1/sql", json=LOCAL, headers=bearer(other))).status_code == 200
        metrics = (await client.get("/metrics")).text
        assert "calendy_rate_limited_total 1.0" in metrics
    [row] = await fetch_rows("request_log", settings=settings, request_id=refused.headers["x-request-id"])
    assert (row["http_status"], row["error_code"], row["key_id"]) == (429, "rate_limited", key.info.id)


async def test_per_key_override_and_unlimited() -> None:
    settings = limited_settings(rate_limit_per_minute=1)
    generous = await new_key(settings, rate_limit_per_minute=0)
    strict = await new_key(settings, rate_limit_per_minute=2)
    async for client in open_client(settings):
        for _ in range(4):
            assert (await client.post("/v1/sql", json=LOCAL, headers=bearer(generous))).status_code == 200
        codes = [(await client.post("/v1/sql", json=LOCAL, headers=bearer(strict))).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


async def test_database_limit_is_shared_by_workers() -> None:
    """Two apps on one database stand for two workers (or hosts): exact mode shares one count."""
    settings = limited_settings(rate_limit_per_minute=4, rate_limit_sync_s=0)
    key = await new_key(settings)
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(_client(settings))
        second = await stack.enter_async_context(_client(settings))
        codes = [
            (await client.post("/v1/sql", json=LOCAL, headers=bearer(key))).status_code
            for client in (first, second, first, second, first, second)
        ]
    assert codes == [200, 200, 200, 200, 429, 429]


async def test_batched_database_limit_converges_across_workers() -> None:
    """Batched mode: a worker decides locally between syncs; after a sync every worker sees the total."""
    settings = limited_settings()
    engine = build_engine(settings)
    key_id = f"k{uuid.uuid4().hex[:8]}"
    first, second = DatabaseRateLimiter(engine, sync_s=60), DatabaseRateLimiter(engine, sync_s=60)
    try:
        # Each worker's first request of the window reads the shared count (1, then 2).
        assert [(await w.hit(key_id=key_id, limit=4)).count for w in (first, second)] == [1, 2]
        # Between syncs each decides alone: both admit one more (shared count now 4).
        assert [(await w.hit(key_id=key_id, limit=4)).allowed for w in (first, second)] == [True, True]
        await first.sync()
        await second.sync()
        # `first` synced before `second` added its request: it may admit one more (the
        # documented overshoot, bounded by what others admitted in one interval), then no more.
        overshoot = await first.hit(key_id=key_id, limit=4)
        await first.sync()
        assert not (await first.hit(key_id=key_id, limit=4)).allowed
        assert not (await second.hit(key_id=key_id, limit=4)).allowed
        assert overshoot.allowed
        [row] = await fetch_rows("rate_limit_windows", settings=settings, key_id=key_id)
        assert row["count"] == 5
    finally:
        await first.aclose()
        await second.aclose()
        await engine.dispose()


async def test_memory_limit_is_per_worker() -> None:
    """The documented caveat of CALENDY_RATE_LIMIT_BACKEND=memory: each worker counts alone."""
    settings = limited_settings(rate_limit_per_minute=2, rate_limit_backend="memory")
    key = await new_key(settings)
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(_client(settings))
        second = await stack.enter_async_context(_client(settings))
        codes = [
            (await client.post("/v1/sql", json=LOCAL, headers=bearer(key))).status_code
            for client in (first, second, first, second, first)
        ]
    assert codes == [200, 200, 200, 200, 429]


async def test_memory_limiter_windows() -> None:
    now = [120.0]
    limiter = MemoryRateLimiter(clock=lambda: now[0])
    assert [(await limiter.hit(key_id="k", limit=2)).allowed for _ in range(3)] == [True, True, False]
    denied = await limiter.hit(key_id="k", limit=2)
    assert not denied.allowed and denied.retry_after_s == 60
    now[0] = 179.5
    assert (await limiter.hit(key_id="k", limit=2)).retry_after_s == 1
    now[0] = 180.0
    assert (await limiter.hit(key_id="k", limit=2)).allowed


def _client(settings: Settings) -> Any:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def run() -> Any:
        async for client in open_client(settings):
            yield client

    return run()


def field_of(response: httpx.Response) -> list[str]:
    error = response.json()["error"]
    assert error["code"] == "invalid_request", error
    return [detail["field"] for detail in error["details"]]


async def test_configured_request_limits() -> None:
    settings = make_settings(
        llm_api_key=None, llm_base_url=None, max_prompt_chars=20, max_records=5, max_title_chars=10
    )
    async for client in open_client(settings):
        long_prompt = await client.post("/v1/sql", json=sql_request("가" * 21, engine="local"))
        assert long_prompt.status_code == 422 and field_of(long_prompt) == ["prompt"]
        ok = await client.post("/v1/sql", json=sql_request("  " + "가" * 20 + "  ", engine="local"))
        assert ok.status_code == 200
        many = sql_request("x", categories=[{"id": i, "title": "c"} for i in range(3)], schedules=[])
        many["todos"] = [{"id": i, "title": "t"} for i in range(3)]
        too_many = await client.post("/v1/sql", json=many)
        assert too_many.status_code == 422 and field_of(too_many) == ["todos"]
        long_title = await client.post(
            "/v1/sql", json=sql_request("x", todos=[{"id": 1, "title": "긴" * 11}], schedules=[])
        )
        assert long_title.status_code == 422 and field_of(long_title) == ["todos.0.title"]
        history = await client.post("/v1/sql", json=sql_request("x", history=[{"prompt": "p" * 21, "statements": []}]))
        assert field_of(history) == ["history.0.prompt"]
        plans = [{"kind": "todo", "id": i, "title": "t"} for i in range(6)]
        summary = await client.post("/v1/summary", json={"now": "2023-11-23 20:25:39", "plans": plans})
        assert summary.status_code == 422 and field_of(summary) == ["plans"]
        titled = [{"kind": "todo", "id": 1, "title": "t" * 11}]
        summary_title = await client.post("/v1/summary", json={"now": "2023-11-23 20:25:39", "plans": titled})
        assert field_of(summary_title) == ["plans.0.title"]
    [row] = await fetch_rows("request_log", settings=settings, request_id=too_many.headers["x-request-id"])
    assert (row["http_status"], row["error_code"]) == (422, "invalid_request")


async def test_contract_maxima_cannot_be_raised() -> None:
    with pytest.raises(ValueError, match="max_prompt_chars"):
        make_settings(max_prompt_chars=5000)


async def test_body_limit_is_configurable() -> None:
    async for client in open_client(make_settings(max_body_bytes=4096)):
        response = await client.post("/v1/sql", json=sql_request("x", memo="y" * 5000))
        assert response.status_code == 413
        assert response.json()["error"] == {
            "code": "payload_too_large",
            "message": "the body is over 4096 bytes",
            "details": {"limit": 4096},
        }


async def test_a_burst_at_the_start_of_a_window_reads_the_database_once() -> None:
    """Requests in flight when a minute turns wait for one read of the total, not one upsert each."""
    settings = limited_settings()
    engine = build_engine(settings)
    key_id = f"k{uuid.uuid4().hex[:8]}"
    limiter = DatabaseRateLimiter(engine, sync_s=60)
    reads = 0
    add = limiter._add

    async def counting_add(rows: list[tuple[str, int, int]]) -> list[int]:
        nonlocal reads
        reads += 1
        return await add(rows)

    limiter._add = counting_add  # type: ignore[method-assign]
    try:
        decisions = await asyncio.gather(*(limiter.hit(key_id=key_id, limit=30) for _ in range(50)))
        assert reads == 1
        assert sum(decision.allowed for decision in decisions) == 30
        await limiter.sync()
        [row] = await fetch_rows("rate_limit_windows", settings=settings, key_id=key_id)
        assert row["count"] == 30  # every admission counted once
    finally:
        await limiter.aclose()
        await engine.dispose()


@pytest.mark.parametrize("first_read", ["fails", "is_cancelled"])
async def test_waiters_of_a_failed_first_read_read_once_more_and_lose_no_admission(first_read: str) -> None:
    """After the first read of a window fails or is cancelled, one waiter reads next; counts add up."""

    limiter = DatabaseRateLimiter(
        cast(Any, types.SimpleNamespace(dialect=types.SimpleNamespace(name="sqlite"))), sync_s=60
    )
    shared = {"count": 0, "reads": 0}
    gates: list[asyncio.Event] = []

    async def fake_add(rows: list[tuple[str, int, int]]) -> list[int]:
        shared["reads"] += 1
        if shared["reads"] <= 2:  # the two window reads wait for the test; sync() does not
            gate = asyncio.Event()
            gates.append(gate)
            await gate.wait()
        if shared["reads"] == 1 and first_read == "fails":
            raise DBAPIError("upsert", {}, Exception("database down"))
        for _, _, delta in rows:
            shared["count"] += delta
        return [shared["count"]] * len(rows)

    limiter._add = fake_add  # type: ignore[method-assign]
    limiter._maybe_prune = lambda window: None  # type: ignore[method-assign]
    first = asyncio.create_task(limiter.hit(key_id="k", limit=1000))
    await asyncio.sleep(0)
    waiters = [asyncio.create_task(limiter.hit(key_id="k", limit=1000)) for _ in range(5)]
    await asyncio.sleep(0)
    if first_read == "fails":
        gates[0].set()
    else:
        first.cancel()
    await asyncio.sleep(0.01)
    assert shared["reads"] == 2  # one waiter reads; the others wait for it
    gates[1].set()
    results = await asyncio.gather(first, *waiters, return_exceptions=True)
    decisions = [result for result in results if not isinstance(result, BaseException)]
    await limiter.sync()
    counted = sum(decision.allowed for decision in decisions) - (1 if first_read == "fails" else 0)  # fail-open
    assert counted == shared["count"] == 5
