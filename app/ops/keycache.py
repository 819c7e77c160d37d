"""API-key authentication with a short in-process cache, so a request rarely touches the database.

A positive answer is cached for `ttl_s` (CALENDY_KEY_CACHE_S, 30 s by default): a revoked key
keeps working on a worker that cached it for at most that long. Unknown keys are cached for at
most 5 s, so a newly created key is usable almost at once and a flood of bad keys does not
become a flood of queries. Entries are keyed by the key's hash; the key itself is not kept.
"""

import time
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.keys import PREFIX, KeyInfo, find_api_key, hash_key

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

    async def authenticate(self, token: str) -> KeyInfo | None:
        """The active key presented as `token`, or None."""
        if not token.startswith(PREFIX) or len(token) > 200:
            return None
        digest = hash_key(token)
        now = self._clock()
        cached = self._entries.get(digest)
        if cached is not None and cached[0] > now:
            self._entries.move_to_end(digest)
            return cached[1]
        info = await find_api_key(engine=self._engine, key_hash=digest)
        ttl = self._ttl if info is not None else self._negative_ttl
        if ttl > 0:
            self._entries[digest] = (now + ttl, info)
            self._entries.move_to_end(digest)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return info

    def clear(self) -> None:
        """Forget every cached answer."""
        self._entries.clear()
