"""Per-key rate limits: fixed one-minute windows; the shared parts and the per-process limiter.

`MemoryRateLimiter` costs nothing but counts per worker process: with N workers a key gets up
to N times its limit. The default, `app.ops.ratelimit_db.DatabaseRateLimiter`, shares one count
per key and minute through the database. Either way, once a key is over its limit this process
refuses it until the window ends without counting further. Fixed windows allow a burst of up to
twice the limit across a window boundary; that is the price of one row per key and minute.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

WINDOW_S = 60


@dataclass(frozen=True)
class Decision:
    """Whether a request may go on and, if not, how long until the window resets."""

    allowed: bool
    limit: int
    count: int
    retry_after_s: int


class RateLimiter(Protocol):
    """Counts a key's requests in the current window."""

    async def hit(self, *, key_id: str, limit: int) -> Decision:
        """Count one request of `key_id` against `limit` per minute."""
        ...

    def start(self) -> None:
        """Start background work, if any (in the running event loop)."""
        ...

    async def aclose(self) -> None:
        """Finish background work, if any."""
        ...


class Windows:
    """Window arithmetic and the per-process memo of keys already over their limit."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self.blocked: dict[str, int] = {}

    def current(self) -> tuple[float, int]:
        """Now, and the start of the window it falls in."""
        now = self.clock()
        return now, int(now // WINDOW_S) * WINDOW_S

    def decide(self, *, key_id: str, limit: int, count: int, now: float, window: int) -> Decision:
        """Allow up to `limit`; past it, remember the key as blocked for the rest of the window."""
        retry_after = max(1, math.ceil(window + WINDOW_S - now))
        if count > limit:
            self.blocked[key_id] = window
            return Decision(allowed=False, limit=limit, count=count, retry_after_s=retry_after)
        return Decision(allowed=True, limit=limit, count=count, retry_after_s=retry_after)

    def still_blocked(self, *, key_id: str, limit: int, now: float, window: int) -> Decision | None:
        """The refusal for a key already over its limit in this window, else None."""
        if self.blocked.get(key_id) == window:
            return Decision(
                allowed=False, limit=limit, count=limit + 1, retry_after_s=max(1, math.ceil(window + WINDOW_S - now))
            )
        self.blocked.pop(key_id, None)
        return None


class MemoryRateLimiter:
    """Counts in this process only (per worker)."""

    def __init__(self, *, clock: Callable[[], float] = time.time):
        self._windows = Windows(clock)
        self._counts: dict[tuple[str, int], int] = {}

    async def hit(self, *, key_id: str, limit: int) -> Decision:
        """Count one request of `key_id` in this process."""
        now, window = self._windows.current()
        if (blocked := self._windows.still_blocked(key_id=key_id, limit=limit, now=now, window=window)) is not None:
            return blocked
        if len(self._counts) > 10_000:
            self._counts = {k: v for k, v in self._counts.items() if k[1] == window}
        count = self._counts[key_id, window] = self._counts.get((key_id, window), 0) + 1
        return self._windows.decide(key_id=key_id, limit=limit, count=count, now=now, window=window)

    def start(self) -> None:
        """Nothing runs in the background."""

    async def aclose(self) -> None:
        """Nothing to finish."""
