"""The active model is re-read in the background: no request waits on the database for it after the first."""

import asyncio
import time
from typing import Any, cast

import pytest

from app.llm.client import LlmRuntime
from tests.conftest import make_settings

pytestmark = pytest.mark.anyio


async def test_only_the_first_read_is_waited_for() -> None:
    answers = iter(["ft:first", "ft:second"])
    reads = 0

    async def slow_source() -> str | None:
        nonlocal reads
        reads += 1
        await asyncio.sleep(0.3)
        return next(answers)

    runtime = LlmRuntime(
        client=cast(Any, None), settings=make_settings(active_model_refresh_s=0), model_source=slow_source
    )
    await runtime.refresh_model()
    assert runtime.model == "ft:first"
    started = time.perf_counter()
    await runtime.refresh_model()  # due again: starts a background read and returns at once
    await runtime.refresh_model()  # one read at a time
    assert time.perf_counter() - started < 0.1
    assert runtime.model == "ft:first"
    await asyncio.sleep(0.5)
    assert runtime.model == "ft:second" and reads == 2


async def test_a_failing_reread_keeps_the_model_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    calls = 0

    async def flaky_source() -> str | None:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise RuntimeError("database gone")
        return "ft:first"

    runtime = LlmRuntime(
        client=cast(Any, None), settings=make_settings(active_model_refresh_s=0), model_source=flaky_source
    )
    await runtime.refresh_model()
    await runtime.refresh_model()
    await asyncio.sleep(0.05)
    assert runtime.model == "ft:first"
    assert "could not re-read the active model" in caplog.text
    await runtime.aclose()


async def test_aclose_stops_a_reread_in_flight() -> None:
    async def slow_source() -> str | None:
        await asyncio.sleep(10)
        return "never"

    runtime = LlmRuntime(
        client=cast(Any, None), settings=make_settings(active_model_refresh_s=0), model_source=slow_source
    )
    runtime._next_refresh = 1.0  # the first read is done: the next one runs in the background
    await runtime.refresh_model()
    await asyncio.sleep(0.01)
    await asyncio.wait_for(runtime.aclose(), timeout=1)
    assert runtime._refreshing is not None and runtime._refreshing.cancelled()
