"""Record a mocked model's answers over a small dataset, then replay them with the network off."""

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner, Result

from app.cli.eval import eval_command
from app.evaluation.cassette import RecordingTransport, ReplayTransport
from app.evaluation.cassette_file import load_cassette
from app.settings import PROJECT_ROOT, get_settings
from tests.conftest import LLM_BASE_URL, completion
from tests.model_mock import mock_model

DATASET = Path(__file__).parent / "data" / "eval_small.jsonl"
# What the mocked model says to each command of eval_small.jsonl: right but for the dentist (3 am, not
# 3 pm), and a refusal where the gold is SQL (declined).
MODEL_ANSWERS = {
    "내일 저녁 8시에 자바 과제 질문 메일 보내기": "```sql\nINSERT INTO TODO (title, due_time, category_id) "
    "VALUES ('자바 과제 질문 메일 보내기', '2024-04-18 20:00:00', 1);\n```",
    "수진이랑 영화 토요일로 옮겨줘": "UPDATE SCHEDULE SET start_time = '2024-04-20 19:00:00', "
    "end_time = '2024-04-20 21:30:00' WHERE id = 1;",
    "delete 줄넘기 on Saturday": "DELETE FROM TODO WHERE id = 5;",
    "show my homework": "SELECT * FROM TODO WHERE id IN (1, 2);",
    "피아노 레슨 취소해줘": "NO_SUCH_PLAN",
    "모레 오후 3시 치과 예약": "INSERT INTO TODO (title, due_time) VALUES ('치과 예약', '2024-04-19 03:00:00');",
    "call mom the day after tomorrow at noon": "NOT_UNDERSTOOD: I only manage plans.",
}
EXPECTED = {
    "small-ko-insert": "correct", "small-ko-update": "correct", "small-en-delete": "correct",
    "small-en-select": "correct", "small-ko-no-such-plan": "correct", "small-ko-insert-time": "wrong",
    "small-en-insert-noon": "declined",
}  # fmt: skip
_LLM_ENV = ("CALENDY_LLM_API_KEY", "OPENAI_API_KEY", "CALENDY_LLM_BASE_URL", "OPENAI_BASE_URL", "CALENDY_LLM_MODEL")


def fake_model(answers: dict[str, str]) -> Any:
    """A respx side effect answering the last user message (the command) from `answers`."""

    def respond(request: httpx.Request) -> httpx.Response:
        command = json.loads(request.content)["messages"][-1]["content"]
        reply = answers.get(command, "NOT_UNDERSTOOD")
        return httpx.Response(200, json=completion(reply, prompt_tokens=1000 + len(command), completion_tokens=25))

    return respond


def clear_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No LLM in the environment; settings are re-read from it."""
    for name in _LLM_ENV:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """No test leaves settings cached from the environment it changed."""
    yield
    get_settings.cache_clear()


@pytest.fixture
def llm_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment with the mocked model configured (and no retries)."""
    clear_llm_env(monkeypatch)
    monkeypatch.setenv("CALENDY_LLM_BASE_URL", LLM_BASE_URL)
    monkeypatch.setenv("CALENDY_LLM_API_KEY", "sk-test")
    monkeypatch.setenv("CALENDY_LLM_MODEL", "gpt-test")
    monkeypatch.setenv("CALENDY_LLM_MAX_RETRIES", "0")
    return monkeypatch


def turn_network_off(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on every real send (httpx transport or socket connect) is refused and noted."""
    attempts: list[str] = []

    async def refuse_http(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        attempts.append(str(request.url))
        raise httpx.ConnectError("network is off in this test", request=request)

    def refuse_socket(self: socket.socket, address: Any) -> None:
        attempts.append(str(address))
        raise OSError("network is off in this test")

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", refuse_http)
    monkeypatch.setattr(socket.socket, "connect", refuse_socket)
    return attempts


def run_eval(*args: str | Path) -> Result:
    """`calendy eval ARGS` through typer's test runner, with settings read from the environment of now."""
    app = typer.Typer()
    app.command()(eval_command)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, [str(a) for a in args])
    finally:
        get_settings.cache_clear()


def record(tmp_path: Path, answers: dict[str, str], *, name: str = "a") -> tuple[Path, dict[str, Any]]:
    """Record a run of eval_small.jsonl against the mocked model; the cassette and the JSON report."""
    cassette, report = tmp_path / f"{name}.cassette.jsonl", tmp_path / f"{name}.json"
    with mock_model(base_url=LLM_BASE_URL, assert_all_called=False) as mock:
        route = mock.post("/chat/completions").mock(side_effect=fake_model(answers))
        result = run_eval(DATASET, "--engine", "llm", "--record", cassette, "--json", report)
    assert result.exit_code == 0, result.output
    assert route.call_count == len(MODEL_ANSWERS)
    return cassette, json.loads(report.read_text(encoding="utf-8"))


def outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["outcome"] for c in report["cases"]}


@pytest.fixture
def recorded(tmp_path: Path, llm_env: pytest.MonkeyPatch) -> tuple[Path, dict[str, Any]]:
    """eval_small.jsonl recorded from the mocked model: the cassette and the run's JSON report."""
    return record(tmp_path, MODEL_ANSWERS)


def test_recording_scores_the_mocked_model_and_keeps_no_secret(recorded: tuple[Path, dict[str, Any]]) -> None:
    cassette, report = recorded
    assert outcomes(report) == EXPECTED
    assert report["overall"]["prompt_tokens"] > 0
    text = cassette.read_text(encoding="utf-8")
    assert "sk-test" not in text  # request headers are never stored
    header, *exchanges = (json.loads(line) for line in text.splitlines())
    assert header["calendy_cassette"] == 1 and header["model"] == "gpt-test"
    # The system prompt and exemplars, the same in every request, are stored once.
    assert header["shared_messages"]
    assert all(e["request"]["body"]["messages"][0].keys() == {"shared"} for e in exchanges)
    assert {e["case"] for e in exchanges} == set(EXPECTED)
    assert all(e["request"]["path"] == "/chat/completions" and e["response"]["status"] == 200 for e in exchanges)


def test_replay_offline_without_llm_configured_gives_the_same_scores(
    tmp_path: Path, recorded: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette, before = recorded
    clear_llm_env(monkeypatch)
    assert not get_settings().llm_configured
    attempts = turn_network_off(monkeypatch)
    result = run_eval(DATASET, "--engine", "llm", "--replay", cassette, "--json", tmp_path / "replayed.json")
    assert result.exit_code == 0, result.output
    assert attempts == []
    after = json.loads((tmp_path / "replayed.json").read_text(encoding="utf-8"))
    assert outcomes(after) == EXPECTED
    for key in (
        "correct",
        "declined",
        "wrong",
        "missed",
        "precision",
        "coverage",
        "prompt_tokens",
        "completion_tokens",
    ):
        assert after["overall"][key] == before["overall"][key], key
    assert [c["statements"] for c in after["cases"]] == [c["statements"] for c in before["cases"]]
    assert after["model"] == "gpt-test"  # the cassette's model, so the requests match
    assert result.stdout.splitlines()[-3].endswith("CACHE MISSES 0")


def test_changed_system_prompt_is_a_cache_miss_for_every_case(
    tmp_path: Path, recorded: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette, _ = recorded
    prompts = tmp_path / "prompts"
    shutil.copytree(PROJECT_ROOT / "prompts", prompts)
    system = prompts / "system.txt"
    system.write_text(system.read_text(encoding="utf-8") + "\nAnswer briefly.\n", encoding="utf-8")
    clear_llm_env(monkeypatch)
    monkeypatch.setenv("CALENDY_PROMPTS_DIR", str(prompts))
    attempts = turn_network_off(monkeypatch)
    result = run_eval(DATASET, "--engine", "llm", "--replay", cassette, "--json", tmp_path / "changed.json")
    assert result.exit_code == 1, result.output  # a replay that missed is not a result to trust
    assert attempts == []
    report = json.loads((tmp_path / "changed.json").read_text(encoding="utf-8"))
    assert set(outcomes(report).values()) == {"miss"}
    assert report["overall"]["missed"] == len(EXPECTED) and report["overall"]["wrong"] == 0
    lines = result.stdout.splitlines()
    assert sum(line.startswith("CACHE MISS ") for line in lines) == len(EXPECTED)
    assert lines[-3].endswith(f"CACHE MISSES {len(EXPECTED)}")


def test_changed_command_misses_only_its_case(
    tmp_path: Path, recorded: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette, _ = recorded
    dataset = tmp_path / "edited.jsonl"
    text = DATASET.read_text(encoding="utf-8").replace("show my homework", "show my homework please")
    dataset.write_text(text, encoding="utf-8")
    clear_llm_env(monkeypatch)
    turn_network_off(monkeypatch)
    result = run_eval(dataset, "--engine", "llm", "--replay", cassette, "--json", tmp_path / "edited.json")
    assert result.exit_code == 1
    assert outcomes(json.loads((tmp_path / "edited.json").read_text(encoding="utf-8"))) == {
        **EXPECTED, "small-en-select": "miss"
    }  # fmt: skip
    assert "CACHE MISS small-en-select: request" in result.stdout


@pytest.mark.anyio
async def test_recorder_keys_ignore_headers_host_and_key_order(tmp_path: Path) -> None:
    def upstream(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"n": json.loads(request.content)["n"]}, headers={"x-trace": "1"})

    recorder = RecordingTransport(base_url="http://a.test/v1", model="m", inner=httpx.MockTransport(upstream))
    async with httpx.AsyncClient(transport=recorder) as client:
        await client.post("http://a.test/v1/chat/completions", json={"n": 1, "model": "m"}, headers={"k": "x"})
        await client.post("http://a.test/v1/chat/completions", json={"n": 2, "model": "m"})
    recorder.save(tmp_path / "c.jsonl")
    assert recorder.exchanges == 2
    replay = ReplayTransport(cassette=load_cassette(tmp_path / "c.jsonl"), base_url="http://b.test/api/v1")
    async with httpx.AsyncClient(transport=replay) as client:
        # Another host and prefix, keys in another order, other headers: the same request.
        response = await client.post(
            "http://b.test/api/v1/chat/completions",
            content=b'{"model": "m", "n": 2}',
            headers={"authorization": "Bearer other", "content-type": "application/json"},
        )
        assert response.json() == {"n": 2} and response.headers["x-trace"] == "1"
        with pytest.raises(httpx.TransportError, match="not in the cassette"):
            await client.post("http://b.test/api/v1/chat/completions", json={"n": 3, "model": "m"})
    assert len(replay.misses) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "local", "--record", "c.jsonl"], "need the LLM path"),
        (["--engine", "llm", "--record", "a.jsonl", "--replay", "b.jsonl"], "exclude each other"),
        (["--engine", "llm", "--replay", "c.jsonl", "--url", "http://127.0.0.1:9"], "in-process"),
        (["--engine", "llm", "--replay", "missing.jsonl"], "no cassette"),
    ],
)
def test_option_conflicts(args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.jsonl").write_text("", encoding="utf-8")
    result = run_eval(DATASET, *args)
    assert result.exit_code == 2 and message in result.output


def test_record_without_a_model_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clear_llm_env(monkeypatch)
    result = run_eval(DATASET, "--engine", "llm", "--record", tmp_path / "c.jsonl")
    assert result.exit_code == 2 and "needs a model" in result.output


def test_malformed_cassette_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clear_llm_env(monkeypatch)
    (tmp_path / "bad.jsonl").write_text('{"key": "k"}\n', encoding="utf-8")
    result = run_eval(DATASET, "--engine", "llm", "--replay", tmp_path / "bad.jsonl")
    assert result.exit_code == 2 and "bad.jsonl:1: not a cassette exchange" in result.output
