"""Migration 0005: feedback.orphaned added (false for existing rows) and dropped again."""

import asyncio
from datetime import UTC, datetime

from sqlalchemy import inspect, text

from app.db.connection import build_engine
from app.db.migrate import downgrade_database, upgrade_database
from app.settings import Settings
from tests.migrations import fresh_database  # noqa: F401  (the fixture `fresh`: an empty database of each back end)


def _feedback_columns(settings: Settings) -> set[str]:
    async def run() -> set[str]:
        engine = build_engine(settings)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: {column["name"] for column in inspect(sync).get_columns("feedback")}
                )
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _execute(settings: Settings, sql: str, **params: object) -> list[tuple[object, ...]]:
    async def run() -> list[tuple[object, ...]]:
        engine = build_engine(settings)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(sql), params)
                return [tuple(row) for row in result.all()] if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_0005_adds_orphaned_false_for_existing_feedback(fresh: Settings) -> None:
    upgrade_database(fresh, revision="0004")
    assert "orphaned" not in _feedback_columns(fresh)
    _execute(
        fresh,
        "INSERT INTO feedback (request_id, created_at, outcome) VALUES ('r1', :at, 'executed')",
        at=datetime.now(UTC),
    )
    upgrade_database(fresh, revision="0005")
    assert _execute(fresh, "SELECT orphaned FROM feedback WHERE request_id = 'r1'") == [(False,)]
    downgrade_database(fresh, revision="0004")
    assert "orphaned" not in _feedback_columns(fresh)
    assert _execute(fresh, "SELECT outcome FROM feedback") == [("executed",)]
