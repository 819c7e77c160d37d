"""Model purpose: `calendy models use ID --purpose help` picks the help model and leaves the SQL one."""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import text
from typer.testing import CliRunner

from app.cli import cli
from app.db.connection import build_engine
from app.db.migrate import downgrade_database, upgrade_database
from app.settings import Settings, get_settings
from tests.conftest import completion, fetch_rows, make_settings, open_client, sql_request
from tests.model_choice import models_command, models_database

runner = CliRunner()
HELP_MODEL = "ft:gpt-4o-mini-2024-07-18:calendy:help:h1"
SQL_MODEL = "ft:gpt-4o-mini-2024-07-18:calendy::s1"
GOOD = "INSERT INTO TODO (title, due_time, category_id) VALUES ('알골 과제', '2023-11-24 08:00:00', 1);"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """A fresh database with a help model and a SQL model; the service re-reads the choice on every call."""
    yield from models_database(
        tmp_path,
        monkeypatch,
        [{"model": HELP_MODEL, "job_id": "j-h", "purpose": "help"}, {"model": SQL_MODEL, "job_id": "j-s"}],
    )


def _answer(request: httpx.Request) -> httpx.Response:
    """SQL for /v1/sql, a linked answer for /v1/help; the upstream names the model it was asked for."""
    body = json.loads(request.content)
    is_help = body["messages"][0]["content"].startswith("You are Calendy's support assistant")
    reply = completion("Say undo. [Undo](/docs/guide/en#undo)" if is_help else GOOD)
    reply["model"] = body["model"]
    return httpx.Response(200, json=reply)


async def _models(settings: Settings) -> tuple[str, str]:
    """The models /v1/help and /v1/sql were answered by."""
    async for client in open_client(settings):
        helped = await client.post("/v1/help", json={"question": "How do I undo a command?"})
        converted = await client.post("/v1/sql", json=sql_request("내일 8시 알골 과제 추가", engine="llm"))
        assert helped.status_code == converted.status_code == 200, (helped.text, converted.text)
        return helped.json()["model"], converted.json()["model"]
    raise AssertionError("no client")


@pytest.mark.anyio
async def test_use_purpose_help_switches_help_only(env: Settings, llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions").mock(side_effect=_answer)
    assert await _models(env) == ("gpt-test", "gpt-test")  # no choice yet: the base model for both
    assert f"serving {HELP_MODEL} for help" in await asyncio.to_thread(
        models_command, "use", HELP_MODEL, "--purpose", "help"
    )
    assert await _models(env) == (HELP_MODEL, "gpt-test")
    await asyncio.to_thread(models_command, "use", SQL_MODEL)
    assert await _models(env) == (HELP_MODEL, SQL_MODEL)
    listed = await asyncio.to_thread(models_command, "list")
    assert "help" in listed and HELP_MODEL in listed
    await asyncio.to_thread(models_command, "use", "--base", "--purpose", "help")
    assert await _models(env) == ("gpt-test", SQL_MODEL)
    help_calls = await fetch_rows("llm_call_log", settings=env, min_rows=4, purpose="help")
    assert [c["model"] for c in help_calls] == ["gpt-test", HELP_MODEL, HELP_MODEL, "gpt-test"]
    assert route.call_count == 8


def test_a_model_is_used_only_for_its_purpose(env: Settings) -> None:
    wrong = runner.invoke(cli, ["models", "use", HELP_MODEL])
    assert wrong.exit_code == 1 and "trained for help, not sql" in wrong.output
    unknown = runner.invoke(cli, ["models", "use", SQL_MODEL, "--purpose", "nonsense"])
    assert unknown.exit_code == 1 and "unknown purpose" in unknown.output


def _purposes(settings: Settings) -> list[Any]:
    async def read() -> list[Any]:
        engine = build_engine(settings)
        try:
            async with engine.connect() as connection:
                return list((await connection.execute(text("SELECT purpose FROM finetuned_models"))).scalars())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_0004_adds_purpose_with_sql_for_existing_models(tmp_path: Path) -> None:
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'mig.db'}", data_dir=tmp_path)
    upgrade_database(settings, revision="0002")

    async def add_old_model() -> None:
        engine = build_engine(settings)
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO finetuned_models (model, base_model, job_id, training_file_id, created_at) "
                    "VALUES ('ft:old', 'gpt', 'j', 'f', '2026-01-01 00:00:00')"
                )
            )
        await engine.dispose()

    asyncio.run(add_old_model())
    upgrade_database(settings)
    assert _purposes(settings) == ["sql"]
    downgrade_database(settings, revision="0002")
    upgrade_database(settings)
    assert _purposes(settings) == ["sql"]


def test_finetune_purpose_is_read_from_the_training_file(tmp_path: Path) -> None:
    from app.training.finetune import detect_purpose

    prompts = get_settings().prompts_dir
    system = (prompts / "help_system.txt").read_text(encoding="utf-8")
    help_file, sql_file = tmp_path / "help.jsonl", tmp_path / "sql.jsonl"
    help_file.write_text(json.dumps({"messages": [{"role": "system", "content": system}]}) + "\n", encoding="utf-8")
    sql_file.write_text(json.dumps({"messages": [{"role": "system", "content": "SQL"}]}) + "\n", encoding="utf-8")
    assert detect_purpose(train=help_file, prompts_dir=prompts) == "help"
    assert detect_purpose(train=sql_file, prompts_dir=prompts) == "sql"
