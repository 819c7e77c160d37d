"""API-key authentication with a short in-process cache, so a request rarely touches the database.

A positive answer is cached for `ttl_s` (CALENDY_KEY_CACHE_S, 30 s by default). When it expires
the key is looked up again in the background, once, while requests go on with the answer they
had (for one more TTL at most, and never past a failed lookup): a revoked key keeps working on a
worker that cached it for at most `ttl_s` plus one lookup.
Unknown keys are cached for at most 5 s, so a newly created key is usable almost at once and a
flood of bad keys does not become a flood of queries; concurrent requests with a key not yet
cached share one lookup. Entries are keyed by the key's hash; the key itself is not kept.
"""

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.keys import PREFIX, KeyInfo, find_api_key, hash_key

logger = logging.getLogger("calendy.keys")
NEGATIVE_TTL_S = 5.0
MAX_ENTRIES = 10_000


class KeyCache:
    """Looks keys up by hash, remembering answers for a while (LRU-bounded)."""

    def __init__(self, engine: AsyncEngine, *, ttl_s: float, clock: Callable[[], float] = time.monotonic):
        self._engine = engine
        self._ttl = ttl_s
        self._negative_ttl = min(ttl_s, NEGATIVE_TTL_S)
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, KeyInfo | None]] = OrderedDict()
        # Lookups in flight, by hash: every request for that key waits on the same one.
        self._lookups: dict[str, asyncio.Task[KeyInfo | None]] = {}

    async def authenticate(self, token: str) -> KeyInfo | None:
        """The active key presented as `token`, or None."""
        if not token.startswith(PREFIX) or len(token) > 200:
            return None
        digest = hash_key(token)
        cached = self._entries.get(digest)
        if cached is not None and cached[0] > self._clock():
            self._entries.move_to_end(digest)
            return cached[1]
        lookup = self._lookups.get(digest)
        if lookup is None:
            lookup = asyncio.create_task(self._look_up(digest))
            self._lookups[digest] = lookup
            lookup.add_done_callback(lambda _: self._lookups.pop(digest, None))
            lookup.add_done_callback(_log_failure)
        if cached is not None and cached[1] is not None and self._clock() < cached[0] + self._ttl:
            # Expired (less than a TTL ago) but known good: answer now, the lookup refreshes it.
            return cached[1]
        return await asyncio.shield(lookup)

    async def _look_up(self, digest: str) -> KeyInfo | None:
        try:
            info = await find_api_key(engine=self._engine, key_hash=digest)
        except BaseException:
            # No answer stands beyond a failed re-read: the next request asks again (and gets a
            # 503 while the database is down), as if the key had never been cached.
            self._entries.pop(digest, None)
            raise
        ttl = self._ttl if info is not None else self._negative_ttl
        if ttl > 0:
            self._entries[digest] = (self._clock() + ttl, info)
            self._entries.move_to_end(digest)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        elif digest in self._entries:
            del self._entries[digest]
        return info

    async def aclose(self) -> None:
        """Stop the lookups still running (at shutdown, before the engine goes)."""
        lookups = list(self._lookups.values())
        for lookup in lookups:
            lookup.cancel()
        await asyncio.gather(*lookups, return_exceptions=True)

    def clear(self) -> None:
        """Forget every cached answer."""
        self._entries.clear()


def _log_failure(lookup: "asyncio.Task[KeyInfo | None]") -> None:
    if not lookup.cancelled() and (error := lookup.exception()) is not None:
        logger.warning("API key lookup failed: %s", error.__class__.__name__)
