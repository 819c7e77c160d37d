"""`calendy eval --url`: the same scoring against a running service (a real uvicorn server on loopback)."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.evaluation.remote import open_service_client, remote_answerer
from app.main import create_app
from tests.conftest import make_settings
from tests.servers import serve_in_thread
from tests.test_eval_cassette import DATASET, run_eval

CASE: dict[str, Any] = {"id": "c", "prompt": "내일 8시 운동", "now": "2023-11-23 20:25:39", "db": {}}


@pytest.fixture(scope="module")
def service_url() -> Iterator[str]:
    """The service on the local engine alone (no LLM configured), served by uvicorn in a thread."""
    app = create_app(settings=make_settings(llm_api_key=None, llm_base_url=None))
    with serve_in_thread(app) as base:
        yield base


def report_of(tmp_path: Path, name: str, *args: str | Path) -> dict[str, Any]:
    out = tmp_path / f"{name}.json"
    result = run_eval(DATASET, *args, "--json", out)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def test_url_mode_scores_like_in_process(service_url: str, tmp_path: Path) -> None:
    remote = report_of(tmp_path, "remote", "--engine", "local", "--url", service_url)
    local = report_of(tmp_path, "local", "--engine", "local")
    assert remote["url"] == service_url
    assert [(c["id"], c["outcome"], c["statements"]) for c in remote["cases"]] == [
        (c["id"], c["outcome"], c["statements"]) for c in local["cases"]
    ]


def test_url_mode_counts_errors_as_wrong_with_their_code(service_url: str, tmp_path: Path) -> None:
    # engine=llm on a service with no LLM: every request is a 503 llm_unavailable.
    report = report_of(tmp_path, "errors", "--engine", "llm", "--url", service_url)
    assert {c["outcome"] for c in report["cases"]} == {"wrong"}
    assert {c["reason"] for c in report["cases"]} == {"error llm_unavailable"}
    assert report["overall"]["precision"] == 0.0


def _answer_with(handler: Any, *, api_key: str | None = None) -> Any:
    async def run() -> Any:
        client = open_service_client(url="http://svc.test/", api_key=api_key, transport=httpx.MockTransport(handler))
        async with client:
            return await remote_answerer(client=client, engine="local")(CASE)

    return run()


@pytest.mark.anyio
async def test_api_key_from_option_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        assert request.url.path == "/v1/sql" and json.loads(request.content)["engine"] == "local"
        return httpx.Response(401, json={"error": {"code": "unauthorized", "message": "no", "details": None}})

    monkeypatch.delenv("CALENDY_API_KEY", raising=False)
    answer = await _answer_with(handler)
    monkeypatch.setenv("CALENDY_API_KEY", "from-env")
    await _answer_with(handler)
    await _answer_with(handler, api_key="from-option")
    assert seen == [None, "Bearer from-env", "Bearer from-option"]
    assert answer.error == "unauthorized"


@pytest.mark.anyio
async def test_non_json_errors_and_unreachable_service() -> None:
    answer = await _answer_with(lambda request: httpx.Response(500, text="boom"))
    assert answer.error == "http_500"

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    assert (await _answer_with(refuse)).error == "unreachable (ConnectError)"


@pytest.mark.anyio
async def test_ok_answer_carries_statements_and_usage() -> None:
    body: dict[str, Any] = {"request_id": "r", "status": "ok", "intent": "insert", "engine": "llm",
            "statements": [{"sql": "INSERT INTO TODO (title, due_time) VALUES ('a', '2023-11-24 08:00:00')",
                            "kind": "insert", "table": "TODO"}],
            "usage": {"prompt_tokens": 7, "completion_tokens": 3, "cached_tokens": 0}}  # fmt: skip
    answer = await _answer_with(lambda request: httpx.Response(200, json=body))
    assert answer.status == "ok" and answer.engine == "llm"
    assert answer.statements == [body["statements"][0]["sql"]]
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (7, 3)
