"""`calendy finetune`: upload, create, poll to the end, record the model; resume after a restart."""

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
from app.settings import Settings, get_settings
from tests.conftest import LLM_BASE_URL, cli_environment, fetch_rows, make_settings

runner = CliRunner()
JOB = "ftjob-abc123"
MODEL = "ft:gpt-4o-mini-2024-07-18:calendy::abc123"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI against the mocked API and a fresh SQLite database, polling without a pause."""
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'ft.db'}", data_dir=tmp_path)
    with cli_environment(
        monkeypatch, settings, LLM_BASE_URL=LLM_BASE_URL, LLM_API_KEY="sk-test", LLM_MAX_RETRIES=0, FINETUNE_POLL_S=0
    ) as configured:
        yield configured


def job(status: str, **extra: Any) -> dict[str, Any]:
    """A fine-tuning job body as the API sends it."""
    return {
        "id": JOB, "object": "fine_tuning.job", "created_at": 1700000000, "model": "gpt-4o-mini-2024-07-18",
        "status": status, "training_file": "file-train", "validation_file": "file-val", "fine_tuned_model": None,
        "finished_at": None, "error": None, "hyperparameters": {"n_epochs": 3}, "organization_id": "org-1",
        "result_files": [], "seed": 1, "trained_tokens": None, **extra,
    }  # fmt: skip


def _file(request: httpx.Request) -> httpx.Response:
    name = "file-val" if b"val.jsonl" in request.content else "file-train"
    body = {"id": name, "object": "file", "bytes": 10, "created_at": 1700000000, "filename": name,
            "purpose": "fine-tune", "status": "processed"}  # fmt: skip
    return httpx.Response(200, json=body)


def mock_api(llm_mock: respx.MockRouter, states: list[dict[str, Any]]) -> dict[str, respx.Route]:
    """Files, job creation, a job that walks through `states`, and its checkpoints."""
    checkpoint = {
        "id": "ftckpt-1", "object": "fine_tuning.job.checkpoint", "created_at": 1700000100, "step_number": 90,
        "fine_tuning_job_id": JOB, "fine_tuned_model_checkpoint": MODEL,
        "metrics": {"train_loss": 0.12, "valid_loss": 0.2, "full_valid_loss": 0.21},
    }  # fmt: skip
    return {
        "files": llm_mock.post("/files").mock(side_effect=_file),
        "create": llm_mock.post("/fine_tuning/jobs").respond(json=job("validating_files")),
        "retrieve": llm_mock.get(f"/fine_tuning/jobs/{JOB}").mock(
            side_effect=[httpx.Response(200, json=state) for state in states]
        ),
        "checkpoints": llm_mock.get(f"/fine_tuning/jobs/{JOB}/checkpoints").respond(
            json={"object": "list", "data": [checkpoint], "has_more": False}
        ),
        "cancel": llm_mock.post(f"/fine_tuning/jobs/{JOB}/cancel").respond(json=job("cancelled")),
    }


SUCCEEDS = [job("queued"), job("running"), job("succeeded", fine_tuned_model=MODEL, trained_tokens=5000)]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    train, val = tmp_path / "train.jsonl", tmp_path / "val.jsonl"
    train.write_text('{"messages": []}\n', encoding="utf-8")
    val.write_text('{"messages": []}\n', encoding="utf-8")
    return train, val


def _rows(settings: Settings, table: str, **where: Any) -> list[dict[str, Any]]:
    return asyncio.run(fetch_rows(table, settings=settings, timeout_s=0.2, **where))


def test_a_job_that_succeeds_ends_in_finetuned_models(
    env: Settings, tmp_path: Path, llm_mock: respx.MockRouter
) -> None:
    routes = mock_api(llm_mock, SUCCEEDS)
    train, val = _files(tmp_path)
    result = runner.invoke(
        cli, ["finetune", "start", str(train), "--val", str(val), "--base", "gpt-4o-mini-2024-07-18"]
    )
    assert result.exit_code == 0, result.output
    assert f"job {JOB} succeeded: model {MODEL}" in result.output
    assert routes["files"].call_count == 2 and routes["retrieve"].call_count == 3
    purposes = [b"fine-tune" in call.request.content for call in routes["files"].calls]
    assert purposes == [True, True]
    created = json.loads(routes["create"].calls.last.request.content)
    assert created == {"model": "gpt-4o-mini-2024-07-18", "training_file": "file-train", "validation_file": "file-val"}
    [model] = _rows(env, "finetuned_models")
    assert model["model"] == MODEL and model["job_id"] == JOB and model["base_model"] == "gpt-4o-mini-2024-07-18"
    assert (model["training_file_id"], model["validation_file_id"]) == ("file-train", "file-val")
    assert model["metrics"] == {"trained_tokens": 5000, "step": 90, "train_loss": 0.12, "valid_loss": 0.2,
                                "full_valid_loss": 0.21}  # fmt: skip
    [row] = _rows(env, "finetune_jobs")
    assert row["status"] == "succeeded" and row["finished_at"] is not None
    listed = runner.invoke(cli, ["finetune", "list"])
    assert listed.exit_code == 0 and JOB in listed.output and "succeeded" in listed.output


def test_a_job_that_fails_is_reported_with_its_error(env: Settings, tmp_path: Path, llm_mock: respx.MockRouter) -> None:
    error = {"code": "invalid_training_file", "message": "line 3: missing assistant message", "param": None}
    mock_api(llm_mock, [job("running"), job("failed", error=error)])
    train, _ = _files(tmp_path)
    result = runner.invoke(cli, ["finetune", "start", str(train), "--base", "gpt-4o-mini-2024-07-18"])
    assert result.exit_code == 1
    assert f"job {JOB} failed: invalid_training_file: line 3: missing assistant message" in result.output
    assert _rows(env, "finetuned_models") == []
    [row] = _rows(env, "finetune_jobs")
    assert row["status"] == "failed" and "missing assistant message" in row["error"]


def test_status_resumes_a_job_after_a_restart(env: Settings, tmp_path: Path, llm_mock: respx.MockRouter) -> None:
    routes = mock_api(llm_mock, SUCCEEDS)
    train, _ = _files(tmp_path)
    started = runner.invoke(cli, ["finetune", "start", str(train), "--base", "gpt-4o-mini-2024-07-18", "--no-wait"])
    assert started.exit_code == 0, started.output
    assert routes["retrieve"].call_count == 0
    [row] = _rows(env, "finetune_jobs")
    assert row["status"] == "validating_files"
    get_settings.cache_clear()  # a new process: nothing but the database remembers the job
    resumed = runner.invoke(cli, ["finetune", "status"])
    assert resumed.exit_code == 0, resumed.output
    assert f"job {JOB} succeeded: model {MODEL}" in resumed.output
    assert [m["model"] for m in _rows(env, "finetuned_models")] == [MODEL]


def test_cancel_and_unknown_job(env: Settings, tmp_path: Path, llm_mock: respx.MockRouter) -> None:
    mock_api(llm_mock, [])
    train, _ = _files(tmp_path)
    runner.invoke(cli, ["finetune", "start", str(train), "--base", "gpt-4o-mini-2024-07-18", "--no-wait"])
    cancelled = runner.invoke(cli, ["finetune", "cancel", JOB])
    assert cancelled.exit_code == 0 and "cancelled" in cancelled.output
    assert _rows(env, "finetune_jobs")[0]["status"] == "cancelled"
    unknown = runner.invoke(cli, ["finetune", "status", "ftjob-nope"])
    assert unknown.exit_code == 1 and "no fine-tuning job ftjob-nope" in unknown.output


def test_a_job_created_twice_is_reported_not_a_traceback(
    env: Settings, tmp_path: Path, llm_mock: respx.MockRouter
) -> None:
    mock_api(llm_mock, SUCCEEDS)
    train, _ = _files(tmp_path)
    first = runner.invoke(cli, ["finetune", "start", str(train), "--base", "gpt-4o-mini-2024-07-18"])
    assert first.exit_code == 0, first.output
    mock_api(llm_mock, SUCCEEDS)  # the API hands out the same job id again: storing it fails
    again = runner.invoke(cli, ["finetune", "start", str(train), "--base", "gpt-4o-mini-2024-07-18"])
    assert again.exit_code == 1
    assert f"job {JOB} was created but could not be stored" in again.output
    assert "Traceback" not in again.output
