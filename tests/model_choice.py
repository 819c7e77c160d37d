"""Shared by the `calendy models` tests: a migrated database holding fine-tuned models, and the command."""

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

from app.cli import cli
from app.db.connection import build_engine
from app.db.migrate import upgrade_database
from app.db.models import FinetunedModel
from app.settings import Settings, get_settings
from tests.conftest import make_settings

BASE_MODEL = "gpt-4o-mini-2024-07-18"


def models_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[dict[str, Any]]) -> Iterator[Settings]:
    """A fresh database with these finetuned_models rows (base model, file, time filled in); re-read on every call."""
    settings = make_settings(
        database_url=f"sqlite:///{tmp_path / 'models.db'}", data_dir=tmp_path, active_model_refresh_s=0
    )
    monkeypatch.setenv("CALENDY_DATABASE_URL", str(settings.database_url))
    monkeypatch.setenv("CALENDY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CALENDY_LLM_MODEL", "gpt-test")
    get_settings.cache_clear()
    upgrade_database(settings)

    async def add_models() -> None:
        engine = build_engine(settings)
        common = {"base_model": BASE_MODEL, "training_file_id": "file-1", "created_at": datetime.now(UTC)}
        async with engine.begin() as connection:
            for row in rows:
                await connection.execute(insert(FinetunedModel).values(**{**common, **row}))
        await engine.dispose()

    asyncio.run(add_models())
    yield settings
    get_settings.cache_clear()


def models_command(*args: str) -> str:
    """`calendy models ARGS...`; its output (it must succeed)."""
    result = CliRunner().invoke(cli, ["models", *args])
    assert result.exit_code == 0, result.output
    return result.output
