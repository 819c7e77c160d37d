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
