"""Migrations on real databases: SQLite always, PostgreSQL when CALENDY_TEST_DATABASE_URL names one."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from typer.testing import CliRunner

from app.cli import cli
from app.db.connection import database_url
from app.db.migrate import alembic_config, downgrade_database, head_revision, upgrade_database
from app.settings import PROJECT_ROOT, Settings, get_settings
from tests.conftest import make_settings
from tests.migrations import fresh_database, revision, tables  # noqa: F401  (the fixture `fresh`)

TABLES = {"alembic_version", "api_keys", "request_log", "llm_call_log", "feedback", "rate_limit_windows"}


def test_upgrade_check_downgrade_upgrade(fresh: Settings) -> None:
    assert revision(fresh) is None
    upgrade_database(fresh)
    assert tables(fresh) >= TABLES
    assert revision(fresh) == head_revision()
    # The models and the migrations describe the same schema (autogenerate finds nothing to add).
    command.check(alembic_config(database_url(fresh)))
    downgrade_database(fresh, revision="base")
    assert tables(fresh) <= {"alembic_version"}
    upgrade_database(fresh)
    assert revision(fresh) == head_revision()


def test_concurrent_upgrades_are_safe(fresh: Settings) -> None:
    """Several workers starting at once (separate processes) all migrate; one does the work."""
    env = {**os.environ, "CALENDY_DATABASE_URL": str(fresh.database_url), "CALENDY_DATA_DIR": str(fresh.data_dir)}
    code = (
        "from app.db.migrate import upgrade_database; from app.settings import Settings; upgrade_database(Settings())"
    )
    workers = [subprocess.Popen([sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT) for _ in range(4)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0, 0]
    assert revision(fresh) == head_revision()
    # In one process, threads are serialised too (alembic's context is process-global).
    with ThreadPoolExecutor(3) as pool:
        for future in [pool.submit(upgrade_database, fresh) for _ in range(3)]:
            future.result(timeout=60)


@pytest.mark.parametrize("url", ["sqlite:///offline.db", "postgresql://user:secret@db.invalid/calendy"])
def test_offline_sql(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`calendy db upgrade --sql` needs no database: it prints the DDL to run by hand."""
    from app.db.migrate import upgrade_sql

    upgrade_sql(make_settings(database_url=url))
    out = capsys.readouterr().out
    assert "CREATE TABLE request_log" in out and "CREATE TABLE api_keys" in out
    if url.startswith("postgresql"):
        assert "JSONB" in out


def test_default_database_is_a_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    url = database_url(settings)
    assert url.drivername == "sqlite+aiosqlite" and url.database == str(tmp_path / "data" / "calendy.db")
    pg = database_url(make_settings(database_url="postgresql://u:p@h:5432/d"))
    assert pg.drivername == "postgresql+asyncpg"


def test_cli_db_upgrade_and_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALENDY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CALENDY_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        before = runner.invoke(cli, ["db", "current"])
        assert before.exit_code == 0 and "at none" in before.stdout
        upgraded = runner.invoke(cli, ["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        assert (tmp_path / "data" / "calendy.db").exists()
        after = runner.invoke(cli, ["db", "current"])
        assert f"at {head_revision()}" in after.stdout
    finally:
        get_settings.cache_clear()
