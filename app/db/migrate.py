"""Alembic from code: upgrade to head, the head and current revisions, and a cross-process lock."""

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.connection import database_url, is_sqlite
from app.settings import PROJECT_ROOT, Settings

SCRIPT_LOCATION = PROJECT_ROOT / "alembic"


def alembic_config(url: URL) -> Config:
    """An Alembic configuration for `url`, without reading alembic.ini (no logging changes)."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    # Passed as an object, not an ini option: passwords may hold '%' that ini interpolation breaks.
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    return config


@lru_cache
def head_revision() -> str | None:
    """The newest revision of alembic/versions (read once per process)."""
    return ScriptDirectory.from_config(alembic_config(URL.create("sqlite"))).get_current_head()


# Alembic keeps its migration context in module globals: one run per process at a time.
_IN_PROCESS = threading.Lock()


@contextmanager
def _migration_lock(url: URL) -> Iterator[None]:
    """One migration at a time: per process always, across processes for a SQLite file.

    (On PostgreSQL alembic/env.py takes an advisory lock inside the migration transaction.)
    """
    with _IN_PROCESS:
        if not is_sqlite(url) or not url.database or url.database == ":memory:":
            yield
            return
        with _file_lock(url.database):
            yield


@contextmanager
def _file_lock(database: str) -> Iterator[None]:
    lock_path = Path(f"{database}.migrate.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade_database(settings: Settings, *, revision: str = "head") -> None:
    """Apply migrations up to `revision` (blocking: call it from a thread inside an event loop)."""
    url = database_url(settings)
    with _migration_lock(url):
        command.upgrade(alembic_config(url), revision)


def downgrade_database(settings: Settings, *, revision: str) -> None:
    """Revert migrations down to `revision` (`base` empties the database)."""
    url = database_url(settings)
    with _migration_lock(url):
        command.downgrade(alembic_config(url), revision)


def upgrade_sql(settings: Settings, *, revision: str = "head") -> None:
    """Print the SQL of the migrations instead of running them (offline mode)."""
    with _IN_PROCESS:
        command.upgrade(alembic_config(database_url(settings)), revision, sql=True)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return result.scalar_one_or_none()
    except (OperationalError, ProgrammingError) as exc:
        # No alembic_version table yet: a database no migration has touched.
        if "alembic_version" in str(exc):
            return None
        raise
