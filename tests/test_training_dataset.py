"""`calendy dataset export` and `from-feedback`: the service's own messages, checked; feedback as pairs."""

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import respx
from sqlalchemy import insert
from typer.testing import CliRunner
from ulid import ULID

from app.cli import cli
from app.db.connection import build_engine
from app.db.migrate import upgrade_database
from app.db.models import Feedback, RequestLog
from app.settings import Settings, get_settings
from app.training.export import check_examples
from tests.conftest import CONTEXT, completion, make_settings, open_client

NOW = "2023-11-23 20:25:39"
runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI on a fresh SQLite database of its own (feedback of other tests stays out)."""
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'training.db'}", data_dir=tmp_path)
    for name, value in {"DATABASE_URL": settings.database_url, "DATA_DIR": str(tmp_path)}.items():
        monkeypatch.setenv(f"CALENDY_{name}", str(value))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def _insert(hour: int) -> str:
    return f"INSERT INTO TODO (title, due_time, category_id) VALUES ('운동 {hour}', '2023-11-24 {hour:02d}:00:00', 2)"


def _pair(hour: int, **request: Any) -> dict[str, Any]:
    body = {"prompt": f"내일 {hour}시 운동 {hour} 추가", "now": NOW, **CONTEXT, **request}
    return {"request": body, "sql": [_insert(hour)], "source": "test"}


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_writes_the_service_messages_and_a_split(env: Settings, tmp_path: Path) -> None:
    pairs = _write(tmp_path / "pairs.jsonl", [_pair(hour) for hour in range(1, 14)])
    out = tmp_path / "train.jsonl"
    result = runner.invoke(cli, ["dataset", "export", str(pairs), "--out", str(out), "--val", "0.25", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "examples: 13" in result.output and "duplicates: 0" in result.output
    train, val = _read(out), _read(tmp_path / "train.val.jsonl")
    assert (len(train), len(val)) == (10, 3)
    example = train[0]["messages"]
    assert example[0]["role"] == "system" and example[-1]["role"] == "assistant"
    assert example[-1]["content"].endswith(";") and example[-2]["content"].startswith("내일")
    again = tmp_path / "again.jsonl"
    runner.invoke(cli, ["dataset", "export", str(pairs), "--out", str(again), "--val", "0.25", "--seed", "3"])
    assert _read(again) == train  # the split is deterministic
    bare = tmp_path / "bare.jsonl"
    result = runner.invoke(cli, ["dataset", "export", str(pairs), "--out", str(bare), "--no-exemplars"])
    assert result.exit_code == 0, result.output
    assert [m["role"] for m in _read(bare)[0]["messages"]] == ["system", "user", "user", "assistant"]


@pytest.mark.anyio
async def test_export_messages_are_byte_identical_to_the_service(
    env: Settings, tmp_path: Path, llm_mock: respx.MockRouter
) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion(_insert(8) + ";"))
    request = _pair(8)["request"]
    async for client in open_client(make_settings()):
        response = await client.post("/v1/sql", json={**request, "engine": "llm"})
        assert response.status_code == 200, response.text
    sent = json.loads(route.calls.last.request.content)["messages"]
    pairs = _write(tmp_path / "pairs.jsonl", [_pair(8)] + [_pair(hour) for hour in range(9, 20)])
    out = tmp_path / "train.jsonl"
    result = await asyncio.to_thread(runner.invoke, cli, ["dataset", "export", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    first = _read(out)[0]["messages"]
    assert first[:-1] == sent
    assert first[-1] == {"role": "assistant", "content": _insert(8) + ";"}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_pair(h) for h in range(1, 6)], "5 training examples; fine-tuning needs at least 10"),
        ([_pair(1)] * 11, "example 2: duplicate of example 1"),
        ([_pair(h) for h in range(1, 11)] + [{"request": {"prompt": "x"}, "sql": []}], "line 11: request.now"),
        ([_pair(h) for h in range(1, 11)] + [{**_pair(11), "sql": [" "]}], "line 11: sql: an empty statement"),
    ],
)
def test_export_refuses_bad_data(env: Settings, tmp_path: Path, rows: list[Any], message: str) -> None:
    pairs = _write(tmp_path / "pairs.jsonl", rows)
    out = tmp_path / "train.jsonl"
    result = runner.invoke(cli, ["dataset", "export", str(pairs), "--out", str(out)])
    assert result.exit_code == 1
    assert message in result.output
    assert not out.exists()


def test_export_refuses_examples_over_the_token_limit(env: Settings, tmp_path: Path) -> None:
    pairs = _write(tmp_path / "pairs.jsonl", [_pair(h) for h in range(1, 12)])
    result = runner.invoke(
        cli, ["dataset", "export", str(pairs), "--out", str(tmp_path / "t.jsonl"), "--max-tokens", "50"]
    )
    assert result.exit_code == 1 and "over the limit of 50" in result.output


def test_format_checks_of_the_cookbook() -> None:
    good = {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}
    bad = [
        "not a dict",
        {"messages": []},
        {"messages": [{"role": "user"}]},
        {"messages": [{"role": "robot", "content": "a"}, {"role": "assistant", "content": "b"}]},
        {"messages": [{"role": "user", "content": " "}, {"role": "assistant", "content": "b"}]},
        {"messages": [{"role": "user", "content": "a", "extra": 1}, {"role": "assistant", "content": "b"}]},
        {"messages": [{"role": "user", "content": "a"}]},
    ]
    report = check_examples(examples=[good, *bad], minimum=1)
    assert dict(report.format_errors) == {
        "data_type": 1, "missing_messages_list": 1, "message_missing_key": 1, "unrecognized_role": 1,
        "missing_content": 1, "message_unrecognized_key": 1, "example_missing_assistant_message": 2,
    }  # fmt: skip
    assert len(report.tokens) == 1 and len(report.problems) == len(bad)


def _log_rows(settings: Settings, rows: list[tuple[dict[str, Any] | None, list[str], list[dict[str, Any]]]]) -> None:
    """Request-log rows (body, statements) with their feedback rows."""

    async def run() -> None:
        engine = build_engine(settings)
        try:
            async with engine.begin() as connection:
                for body, statements, feedback in rows:
                    request_id = str(ULID())
                    await connection.execute(
                        insert(RequestLog).values(
                            request_id=request_id,
                            created_at=datetime.now(UTC),
                            method="POST",
                            route="/v1/sql",
                            http_status=200,
                            request_body=body,
                            statements=[{"sql": s} for s in statements],
                            llm_calls=1,
                            prompt_tokens=0,
                            completion_tokens=0,
                            cached_tokens=0,
                            latency_ms=1.0,
                            llm_latency_ms=1.0,
                        )
                    )
                    for item in feedback:
                        values = {"request_id": request_id, "created_at": datetime.now(UTC), **item}
                        await connection.execute(insert(Feedback).values(**values))
        finally:
            await engine.dispose()

    upgrade_database(settings)
    asyncio.run(run())


def test_from_feedback_uses_executed_and_corrected_never_undone(env: Settings, tmp_path: Path) -> None:
    body = lambda hour: {**_pair(hour)["request"], "engine": "auto"}  # noqa: E731
    _log_rows(
        env,
        [
            (body(1), [_insert(1)], [{"outcome": "executed"}]),
            (body(2), [_insert(2)], [{"outcome": "corrected", "corrected_sql": _insert(3)}]),
            (body(4), [_insert(4)], [{"outcome": "undone"}]),
            (body(5), [_insert(5)], [{"outcome": "executed"}, {"outcome": "undone"}]),
            (body(6), [_insert(6)], [{"outcome": "failed", "error": "no such table"}]),
            (None, [_insert(7)], [{"outcome": "executed"}]),  # prompts redacted
            (body(8), ["DELETE FROM TODO"], [{"outcome": "executed"}]),  # fails validation now
        ],
    )
    out = tmp_path / "pairs.jsonl"
    result = runner.invoke(cli, ["dataset", "from-feedback", "--out", str(out)])
    assert result.exit_code == 0, result.output
    pairs = _read(out)
    assert [(p["request"]["prompt"], p["sql"]) for p in pairs] == [
        ("내일 1시 운동 1 추가", [_insert(1)]),
        ("내일 2시 운동 2 추가", [_insert(3)]),
    ]
    assert pairs[0]["source"].startswith("feedback:executed:") and pairs[1]["source"].startswith("feedback:corrected:")
    assert "skipped 3: no positive outcome" in result.output
    assert "skipped 1: request not stored (redacted)" in result.output
    assert "skipped 1: failed validation" in result.output
