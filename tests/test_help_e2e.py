"""The Patterns row end to end against the fake OpenAI platform on loopback.

synth docs → dataset export → finetune start → models use --purpose help → POST /v1/help → a Slack mention.
"""

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

from app.cli import cli
from app.db.connection import build_engine
from app.db.models import FinetunedModel
from app.main import create_app
from app.settings import PROJECT_ROOT, Settings
from bench.fake_openai_platform import Platform, build_app
from tests.conftest import cli_environment, make_settings, open_client
from tests.servers import serve_in_thread
from tests.slack_fake import SlackCalls, fake_slack_app, mention_event, sign

runner = CliRunner()


PLATFORM = Platform(fail_jobs=0)
SQL_MODEL = "ft:gpt-4o-mini-2024-07-18:calendy:sql:s1"
SECRET = "e2e-signing-secret"


@pytest.fixture
def platform_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The fake platform on a real port; the CLI and the service both talk to it."""
    PLATFORM.chat_log.clear()
    with serve_in_thread(cast(Any, build_app(PLATFORM))) as url:
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
    # Pairs from the chunks, not only negatives: the fine-tune learns answers, not just refusals.
    kept = re.search(r"kept (\d+) pairs and (\d+) negatives", synth)
    assert kept is not None and int(kept[1]) >= 14 and int(kept[2]) > 0, synth
    assert "wrote" in _run("dataset", "export", str(qa), "--out", str(train))
    answers = [json.loads(line)["messages"][-1]["content"] for line in train.read_text(encoding="utf-8").splitlines()]
    assert "NOT_COVERED" in answers and any("(/docs/guide/" in answer for answer in answers)
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

    # The Slack bot on the same service: the question goes to the help model, the SQL path to the
    # model chosen with `calendy models use` (a SQL model of the registry, chosen separately).
    asyncio.run(_register_sql_model(platform_env))
    _run("models", "use", SQL_MODEL)
    undo_reply, bitcoin_reply = _slack_mentions(platform_env, "실행 취소는 어떻게 해?", "비트코인 시세 알려줘")
    assert "<https://calendy.example.com/docs/guide/ko#undo|" in undo_reply and "](/docs" not in undo_reply
    assert "다루지 않" in bitcoin_reply and "<http" not in bitcoin_reply
    asked = [(entry["kind"], entry["model"]) for entry in PLATFORM.chat_log if "실행 취소는" in entry["command"]]
    assert ("sql", SQL_MODEL) in asked  # the local engine declined; the chosen SQL model said NOT_UNDERSTOOD
    help_models = {entry["model"] for entry in PLATFORM.chat_log[-4:] if entry["kind"] == "help"}
    assert help_models == {model[1]}


async def _register_sql_model(settings: Settings) -> None:
    """A SQL model in the registry, as a SQL fine-tune would leave it."""
    engine = build_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(FinetunedModel).values(
                    model=SQL_MODEL,
                    job_id="ftjob-sql",
                    base_model="gpt-4o-mini-2024-07-18",
                    training_file_id="file-sql",
                    created_at=datetime.now(UTC),
                    purpose="sql",
                )
            )
    finally:
        await engine.dispose()


def _slack_mentions(settings: Settings, *texts: str) -> list[str]:
    """Each text as a signed mention to the service with the bot mounted; the replies posted to the fake Slack."""
    calls = SlackCalls()
    with serve_in_thread(fake_slack_app(calls)) as slack_url:
        bot = settings.model_copy(
            update={"slack_signing_secret": SECRET, "slack_bot_token": "xoxb-e2e", "slack_api_url": f"{slack_url}/api/",
                    "public_url": "https://calendy.example.com"}
        )  # fmt: skip
        with serve_in_thread(create_app(settings=bot)) as url:
            for n, text in enumerate(texts):
                body = mention_event(text, event_id=f"EvE2E{n}", ts=f"3000.000{n}")
                headers = {"content-type": "application/json", **sign(body, secret=SECRET)}
                assert httpx.post(f"{url}/slack/events", content=body.encode(), headers=headers).status_code == 200
                calls.wait_for("chat.postMessage", count=n + 1, timeout_s=20)
    return [str(payload["text"]) for payload in calls.of("chat.postMessage")]
