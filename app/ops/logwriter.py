"""The request-log writer: rows are queued without waiting and written in batches by one task.

Requests only append to an in-memory buffer (no await, so a cancelled handler still gets its
row in); a background task writes what has gathered every `flush_interval_s`, or sooner when a
batch fills, in one transaction. Shutdown drains the buffer. If the database is unreachable the
rows wait for the next round; past `queue_max` the oldest are dropped and counted.
"""

import asyncio
import contextlib
import logging
from collections import deque
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import LlmCallLog, RequestLog
from app.ops.metrics import Metrics

logger = logging.getLogger("calendy.requestlog")

Entry = tuple[dict[str, Any], list[dict[str, Any]]]


class LogWriter:
    """Batches request rows (with their LLM-call rows) into the database off the request path."""

    def __init__(
        self, engine: AsyncEngine, *, metrics: Metrics, batch_size: int, flush_interval_s: float, queue_max: int
    ):
        self._engine = engine
        self._metrics = metrics
        self._batch_size = batch_size
        self._interval = flush_interval_s
        self._queue: deque[Entry] = deque()
        self._queue_max = queue_max
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def start(self) -> None:
        """Start the background task (in the running event loop)."""
        self._task = asyncio.create_task(self._run(), name="calendy-log-writer")

    def submit(self, request_row: dict[str, Any], call_rows: list[dict[str, Any]]) -> None:
        """Queue one request's rows; never blocks, never raises."""
        if len(self._queue) >= self._queue_max:
            self._queue.popleft()
            self._done(1, result="dropped")
            logger.error("request log queue full: dropped the oldest row")
        self._queue.append((request_row, call_rows))
        self._metrics.log_queue.inc()
        if len(self._queue) >= self._batch_size:
            self._wake.set()

    @property
    def pending(self) -> int:
        """Rows waiting to be written."""
        return len(self._queue)

    async def flush(self) -> None:
        """Write everything queued so far (used before reading a row back, and at shutdown)."""
        async with self._lock:
            while self._queue:
                batch = [self._queue.popleft() for _ in range(min(self._batch_size, len(self._queue)))]
                if not await self._write(batch):
                    # The database is unreachable: put the rows back, in order, for the next round.
                    self._queue.extendleft(reversed(batch))
                    return

    async def close(self) -> None:
        """Stop the task after writing what is queued."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
        await self.flush()
        if self._queue:
            logger.error("request log: %d rows could not be written before shutdown", len(self._queue))

    async def _run(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                # The writer must outlive any one bad batch; the error is in the logs.
                logger.exception("request log writer failed")

    async def _write(self, batch: list[Entry]) -> bool:
        """Insert a batch; False when the database could not be reached (retry later)."""
        try:
            await self._insert(batch)
        except (OperationalError, InterfaceError, OSError):
            logger.exception("request log: database unreachable, will retry")
            return False
        except DBAPIError:
            # One bad row must not hold back the rest: write them one by one, dropping the bad.
            for entry in batch:
                try:
                    await self._insert([entry])
                except (OperationalError, InterfaceError, OSError):
                    # Unreachable mid-way: the whole batch is retried; rows already written
                    # then fail as duplicates and are skipped.
                    return False
                except DBAPIError:
                    self._done(1, result="dropped")
                    logger.exception("request log row rejected by the database")
        return True

    async def _insert(self, batch: list[Entry]) -> None:
        requests = [request for request, _ in batch]
        calls = [call for _, rows in batch for call in rows]
        async with self._engine.begin() as connection:
            await connection.execute(insert(RequestLog), requests)
            if calls:
                await connection.execute(insert(LlmCallLog), calls)
        self._done(len(batch), result="written")

    def _done(self, count: int, *, result: str) -> None:
        self._metrics.log_rows.labels(result=result).inc(count)
        self._metrics.log_queue.dec(count)
