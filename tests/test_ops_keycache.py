"""The key cache: one lookup per key at a time, and an expired good key answered while it is re-read."""

import asyncio
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from app.db.keys import KeyInfo
from app.ops import keycache
from app.ops.keycache import KeyCache

pytestmark = pytest.mark.anyio
TOKEN = "cal_" + "x" * 40
KEY = KeyInfo(id="k1", name="phone", created_at=datetime(2026, 1, 1, tzinfo=UTC), revoked_at=None,
              rate_limit_per_minute=None)  # fmt: skip


class FakeDatabase:
    """find_api_key with a delay, an answer that can change, and a call count."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answer: KeyInfo | None = KEY
        self.calls = 0
        self.delay_s = 0.05
        self.fail = False
        monkeypatch.setattr(keycache, "find_api_key", self.find)

    async def find(self, *, engine: object, key_hash: str) -> KeyInfo | None:
        self.calls += 1
        await asyncio.sleep(self.delay_s)
        if self.fail:
            raise OSError("database unreachable")
        return self.answer


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch) -> FakeDatabase:
    return FakeDatabase(monkeypatch)


def cache(clock: list[float]) -> KeyCache:
    return KeyCache(cast(Any, None), ttl_s=30, clock=lambda: clock[0])


async def test_concurrent_requests_share_one_lookup(database: FakeDatabase) -> None:
    keys = cache([0.0])
    assert await asyncio.gather(*(keys.authenticate(TOKEN) for _ in range(50))) == [KEY] * 50
    assert database.calls == 1


async def test_an_expired_key_is_answered_at_once_and_read_again_in_the_background(database: FakeDatabase) -> None:
    clock = [0.0]
    keys = cache(clock)
    assert await keys.authenticate(TOKEN) == KEY
    clock[0] = 31.0  # expired
    database.answer = None  # revoked meanwhile
    database.delay_s = 0.2
    answers = await asyncio.gather(*(keys.authenticate(TOKEN) for _ in range(20)))
    assert answers == [KEY] * 20  # nobody waited for the database
    assert database.calls == 2
    await asyncio.sleep(0.3)
    assert await keys.authenticate(TOKEN) is None  # the revocation arrived with the lookup


async def test_long_expired_keys_wait_for_the_lookup(database: FakeDatabase) -> None:
    clock = [0.0]
    keys = cache(clock)
    assert await keys.authenticate(TOKEN) == KEY
    clock[0] = 61.0  # more than a TTL past expiry: the old answer is no longer used
    database.fail = True
    with pytest.raises(OSError):
        await keys.authenticate(TOKEN)


async def test_no_cached_answer_outlives_a_failed_lookup(database: FakeDatabase) -> None:
    clock = [0.0]
    keys = cache(clock)
    assert await keys.authenticate(TOKEN) == KEY
    clock[0] = 31.0
    database.fail = True
    assert await keys.authenticate(TOKEN) == KEY  # answered while the re-read runs...
    await asyncio.sleep(0.1)  # ...which fails
    with pytest.raises(OSError):  # from now on the database is asked, as for a key never seen
        await keys.authenticate(TOKEN)


async def test_aclose_stops_lookups_in_flight(database: FakeDatabase) -> None:
    keys = cache([0.0])
    database.delay_s = 10
    pending = asyncio.ensure_future(keys.authenticate(TOKEN))
    await asyncio.sleep(0.01)
    await keys.aclose()
    with pytest.raises(asyncio.CancelledError):
        await pending
