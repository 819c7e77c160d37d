"""`calendy synth`: commands from the model, SQL through the production path, only valid pairs kept."""

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
from app.training.synth import parse_commands
from tests.conftest import CONTEXT, LLM_BASE_URL, cli_environment, completion, fetch_rows, make_settings

runner = CliRunner()
GOOD = "INSERT INTO TODO (title, due_time, category_id) VALUES ('알골 과제', '2023-11-24 08:00:00', 1);"
ANSWERS = {
    "내일 8시 알골 과제 추가": GOOD,
    "줄넘기 전부 삭제": "DELETE FROM TODO;",  # no WHERE: rejected, and so is its repair
    "민석이랑 밥 약속 취소": "NO_SUCH_PLAN",
}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI against the mocked API and a fresh database."""
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'synth.db'}", data_dir=tmp_path)
    with cli_environment(
        monkeypatch, settings, LLM_BASE_URL=LLM_BASE_URL, LLM_API_KEY="sk-test", LLM_MAX_RETRIES=0, LLM_MODEL="gpt-test"
    ) as configured:
        yield configured


def _reply(request: httpx.Request) -> httpx.Response:
    messages = json.loads(request.content)["messages"]
    if messages[0]["content"].startswith("You write test commands"):
        text = "1. 내일 8시 알골 과제 추가\n- 줄넘기 전부 삭제\n민석이랑 밥 약속 취소\n내일 8시 알골 과제 추가\n"
    else:
        prompt = next(m["content"] for m in reversed(messages) if m["role"] == "user" and m["content"] in ANSWERS)
        text = ANSWERS[prompt]
    return httpx.Response(200, json=completion(text))


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_synth_keeps_only_valid_pairs_and_resumes(env: Settings, tmp_path: Path, llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions").mock(side_effect=_reply)
    contexts = tmp_path / "contexts.jsonl"
    contexts.write_text(json.dumps({"id": "ctx-1", "now": "2023-11-23 20:25:39", **CONTEXT}) + "\n", encoding="utf-8")
    out = tmp_path / "pairs.jsonl"
    result = runner.invoke(cli, ["synth", "--contexts", str(contexts), "--n", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "kept 1 pairs, rejected 2 commands" in result.output
    [pair] = _read(out)
    assert pair["request"]["prompt"] == "내일 8시 알골 과제 추가" and pair["source"] == "synth:ctx-1"
    assert pair["sql"] == [GOOD.rstrip(";")]
    rejected = {row["prompt"]: row["reason"] for row in _read(Path(f"{out}.rejected.jsonl"))}
    assert rejected == {"줄넘기 전부 삭제": "llm_invalid_output: the model's output could not be made into valid SQL",
                        "민석이랑 밥 약속 취소": "status no_such_plan"}  # fmt: skip
    calls = route.call_count
    assert calls == 1 + 1 + 2 + 1  # commands, the good one, the bad one and its repair, no_such_plan
    logged = asyncio.run(fetch_rows("llm_call_log", settings=env, min_rows=calls, timeout_s=0.5))
    assert sorted(row["purpose"] for row in logged) == ["repair", "sql", "sql", "sql", "synth"]
    again = runner.invoke(cli, ["synth", "--contexts", str(contexts), "--n", "5", "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "kept 0 pairs, rejected 0 commands" in again.output
    assert route.call_count == calls  # resumed: nothing asked twice
    exported = runner.invoke(
        cli, ["dataset", "export", str(out), "--out", str(tmp_path / "t.jsonl"), "--min-examples", "1"]
    )
    assert exported.exit_code == 0, exported.output


def test_parse_commands_strips_bullets_and_duplicates() -> None:
    text = '1. 내일 운동\n2) 내일 운동\n- "Add gym tomorrow"\n\n* 모레 회의 삭제\n'
    assert parse_commands(text=text, n=10) == ["내일 운동", "Add gym tomorrow", "모레 회의 삭제"]
    assert parse_commands(text=text, n=2) == ["내일 운동", "Add gym tomorrow"]


def _contexts(path: Path, count: int) -> Path:
    lines = [json.dumps({"id": f"ctx-{i}", "now": "2023-11-23 20:25:39", **CONTEXT}) for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_contexts_run_side_by_side_within_the_concurrency(
    env: Settings, tmp_path: Path, llm_mock: respx.MockRouter
) -> None:
    in_flight = peak = 0

    async def slow_reply(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return _reply(request)

    llm_mock.post("/chat/completions").mock(side_effect=slow_reply)
    contexts, out = _contexts(tmp_path / "contexts.jsonl", 6), tmp_path / "pairs.jsonl"
    args = ["synth", "--contexts", str(contexts), "--n", "5", "--out", str(out), "--concurrency", "3"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "kept 6 pairs, rejected 12 commands" in result.output
    assert sorted(pair["source"] for pair in _read(out)) == [f"synth:ctx-{i}" for i in range(6)]
    assert peak == 3
    generations = asyncio.run(fetch_rows("request_log", settings=env, min_rows=6, timeout_s=0.5, intent=None))
    assert {row["status"] for row in generations if row["prompt"] is None} == {"ok"}


def test_a_failing_model_stops_the_run_and_a_rerun_continues(
    env: Settings, tmp_path: Path, llm_mock: respx.MockRouter
) -> None:
    route = llm_mock.post("/chat/completions").mock(return_value=httpx.Response(500, json={"error": {"message": "x"}}))
    contexts, out = _contexts(tmp_path / "contexts.jsonl", 3), tmp_path / "pairs.jsonl"
    args = ["synth", "--contexts", str(contexts), "--n", "5", "--out", str(out)]
    failed = runner.invoke(cli, args)
    assert failed.exit_code == 1
    assert "re-run to continue" in failed.output
    rows = asyncio.run(fetch_rows("request_log", settings=env, min_rows=1, timeout_s=0.5))
    codes = [row["error_code"] for row in rows]
    # Generations still in flight when the first failed are cancelled; none is logged as a success.
    assert "llm_error" in codes and set(codes) <= {"llm_error", "cancelled"}
    route.mock(side_effect=_reply)
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "kept 3 pairs, rejected 6 commands" in again.output


def test_calls_cut_off_by_a_failure_are_logged_as_cancelled(
    env: Settings, tmp_path: Path, llm_mock: respx.MockRouter
) -> None:
    arrived = 0

    async def first_fails_others_wait(request: httpx.Request) -> httpx.Response:
        nonlocal arrived
        arrived += 1
        if arrived == 1:
            # Fail only once all three calls are in flight, so exactly two are cut off.
            for _ in range(500):  # at most 5 s
                if arrived == 3:
                    break
                await asyncio.sleep(0.01)
        else:
            await asyncio.sleep(5)  # still in flight when the first call's failure stops the run
        return httpx.Response(500, json={"error": {"message": "x"}})

    llm_mock.post("/chat/completions").mock(side_effect=first_fails_others_wait)
    contexts, out = _contexts(tmp_path / "contexts.jsonl", 3), tmp_path / "pairs.jsonl"
    args = ["synth", "--contexts", str(contexts), "--n", "5", "--out", str(out), "--concurrency", "3"]
    assert runner.invoke(cli, args).exit_code == 1
    rows = asyncio.run(fetch_rows("request_log", settings=env, min_rows=3, timeout_s=2.0))
    assert sorted(row["error_code"] for row in rows) == ["cancelled", "cancelled", "llm_error"]
    assert sorted(row["http_status"] for row in rows) == [499, 499, 502]
    calls = asyncio.run(fetch_rows("llm_call_log", settings=env, min_rows=3, timeout_s=2.0))
    assert sorted(call["status"] for call in calls) == ["cancelled", "cancelled", "llm_error"]
