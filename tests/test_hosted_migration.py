"""Migrations 0003 (hosted plans, Slack events and pending changes) and 0005 (event state), SQLite and PostgreSQL."""

import asyncio
from typing import Any

from alembic import command
from sqlalchemy import inspect, text

from app.db.connection import build_engine, database_url
from app.db.migrate import alembic_config, downgrade_database, upgrade_database
from app.settings import Settings
from tests.migrations import check_round_trip, fresh_database, revision  # noqa: F401  (the fixture `fresh`)

NEW_TABLES = {"hosted_plans", "slack_events", "slack_pending"}


def test_0003_upgrades_from_0002_and_back(fresh: Settings) -> None:
    check_round_trip(fresh, before="0002", target="0003", new_tables=NEW_TABLES)


def _sql(settings: Settings, statement: str) -> Any:
    """Run one statement on the database (the async engine the service uses); its first value, if any."""

    async def run() -> Any:
        engine = build_engine(settings)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(statement))
                return result.scalar_one() if result.returns_rows else None
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _columns(settings: Settings, table: str) -> set[str]:
    async def run() -> set[str]:
        engine = build_engine(settings)
        try:
            async with engine.connect() as connection:
                found = await connection.run_sync(lambda sync: inspect(sync).get_columns(table))
                return {str(column["name"]) for column in found}
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_0006_adds_done_at_and_counts_older_events_as_done(fresh: Settings) -> None:
    upgrade_database(fresh, revision="0005")
    _sql(fresh, "INSERT INTO slack_events (event_id, received_at) VALUES ('Ev1', CURRENT_TIMESTAMP)")
    upgrade_database(fresh, revision="0006")
    assert "done_at" in _columns(fresh, "slack_events")
    # An event taken before 0006 is never re-run by a retry.
    assert _sql(fresh, "SELECT done_at IS NOT NULL FROM slack_events WHERE event_id = 'Ev1'")
    command.check(alembic_config(database_url(fresh)))
    downgrade_database(fresh, revision="0005")
    assert "done_at" not in _columns(fresh, "slack_events")
    assert revision(fresh) == "0005"
