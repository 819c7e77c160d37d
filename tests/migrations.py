"""Shared by the migration tests: an empty database of each back end, its tables and revision, a round trip."""

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from app.db.connection import build_engine, database_url
from app.db.migrate import alembic_config, current_revision, downgrade_database, head_revision, upgrade_database
from app.settings import Settings
from tests.conftest import TEST_DATABASE_URL_ENV, make_settings


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    parsed = make_url(url)
    connection = await asyncpg.connect(
        user=parsed.username,
        password=parsed.password,
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        database=parsed.database,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def fresh_sqlite(tmp_path: Path) -> Iterator[Settings]:
    """An empty SQLite file in tmp_path."""
    yield make_settings(database_url=f"sqlite:///{tmp_path / 'fresh.db'}", data_dir=tmp_path)


def fresh_postgres() -> Iterator[Settings]:
    """A throwaway database on the server CALENDY_TEST_DATABASE_URL names (skipped without one)."""
    base = os.environ.get(TEST_DATABASE_URL_ENV, "")
    if not base.startswith("postgres"):
        pytest.skip(f"{TEST_DATABASE_URL_ENV} names no PostgreSQL database")
    name = f"calendy_mig_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))
    try:
        yield make_settings(database_url=make_url(base).set(database=name).render_as_string(hide_password=False))
    finally:
        asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(name="fresh", params=["sqlite", "postgresql"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """An empty database of each back end."""
    if request.param == "sqlite":
        yield from fresh_sqlite(tmp_path)
    else:
        yield from fresh_postgres()


def tables(settings: Settings) -> set[str]:
    """The database's table names."""

    async def run() -> set[str]:
        engine = build_engine(settings)
        try:
            async with engine.connect() as connection:
                return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def revision(settings: Settings) -> str | None:
    """The database's Alembic revision (None before the first)."""

    async def run() -> str | None:
        engine = build_engine(settings)
        try:
            return await current_revision(engine)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def check_round_trip(settings: Settings, *, before: str, target: str, new_tables: set[str]) -> None:
    """Upgrade before -> target (adds new_tables), on to head (models agree), down to before (drops them)."""
    upgrade_database(settings, revision=before)
    assert not tables(settings) & new_tables
    upgrade_database(settings, revision=target)
    assert tables(settings) >= new_tables
    assert revision(settings) == target
    upgrade_database(settings)
    assert revision(settings) == head_revision()
    command.check(alembic_config(database_url(settings)))  # models and migrations agree
    downgrade_database(settings, revision=before)
    assert not tables(settings) & new_tables
    assert revision(settings) == before
