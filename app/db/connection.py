"""Database URLs and the async engine: aiosqlite for SQLite, asyncpg for PostgreSQL."""

import json
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from app.settings import Settings

DEFAULT_FILE = "calendy.db"
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}


class EncodedJson(str):
    """JSON text already encoded (by pydantic's serializer), written to a JSON column as it is."""


def _json_text(value: Any) -> str:
    # A request body is dumped straight to JSON text by pydantic: no dict in between, and no
    # second encoding here (a fiftieth of a request's CPU). Everything else as SQLAlchemy would.
    if isinstance(value, EncodedJson):
        return value
    return json.dumps(value)


def database_url(settings: Settings) -> URL:
    """The configured URL with an async driver; a SQLite file under data_dir by default."""
    raw = settings.database_url or f"sqlite:///{settings.data_dir / DEFAULT_FILE}"
    url = make_url(raw)
    # People paste postgresql://… (as libpq and docker images print it): give it the async driver.
    if url.drivername in _ASYNC_DRIVERS:
        url = url.set(drivername=_ASYNC_DRIVERS[url.drivername])
    return url


def is_sqlite(url: URL) -> bool:
    """True for SQLite URLs (file or memory)."""
    return url.get_backend_name() == "sqlite"


def display_url(url: URL) -> str:
    """The URL with its password hidden, for logs and CLI output."""
    return url.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # WAL lets readers run beside the one writer; NORMAL sync is durable across process crashes
    # (not power loss) and keeps commits cheap; busy_timeout waits out other workers' writes.
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=5000", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def build_engine(settings: Settings) -> AsyncEngine:
    """The async engine of the service's database (creating the data directory for SQLite)."""
    url = database_url(settings)
    if is_sqlite(url):
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # One connection serialises this process's writes in the pool's queue instead of in
        # SQLite's busy handler, which sleeps in whole milliseconds when two connections collide.
        engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=30, json_serializer=_json_text)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        json_serializer=_json_text,
    )
