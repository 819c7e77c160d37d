"""API keys: create (shown once), list, revoke, and look a presented key up by its hash."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from app.db.models import ApiKey

PREFIX = "cal_"


@dataclass(frozen=True)
class KeyInfo:
    """What the service knows of a key: never the key itself."""

    id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    rate_limit_per_minute: int | None

    @property
    def active(self) -> bool:
        """True until the key is revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class NewKey:
    """A freshly created key: `secret` is the only time the full key exists outside the client."""

    info: KeyInfo
    secret: str


def hash_key(token: str) -> str:
    """SHA-256 of the presented key.

    The keys are 256-bit random strings, not passwords: a fast hash is enough (a slow KDF
    protects low-entropy secrets), and it keeps the lookup a single indexed equality.
    """
    return hashlib.sha256(token.encode()).hexdigest()


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(
        id=row.id,
        name=row.name,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        rate_limit_per_minute=row.rate_limit_per_minute,
    )


async def create_api_key(*, engine: AsyncEngine, name: str, rate_limit_per_minute: int | None = None) -> NewKey:
    """Make a key `cal_<id>_<secret>`; only its hash is stored."""
    key_id = secrets.token_hex(4)
    token = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        id=key_id,
        name=name,
        key_hash=hash_key(token),
        created_at=datetime.now(UTC),
        rate_limit_per_minute=rate_limit_per_minute,
    )
    async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        session.add(row)
    return NewKey(info=_info(row), secret=token)


async def list_api_keys(*, engine: AsyncEngine) -> list[KeyInfo]:
    """Every key, oldest first, revoked ones included."""
    async with async_sessionmaker(engine)() as session:
        rows = (await session.scalars(select(ApiKey).order_by(ApiKey.created_at))).all()
        return [_info(row) for row in rows]


async def revoke_api_key(*, engine: AsyncEngine, key_id: str) -> bool:
    """Revoke a key by id; False when no active key has that id."""
    statement = (
        update(ApiKey).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None)).values(revoked_at=datetime.now(UTC))
    )
    async with engine.begin() as connection:
        result = await connection.execute(statement)
    return bool(result.rowcount)


async def find_api_key(*, engine: AsyncEngine, key_hash: str) -> KeyInfo | None:
    """The active key with this hash (see `hash_key`), or None."""
    async with async_sessionmaker(engine)() as session:
        row = await session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))
        if row is None or row.revoked_at is not None:
            return None
        return _info(row)
