"""Operations: /readyz, /metrics, JSON logs with the request id, `calendy logs`."""

import asyncio
import json
import logging
import re

import httpx
import pytest
import respx
from typer.testing import CliRunner

from app.cli import cli
from app.db.migrate import head_revision
from app.ops.structured_logs import JsonFormatter, logging_config, request_id_var
from app.settings import Settings
from tests.conftest import completion, make_settings, open_client, sql_request

pytestmark = pytest.mark.anyio


def sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one series of a Prometheus text exposition (0 when absent)."""
    for line in metrics.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_readyz(client: httpx.AsyncClient, offline_client: httpx.AsyncClient) -> None:
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    expected = {"status": "ready", "database": "ok", "migrations": f"current ({head_revision()})", "llm": "configured"}
    assert ready.json() == expected
    assert (await offline_client.get("/readyz")).json()["llm"] == "not_configured"


async def test_readyz_reports_a_database_behind(tmp_path: object) -> None:
    fresh = make_settings(database_url=f"sqlite:///{tmp_path}/fresh.db", db_auto_migrate=False)
    async for client in open_client(fresh):
        response = await client.get("/readyz")
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] == "not_ready"
        assert "calendy db upgrade" in error["details"]["migrations"]


async def test_metrics_count_requests_tokens_rejections_repairs(llm_mock: respx.MockRouter) -> None:
    first = completion("DELETE FROM TODO;", prompt_tokens=100, completion_tokens=10)
    repaired = completion("DELETE FROM TODO WHERE id = 12;", prompt_tokens=150, completion_tokens=12, cached=50)
    llm_mock.post("/chat/completions").mock(
        side_effect=[httpx.Response(200, json=first), httpx.Response(200, json=repaired)]
    )
    async for client in open_client(make_settings()):
        assert (await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))).status_code == 200
        assert (await client.post("/v1/sql", json=sql_request("x", engine="bad"))).status_code == 422
        response = await client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert sample(text, "calendy_http_requests_total", route="/v1/sql", status="200", engine="llm") == 1
    assert sample(text, "calendy_http_requests_total", route="/v1/sql", status="422", engine="none") == 1
    assert sample(text, "calendy_http_request_duration_seconds_count", route="/v1/sql", engine="llm") == 1
    assert sample(text, "calendy_llm_tokens_total", kind="prompt") == 250
    assert sample(text, "calendy_llm_tokens_total", kind="completion") == 22
    assert sample(text, "calendy_llm_tokens_total", kind="cached") == 50
    assert sample(text, "calendy_llm_calls_total", purpose="sql", status="rejected") == 1
    assert sample(text, "calendy_validation_rejections_total", purpose="sql") == 1
    assert sample(text, "calendy_repairs_total", result="succeeded") == 1
    assert sample(text, "calendy_llm_call_duration_seconds_count", purpose="repair") == 1


async def test_metrics_multiprocess_mode(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, offline_client: httpx.AsyncClient
) -> None:
    """With PROMETHEUS_MULTIPROC_DIR set, /metrics reads the shared directory (empty here)."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    response = await offline_client.get("/metrics")
    assert response.status_code == 200


def test_json_log_lines_carry_the_request_id() -> None:
    formatter = JsonFormatter()
    record = logging.makeLogRecord({"name": "calendy.test", "levelname": "INFO", "msg": "hello %s", "args": ("you",)})
    record.engine = "local"
    token = request_id_var.set("01TESTREQUEST")
    try:
        line = json.loads(formatter.format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "hello you" and line["request_id"] == "01TESTREQUEST"
    assert line["level"] == "info" and line["logger"] == "calendy.test" and line["engine"] == "local"
    config = logging_config(make_settings(log_format="json"))
    assert config["formatters"]["default"]["()"] is JsonFormatter


async def test_access_line_per_request(offline_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="calendy.access"):
        response = await offline_client.post("/v1/sql", json=sql_request("x", engine="nope"))
    [record] = [r for r in caplog.records if r.name == "calendy.access"]
    assert record.request_id == response.headers["x-request-id"]  # type: ignore[attr-defined]
    assert record.status == 422 and record.error_code == "invalid_request"  # type: ignore[attr-defined]


def test_calendy_logs_lists_the_row(cli_env: Settings) -> None:
    async def one_request() -> str:
        async for client in open_client(cli_env):
            response = await client.post("/v1/sql", json=sql_request("x", engine="nope"))
        return response.headers["x-request-id"]

    # The CLI runs its own event loop: this test has none running.
    request_id = asyncio.run(one_request())
    runner = CliRunner()
    listed = runner.invoke(cli, ["logs", "--limit", "200"])
    assert listed.exit_code == 0, listed.output
    [line] = [line for line in listed.stdout.splitlines() if request_id in line]
    assert "POST /v1/sql" in line and "422" in line and "invalid_request" in line
    as_json = runner.invoke(cli, ["logs", "--json", "--errors", "--limit", "200"])
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert any(row["request_id"] == request_id for row in rows)
    assert all(row["http_status"] >= 400 for row in rows)
    shown = runner.invoke(cli, ["logs", "--request", request_id])
    assert json.loads(shown.stdout)["error_code"] == "invalid_request"
    assert runner.invoke(cli, ["logs", "--request", "nope"]).exit_code == 1
