"""`calendy models use`: the service calls the chosen model from then on; switching back is one command."""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from typer.testing import CliRunner

from app.cli import cli
from app.settings import Settings
from tests.conftest import completion, fetch_rows, open_client, sql_request
from tests.model_choice import models_command, models_database

runner = CliRunner()
MODEL = "ft:gpt-4o-mini-2024-07-18:calendy::abc123"
GOOD = "INSERT INTO TODO (title, due_time, category_id) VALUES ('알골 과제', '2023-11-24 08:00:00', 1);"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """A fresh database holding one fine-tuned model; the service re-reads the choice on every call."""
    yield from models_database(
        tmp_path, monkeypatch, [{"model": MODEL, "job_id": "ftjob-1", "metrics": {"valid_loss": 0.2}}]
    )


def _answer(request: httpx.Request) -> httpx.Response:
    """The upstream names the model it was asked for, as OpenAI does."""
    body = completion(GOOD)
    body["model"] = json.loads(request.content)["model"]
    return httpx.Response(200, json=body)


async def _ask(settings: Settings) -> dict[str, Any]:
    async for client in open_client(settings):
        response = await client.post("/v1/sql", json=sql_request("내일 8시 알골 과제 추가", engine="llm"))
        assert response.status_code == 200, response.text
        return dict(response.json())
    raise AssertionError("no client")


@pytest.mark.anyio
async def test_models_use_switches_the_called_model_and_back(env: Settings, llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions").mock(side_effect=_answer)
    assert MODEL in await asyncio.to_thread(models_command, "list")
    assert (await _ask(env))["model"] == "gpt-test"
    assert "serving " + MODEL in await asyncio.to_thread(models_command, "use", MODEL)
    answered = await _ask(env)
    sent = json.loads(route.calls.last.request.content)
    assert sent["model"] == MODEL and answered["model"] == MODEL
    [call] = await fetch_rows("llm_call_log", settings=env, request_id=answered["request_id"])
    assert call["model"] == MODEL
    await asyncio.to_thread(models_command, "use", "--base")
    await _ask(env)
    assert json.loads(route.calls.last.request.content)["model"] == "gpt-test"


@pytest.mark.anyio
async def test_exemplars_dropped_for_a_finetuned_model_when_configured(
    env: Settings, llm_mock: respx.MockRouter
) -> None:
    route = llm_mock.post("/chat/completions").mock(side_effect=_answer)
    settings = env.model_copy(update={"finetuned_exemplars": False})
    await _ask(settings)
    full = json.loads(route.calls.last.request.content)["messages"]
    await asyncio.to_thread(models_command, "use", MODEL)
    await _ask(settings)
    short = json.loads(route.calls.last.request.content)["messages"]
    assert len(full) > 3 and [m["role"] for m in short] == ["system", "user", "user"]
    assert short == [full[0], *full[-2:]]


def test_unknown_model_is_refused(env: Settings) -> None:
    result = runner.invoke(cli, ["models", "use", "ft:nope"])
    assert result.exit_code == 1 and "no fine-tuned model ft:nope" in result.output
    neither = runner.invoke(cli, ["models", "use"])
    assert neither.exit_code == 1 and "either a MODEL or --base" in neither.output
