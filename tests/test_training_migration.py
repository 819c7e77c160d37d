"""Migration 0002 (fine-tuning tables) on SQLite, and on PostgreSQL when CALENDY_TEST_DATABASE_URL names one."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command

from app.db.connection import database_url
from app.db.migrate import alembic_config, downgrade_database, head_revision, upgrade_database
from app.settings import Settings
from tests.test_db_migrations import _fresh_postgres, _fresh_sqlite, _revision, _tables

NEW_TABLES = {"finetune_jobs", "finetuned_models", "service_settings"}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """An empty database of each back end."""
    if request.param == "sqlite":
        yield from _fresh_sqlite(tmp_path)
    else:
        yield from _fresh_postgres()


def test_0002_upgrades_from_0001_and_back(fresh: Settings) -> None:
    upgrade_database(fresh, revision="0001")
    assert not _tables(fresh) & NEW_TABLES
    upgrade_database(fresh, revision="0002")
    assert _tables(fresh) >= NEW_TABLES
    assert _revision(fresh) == "0002"
    upgrade_database(fresh)
    assert _revision(fresh) == head_revision()
    command.check(alembic_config(database_url(fresh)))  # models and migrations agree
    downgrade_database(fresh, revision="0001")
    assert not _tables(fresh) & NEW_TABLES
    assert _revision(fresh) == "0001"
