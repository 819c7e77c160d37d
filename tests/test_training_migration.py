"""Migration 0002 (fine-tuning tables) on SQLite, and on PostgreSQL when CALENDY_TEST_DATABASE_URL names one."""

from app.settings import Settings
from tests.migrations import check_round_trip, fresh_database  # noqa: F401  (the fixture `fresh`)

NEW_TABLES = {"finetune_jobs", "finetuned_models", "service_settings"}


def test_0002_upgrades_from_0001_and_back(fresh: Settings) -> None:
    check_round_trip(fresh, before="0001", target="0002", new_tables=NEW_TABLES)
