"""The request log kept bounded: old rows deleted in the background, floods of 401s only sampled."""

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import LlmCallLog, RequestLog

logger = logging.getLogger("calendy.retention")
# Small enough that one transaction holds SQLite's write lock for milliseconds, not seconds.
PRUNE_BATCH = 2000
_AGE = re.compile(r"\s*(\d+)\s*([dhm])\s*\Z")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


@dataclass(frozen=True)
class Pruned:
    """How many rows one prune deleted."""

    requests: int = 0
    calls: int = 0


def parse_age(text: str) -> timedelta:
    """'30d', '12h' or '90m' as a timedelta (ValueError otherwise)."""
    match = _AGE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not an age such as 30d, 12h or 90m")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


async def prune_request_log(*, engine: AsyncEngine, before: datetime, batch: int = PRUNE_BATCH) -> Pruned:
    """Delete the request rows created before `before`, with their LLM-call rows (feedback stays)."""
    requests = calls = 0
    while True:
        # By ids from the created_at index, batch by batch: portable (no DELETE ... LIMIT) and short.
        async with engine.begin() as connection:
            ids = list(
                (
                    await connection.execute(
                        select(RequestLog.request_id).where(RequestLog.created_at < before).limit(batch)
                    )
                ).scalars()
            )
            if not ids:
                break
            calls += (await connection.execute(delete(LlmCallLog).where(LlmCallLog.request_id.in_(ids)))).rowcount
            requests += (await connection.execute(delete(RequestLog).where(RequestLog.request_id.in_(ids)))).rowcount
        if len(ids) < batch:
            break
    return Pruned(requests=requests, calls=calls)


class RetentionTask:
    """Prunes the request log to `retention_days` now and every `interval_s` (0 days: never)."""

    def __init__(self, engine: AsyncEngine, *, retention_days: int, interval_s: float):
        self._engine = engine
        self._days = retention_days
        self._interval = interval_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the background task (in the running event loop) when retention is on."""
        if self._days > 0:
            self._task = asyncio.create_task(self._run(), name="calendy-log-retention")

    async def prune_once(self) -> Pruned:
        """One prune to the retention window."""
        pruned = await prune_request_log(engine=self._engine, before=datetime.now(UTC) - timedelta(days=self._days))
        if pruned.requests:
            logger.info(
                "request log pruned",
                extra={"requests": pruned.requests, "calls": pruned.calls, "retention_days": self._days},
            )
        return pruned

    async def _run(self) -> None:
        while True:
            try:
                await self.prune_once()
            except (DBAPIError, OSError):
                # Several workers prune the same rows; a lock timeout or a lost database only delays it.
                logger.warning("request log retention failed; retrying later", exc_info=True)
            await asyncio.sleep(self._interval)

    async def aclose(self) -> None:
        """Stop the task (a prune in progress is rolled back)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class RowSampler:
    """Admits at most `per_second` rows a second (0: none); says how many were skipped before each."""

    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic):
        self._gap = 1.0 / per_second if per_second > 0 else None
        self._clock = clock
        self._next = 0.0
        self._skipped = 0

    def admit(self) -> int | None:
        """None to skip this row; else the number of rows skipped since the last one admitted."""
        now = self._clock()
        if self._gap is None or now < self._next:
            self._skipped += 1
            return None
        self._next = now + self._gap
        skipped, self._skipped = self._skipped, 0
        return skipped
