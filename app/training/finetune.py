"""Fine-tuning jobs on the OpenAI API: upload, create, poll until the end, record the result."""

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
from openai import AsyncOpenAI
from openai.types.fine_tuning import FineTuningJob
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.errors import AppError
from app.training.jobs_db import TERMINAL, get_job, insert_job, record_model, update_job


class FinetuneError(AppError):
    """A fine-tuning step failed (upload, job creation, the job itself)."""

    code = "finetune_error"


@dataclass(frozen=True)
class JobState:
    """The last state of a job as polled."""

    job_id: str
    status: str
    fine_tuned_model: str | None
    error: str | None
    trained_tokens: int | None = None


def _state(job: FineTuningJob) -> JobState:
    error = None
    if job.error is not None and (job.error.message or job.error.code):
        error = f"{job.error.code or 'error'}: {job.error.message or ''}".strip()
    return JobState(job.id, job.status, job.fine_tuned_model, error, job.trained_tokens)


async def upload_file(*, client: AsyncOpenAI, path: Path) -> str:
    """Upload one JSONL file for fine-tuning; its file id."""
    try:
        content = await asyncio.to_thread(path.read_bytes)
        uploaded = await client.files.create(file=(path.name, content), purpose="fine-tune")
    except (OSError, openai.OpenAIError) as exc:
        raise FinetuneError(f"cannot upload {path}: {exc}") from exc
    return uploaded.id


def detect_purpose(*, train: Path, prompts_dir: Path) -> str:
    """`help` when the file's first example is a /v1/help one (its system prompt), else `sql`."""
    help_start = (prompts_dir / "help_system.txt").read_text(encoding="utf-8").splitlines()[0]
    with train.open(encoding="utf-8") as handle:
        first = handle.readline()
    try:
        system = str(json.loads(first)["messages"][0]["content"])
    except (ValueError, KeyError, IndexError, TypeError):
        return "sql"
    return "help" if system.startswith(help_start) else "sql"


async def start_job(
    *, client: AsyncOpenAI, engine: AsyncEngine, train: Path, val: Path | None, base: str, suffix: str | None = None,
    purpose: str = "sql",
) -> JobState:  # fmt: skip
    """Upload the files, create the job and remember it in the database."""
    training_file = await upload_file(client=client, path=train)
    validation_file = await upload_file(client=client, path=val) if val is not None else None
    extra: dict[str, Any] = {"suffix": suffix} if suffix else {}
    try:
        job = await client.fine_tuning.jobs.create(
            model=base, training_file=training_file, validation_file=validation_file or openai.omit, **extra
        )
    except openai.OpenAIError as exc:
        raise FinetuneError(f"cannot create the fine-tuning job: {exc}") from exc
    try:
        await insert_job(
            engine=engine, job_id=job.id, base_model=base, training_file_id=training_file,
            validation_file_id=validation_file, status=job.status, purpose=purpose,
        )  # fmt: skip
    except SQLAlchemyError as exc:
        # The job runs on the API whatever happens here: say which one, so it can be followed.
        raise FinetuneError(
            f"job {job.id} was created but could not be stored ({exc.__class__.__name__}); "
            f"follow it on the provider's dashboard or cancel it there"
        ) from exc
    return _state(job)


async def _final_metrics(*, client: AsyncOpenAI, job_id: str, trained_tokens: int | None) -> dict[str, Any]:
    metrics: dict[str, Any] = {"trained_tokens": trained_tokens} if trained_tokens is not None else {}
    try:
        page = await client.fine_tuning.jobs.checkpoints.list(job_id)
    except openai.OpenAIError:
        return metrics  # metrics are optional: a missing checkpoint list is no failure
    if page.data:
        last = max(page.data, key=lambda checkpoint: checkpoint.step_number)
        # The checkpoint's integer step_number wins over the float `step` inside its metrics.
        metrics.update({**last.metrics.model_dump(exclude_none=True), "step": last.step_number})
    return metrics


async def poll_job(
    *, client: AsyncOpenAI, engine: AsyncEngine, job_id: str, interval_s: float,
    on_update: Callable[[JobState], None] | None = None,
) -> JobState:  # fmt: skip
    """Poll until the job ends, storing each state; on success the model goes into finetuned_models."""
    if await get_job(engine=engine, job_id=job_id) is None:
        raise FinetuneError(f"no fine-tuning job {job_id} in the database (see `calendy finetune list`)")
    while True:
        try:
            state = _state(await client.fine_tuning.jobs.retrieve(job_id))
        except openai.OpenAIError as exc:
            raise FinetuneError(f"cannot read job {job_id}: {exc} (run `calendy finetune status` again)") from exc
        row = await update_job(
            engine=engine, job_id=job_id, status=state.status, fine_tuned_model=state.fine_tuned_model,
            error=state.error,
        )  # fmt: skip
        if on_update is not None:
            on_update(state)
        if state.status in TERMINAL:
            break
        await asyncio.sleep(interval_s)
    if state.status == "succeeded" and state.fine_tuned_model and row is not None:
        metrics = await _final_metrics(client=client, job_id=job_id, trained_tokens=state.trained_tokens)
        await record_model(engine=engine, job=row, model=state.fine_tuned_model, metrics=metrics or None)
    return state


async def cancel_job(*, client: AsyncOpenAI, engine: AsyncEngine, job_id: str) -> JobState:
    """Ask the API to cancel a job and store the state it answers with."""
    try:
        state = _state(await client.fine_tuning.jobs.cancel(job_id))
    except openai.OpenAIError as exc:
        raise FinetuneError(f"cannot cancel job {job_id}: {exc}") from exc
    await update_job(
        engine=engine, job_id=job_id, status=state.status, fine_tuned_model=state.fine_tuned_model, error=state.error
    )
    return state
