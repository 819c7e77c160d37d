"""Migration 0003 (hosted plans, Slack events and pending changes) on SQLite, and on PostgreSQL when given."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command

from app.db.engine import database_url
from app.db.migrate import alembic_config, downgrade_database, head_revision, upgrade_database
from app.settings import Settings
from tests.test_db_migrations import _fresh_postgres, _fresh_sqlite, _revision, _tables

NEW_TABLES = {"hosted_plans", "slack_events", "slack_pending"}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """An empty database of each back end."""
    if request.param == "sqlite":
        yield from _fresh_sqlite(tmp_path)
    else:
        yield from _fresh_postgres()


def test_0003_upgrades_from_0002_and_back(fresh: Settings) -> None:
    upgrade_database(fresh, revision="0002")
    assert not _tables(fresh) & NEW_TABLES
    upgrade_database(fresh, revision="0003")
    assert _tables(fresh) >= NEW_TABLES
    assert _revision(fresh) == "0003"
    upgrade_database(fresh)
    assert _revision(fresh) == head_revision()
    command.check(alembic_config(database_url(fresh)))  # models and migrations agree
    downgrade_database(fresh, revision="0002")
    assert not _tables(fresh) & NEW_TABLES
    assert _revision(fresh) == "0002"
