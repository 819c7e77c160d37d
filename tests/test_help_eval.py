"""`calendy eval-help SET`: retrieval hit@k, abstention precision/recall and invented links, on the repo's set."""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx
from typer.testing import CliRunner

from app.cli import cli
from app.settings import PROJECT_ROOT, Settings
from tests.conftest import LLM_BASE_URL, cli_environment, completion, fetch_rows, make_settings

runner = CliRunner()
HELP_SET = PROJECT_ROOT / "evals" / "help.jsonl"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'eval.db'}", data_dir=tmp_path)
    with cli_environment(
        monkeypatch, settings, LLM_BASE_URL=LLM_BASE_URL, LLM_API_KEY="sk-test", LLM_MAX_RETRIES=0, LLM_MODEL="gpt-test"
    ) as configured:
        yield configured


def _figures(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.splitlines() if ": " in line and not line.startswith(" "))


def test_the_repo_set_is_large_and_bilingual() -> None:
    cases = [json.loads(line) for line in HELP_SET.read_text(encoding="utf-8").splitlines()]
    assert len(cases) >= 40
    assert {c["locale"] for c in cases} == {"ko", "en"}
    assert sum(c["expected"] is None for c in cases) >= 10


def test_scores_are_computed_from_the_answers(env: Settings, tmp_path: Path) -> None:
    cases = tmp_path / "set.jsonl"
    lines = [
        {"question": "How do I undo a command?", "locale": "en", "expected": "undo"},  # hit@1
        {"question": "How do I undo a command?", "locale": "en", "expected": "privacy"},  # a miss
        {"question": "비트코인 시세 알려줘", "locale": "ko", "expected": None},  # abstains, rightly
        {"question": "What does the service store about me?", "locale": "en", "expected": None},  # answered
    ]
    cases.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in lines), encoding="utf-8")
    result = runner.invoke(cli, ["eval-help", str(cases), "-v"])
    assert result.exit_code == 0, result.output
    figures = _figures(result.output)
    assert figures["retrieval hit@1"] == "0.500 (1/2)" and figures["retrieval hit@3"] == "0.500 (1/2)"
    assert figures["abstention precision"] == "1.000 (1/1)" and figures["abstention recall"] == "0.500 (1/2)"
    assert figures["cited sections that do not exist"] == "0"
    assert "answered a question the guide does not cover: What does the service store about me?" in result.output


def test_with_the_model_invented_links_never_count(env: Settings, llm_mock: respx.MockRouter) -> None:
    reply = "Use undo: [Undo](/docs/guide/en#undo), or see [FAQ](https://calendy.example.com/faq#undo)."
    route = llm_mock.post("/chat/completions").mock(return_value=httpx.Response(200, json=completion(reply)))
    result = runner.invoke(cli, ["eval-help", str(HELP_SET), "--llm"])
    assert result.exit_code == 0, result.output
    figures = _figures(result.output)
    assert figures["engine"] == "llm (gpt-test)"
    assert figures["cited sections that do not exist"] == "0"
    assert route.call_count > 0
    # Every model call is logged like the service's: a request row per question, its LLM-call rows.
    requests = asyncio.run(fetch_rows("request_log", settings=env, min_rows=1, route="cli:eval-help"))
    calls = asyncio.run(fetch_rows("llm_call_log", settings=env, min_rows=route.call_count, purpose="help"))
    assert len(calls) == route.call_count
    assert {c["request_id"] for c in calls} <= {r["request_id"] for r in requests}
    assert {r["model"] for r in requests} == {"gpt-test"} and all(r["prompt"] for r in requests)
