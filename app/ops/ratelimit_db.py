"""The database-backed rate limiter: one count per key and minute, shared by every worker and host.

The count lives in `rate_limit_windows` and only ever moves by an atomic upsert
(INSERT … ON CONFLICT DO UPDATE SET count = count + n RETURNING count), so any number of
workers on any number of hosts add to the same number.

With `sync_s` = 0 every request does that upsert before it is let through: exact, at the cost
of a database round trip (about 1 ms of CPU) on every request. With `sync_s` > 0 (the default
0.2 s) only a key's first request in a window, in each worker, waits for the database (requests
arriving meanwhile wait for that same read instead of each doing their own); after
that the worker decides from the total the database last returned plus what it has admitted
since, and a background task adds those admissions to the shared count every `sync_s`, reading
the new total back. A key can then exceed its limit by at most what the other workers admitted
within one sync interval; once the totals meet the limit every worker refuses it.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import RateLimitWindow
from app.ops.ratelimit import WINDOW_S, Decision, Windows

logger = logging.getLogger("calendy.ratelimit")


@dataclass
class _Count:
    """This worker's view of one key's current window."""

    window: int
    known: int = 0  # the shared total, as the database last returned it
    pending: int = 0  # admitted here since, not yet added to the shared total


class DatabaseRateLimiter:
    """Counts in the database; see the module docstring for the exact and the batched modes."""

    def __init__(self, engine: AsyncEngine, *, sync_s: float = 0.2, clock: Callable[[], float] = time.time):
        self._engine = engine
        self._sync_s = sync_s
        self._windows = Windows(clock)
        self._counts: dict[str, _Count] = {}
        # A key's window whose total is being read (batched mode), and when that read is done.
        self._reading: dict[str, tuple[int, asyncio.Future[None]]] = {}
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        statement = insert(RateLimitWindow).values(
            key_id=bindparam("key_id"), window_start=bindparam("window_start"), count=bindparam("delta")
        )
        # Built once: SQLAlchemy reuses the compiled form and a request only binds values.
        self._upsert = statement.on_conflict_do_update(
            index_elements=[RateLimitWindow.key_id, RateLimitWindow.window_start],
            set_={"count": RateLimitWindow.count + statement.excluded.count},
        ).returning(RateLimitWindow.count)
        self._task: asyncio.Task[None] | None = None
        self._prune_task: asyncio.Task[None] | None = None
        self._pruned_window = 0

    def start(self) -> None:
        """Start the background sync (batched mode only)."""
        if self._sync_s > 0:
            self._task = asyncio.create_task(self._run(), name="calendy-rate-limit-sync")

    async def hit(self, *, key_id: str, limit: int) -> Decision:
        """Count one request of `key_id`; fails open if the database is down."""
        now, window = self._windows.current()
        if (blocked := self._windows.still_blocked(key_id=key_id, limit=limit, now=now, window=window)) is not None:
            return blocked
        if self._sync_s > 0 and (entry := await self._window_entry(key_id, window)) is not None:
            count = entry.known + entry.pending + 1
            decision = self._windows.decide(key_id=key_id, limit=limit, count=count, now=now, window=window)
            if decision.allowed:
                entry.pending += 1
            return decision
        # Exact mode, or this key's first request in this window here: ask the database now.
        done: asyncio.Future[None] | None = None
        if self._sync_s > 0:
            done = asyncio.get_running_loop().create_future()
            self._reading[key_id] = (window, done)
        try:
            [count] = await self._add([(key_id, window, 1)])
        except (DBAPIError, OSError):
            # Availability over strictness: a database hiccup must not turn every request away.
            logger.exception("rate limiter: database unavailable, letting the request through")
            return Decision(allowed=True, limit=limit, count=0, retry_after_s=0)
        else:
            current = self._counts.get(key_id)
            if current is not None and current.window == window:
                # Admissions counted here meanwhile (pending) stay; the total only grows.
                current.known = max(current.known, count)
            elif current is None or current.window < window:
                self._counts[key_id] = _Count(window=window, known=count)
        finally:
            # Waiters resume with the count in place; after a failure one of them reads next.
            if done is not None:
                done.set_result(None)
                if self._reading.get(key_id) == (window, done):
                    del self._reading[key_id]
        self._maybe_prune(window)
        return self._windows.decide(key_id=key_id, limit=limit, count=count, now=now, window=window)

    async def _window_entry(self, key_id: str, window: int) -> _Count | None:
        """This worker's count of the key's window, waiting while another request reads it; None: read it."""
        while True:
            entry = self._counts.get(key_id)
            if entry is not None and entry.window == window:
                return entry
            reading = self._reading.get(key_id)
            if reading is None or reading[0] != window:
                return None
            # Another request is reading this window's total: wait for it rather than join a
            # burst of upserts on one row (at each minute's turn, every request in flight did).
            await asyncio.shield(reading[1])

    async def sync(self) -> None:
        """Add what this worker admitted to the shared counts and read the totals back."""
        due = [(key_id, entry) for key_id, entry in self._counts.items() if entry.pending]
        if not due:
            return
        sent = [(key_id, entry.window, entry.pending) for key_id, entry in due]
        for _, entry in due:
            entry.pending = 0
        try:
            totals = await self._add(sent)
        except (DBAPIError, OSError):
            logger.warning("rate limiter: could not sync counts, will retry", exc_info=True)
            for (_, entry), (_, _, pending) in zip(due, sent, strict=True):
                entry.pending += pending
            return
        for (_, entry), total in zip(due, totals, strict=True):
            entry.known = max(entry.known, total)
        _, window = self._windows.current()
        self._counts = {key_id: entry for key_id, entry in self._counts.items() if entry.window == window}

    async def aclose(self) -> None:
        """Stop the background sync after a last one."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._prune_task is not None:
            await self._prune_task
        await self.sync()

    async def _add(self, rows: list[tuple[str, int, int]]) -> list[int]:
        async with self._engine.begin() as connection:
            totals = []
            for key_id, window, delta in rows:
                result = await connection.execute(
                    self._upsert, {"key_id": key_id, "window_start": window, "delta": delta}
                )
                totals.append(int(result.scalar_one()))
            return totals

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._sync_s)
            try:
                await self.sync()
            except Exception:
                logger.exception("rate limiter sync failed")

    def _maybe_prune(self, window: int) -> None:
        # Once per window and process: windows before the previous one are never read again.
        if window == self._pruned_window or (self._prune_task is not None and not self._prune_task.done()):
            return
        self._pruned_window = window
        self._prune_task = asyncio.create_task(self._prune(before=window - WINDOW_S))

    async def _prune(self, *, before: int) -> None:
        try:
            async with self._engine.begin() as connection:
                await connection.execute(delete(RateLimitWindow).where(RateLimitWindow.window_start < before))
        except (DBAPIError, OSError):
            logger.warning("rate limiter: could not prune old windows", exc_info=True)
