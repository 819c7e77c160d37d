"""A model chosen at run time (e.g. the help model), re-read from its source in the background."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

logger = logging.getLogger("calendy.llm")


@dataclass
class ModelFollower:
    """The last model read from `source`; re-read at most every `refresh_s` seconds, on demand."""

    source: Callable[[], Awaitable[str | None]]
    refresh_s: float
    current: str | None = None
    _next_refresh: float = field(default=0.0, init=False)
    _reading: "asyncio.Task[None] | None" = field(default=None, init=False)

    async def refresh(self) -> str | None:
        """The model to use now; only the first read is waited for, later ones run in the background."""
        if time.monotonic() >= self._next_refresh:
            first = self._next_refresh == 0.0
            self._next_refresh = time.monotonic() + self.refresh_s
            if self._reading is None or self._reading.done():
                self._reading = asyncio.create_task(self._read())
            if first:
                await asyncio.shield(self._reading)
        return self.current

    async def _read(self) -> None:
        try:
            self.current = await self.source()
        except Exception:  # keep the model read last
            logger.exception("could not re-read the followed model")

    async def aclose(self) -> None:
        """Stop a read still running."""
        if self._reading is not None and not self._reading.done():
            self._reading.cancel()
            await asyncio.gather(self._reading, return_exceptions=True)
