"""The Patterns row end to end against the fake OpenAI platform on loopback.

synth docs → dataset export → finetune start → models use --purpose help → POST /v1/help.
"""

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.settings import PROJECT_ROOT, Settings
from bench.fake_openai_platform import Platform, build_app
from tests.conftest import cli_environment, make_settings, open_client
from tests.servers import serve_in_thread

runner = CliRunner()


@pytest.fixture
def platform_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The fake platform on a real port; the CLI and the service both talk to it."""
    with serve_in_thread(cast(Any, build_app(Platform(fail_jobs=0)))) as url:
        settings = make_settings(
            database_url=f"sqlite:///{tmp_path / 'e2e.db'}", data_dir=tmp_path, llm_base_url=f"{url}/v1",
            llm_api_key="sk-fake", active_model_refresh_s=0,
        )  # fmt: skip
        with cli_environment(
            monkeypatch, settings, LLM_BASE_URL=f"{url}/v1", LLM_API_KEY="sk-fake", LLM_MAX_RETRIES=0,
            LLM_MODEL="gpt-test", FINETUNE_POLL_S=0, LLM_HTTP_BACKEND="httpx",
        ) as configured:  # fmt: skip
            yield configured


def _run(*args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


async def _help(settings: Settings, *questions: str) -> list[dict[str, Any]]:
    """The service's answers (its lifespan run to the end, so its clients close in this loop)."""
    answers = []
    async for client in open_client(settings):
        for question in questions:
            response = await client.post("/v1/help", json={"question": question})
            assert response.status_code == 200, response.text
            answers.append(dict(response.json()))
    return answers


def test_docs_to_a_finetuned_help_model_answering_with_links(platform_env: Settings, tmp_path: Path) -> None:
    guides = [str(PROJECT_ROOT / "docs" / f"user-guide.{locale}.md") for locale in ("ko", "en")]
    qa, train = tmp_path / "qa.jsonl", tmp_path / "help-train.jsonl"
    synth = _run("synth", "docs", *guides, "--out", str(qa), "--negatives", "3")
    assert "17 chunks" in synth  # 8 sections in each guide; the token budget splits the Korean playground
    assert "wrote" in _run("dataset", "export", str(qa), "--out", str(train))
    started = _run("finetune", "start", str(train), "--base", "gpt-4o-mini-2024-07-18", "--suffix", "help")
    assert "for help" in started
    model = re.search(r"model (ft:\S+)", started)
    assert model is not None, started
    _run("models", "use", model[1], "--purpose", "help")

    undo, off_topic = asyncio.run(_help(platform_env, "실행 취소는 어떻게 해?", "비트코인 시세 알려줘"))
    assert undo["abstained"] is False and undo["engine"] == "llm" and undo["model"] == model[1]
    assert "/docs/guide/ko#undo" in [s["url"] for s in undo["sources"]]
    assert "(/docs/guide/ko#undo)" in undo["answer"]
    assert off_topic["abstained"] is True and off_topic["sources"] == []
