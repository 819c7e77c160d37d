"""`calendy finetune start|status|list|cancel`: jobs that survive a restart, polled with a progress display."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from openai import AsyncOpenAI
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from app.cli.common import fail, with_engine
from app.db.active_model import PURPOSES
from app.errors import AppError
from app.llm.client import build_llm_client
from app.settings import Settings, get_settings
from app.training.finetune import JobState, cancel_job, detect_purpose, poll_job, start_job
from app.training.jobs_db import TERMINAL, list_jobs

T = TypeVar("T")
finetune_app = typer.Typer(help="Fine-tuning jobs on the OpenAI API.", no_args_is_help=True)
PollOption = Annotated[float | None, typer.Option("--poll", help="Seconds between polls (CALENDY_FINETUNE_POLL_S).")]


def _with_client(settings: Settings, work: Callable[[AsyncEngine, AsyncOpenAI], Awaitable[T]]) -> T:
    client = build_llm_client(settings)
    if client is None:
        raise fail("no LLM API configured: set CALENDY_LLM_API_KEY (or OPENAI_API_KEY)")

    async def run(engine: AsyncEngine) -> T:
        try:
            return await work(engine, client)
        finally:
            await client.close()

    try:
        return with_engine(settings, run)
    except AppError as exc:
        raise fail(exc.message) from exc


def _poll(settings: Settings, job_id: str, interval: float) -> JobState:
    console = Console(stderr=True)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(f"job {job_id}: polling", total=None)

        def show(state: JobState) -> None:
            progress.update(task, description=f"job {job_id}: {state.status}")

        return _with_client(
            settings,
            lambda engine, client: poll_job(
                client=client, engine=engine, job_id=job_id, interval_s=interval, on_update=show
            ),
        )


def _report(state: JobState) -> None:
    if state.status == "succeeded":
        typer.echo(f"job {state.job_id} succeeded: model {state.fine_tuned_model}")
        typer.echo(f"serve it with: calendy models use {state.fine_tuned_model}")
        return
    if state.status in TERMINAL:
        raise fail(f"job {state.job_id} {state.status}: {state.error or 'no error given'}")
    typer.echo(f"job {state.job_id}: {state.status} (follow it with `calendy finetune status {state.job_id}`)")


@finetune_app.command("start")
def finetune_start(
    train: Annotated[Path, typer.Argument(help="Training JSONL (from `calendy dataset export`).", exists=True)],
    base: Annotated[str, typer.Option("--base", help="The model to fine-tune, e.g. gpt-4o-mini-2024-07-18.")],
    val: Annotated[Path | None, typer.Option("--val", help="Validation JSONL.", exists=True)] = None,
    suffix: Annotated[str | None, typer.Option(help="Suffix of the model name.")] = None,
    wait: Annotated[bool, typer.Option(help="Poll until the job ends.")] = True,
    poll: PollOption = None,
    purpose: Annotated[str | None, typer.Option(help="sql or help (default: from the file's system prompt).")] = None,
) -> None:
    """Upload the files, create the job, store it, and (by default) poll it until it ends."""
    settings = get_settings()
    if purpose is not None and purpose not in PURPOSES:
        raise fail(f"unknown purpose {purpose!r}: sql or help")
    chosen = purpose or detect_purpose(train=train, prompts_dir=settings.prompts_dir)
    state = _with_client(
        settings,
        lambda engine, client: start_job(
            client=client, engine=engine, train=train, val=val, base=base, suffix=suffix, purpose=chosen
        ),
    )
    typer.echo(f"created job {state.job_id} ({state.status}) for {chosen}")
    if wait:
        state = _poll(settings, state.job_id, settings.finetune_poll_s if poll is None else poll)
    _report(state)


@finetune_app.command("status")
def finetune_status(
    job_id: Annotated[str | None, typer.Argument(help="The job (default: the newest unfinished one).")] = None,
    wait: Annotated[bool, typer.Option(help="Keep polling until the job ends.")] = True,
    poll: PollOption = None,
) -> None:
    """Resume following a job from the database (after a restart too), until it ends."""
    settings = get_settings()
    jobs = with_engine(settings, lambda engine: list_jobs(engine=engine))
    if job_id is None:
        pending = [job for job in jobs if job.status not in TERMINAL] or jobs
        if not pending:
            raise fail("no fine-tuning job in the database: start one with `calendy finetune start`")
        job_id = pending[0].job_id
    interval = settings.finetune_poll_s if poll is None else poll
    if wait:
        _report(_poll(settings, job_id, interval))
        return
    row = next((job for job in jobs if job.job_id == job_id), None)
    if row is None:
        raise fail(f"no fine-tuning job {job_id} in the database")
    typer.echo(f"job {row.job_id}: {row.status} (stored {row.updated_at:%Y-%m-%d %H:%M:%S})")


@finetune_app.command("list")
def finetune_list() -> None:
    """Every job this service started, newest first."""
    jobs = with_engine(get_settings(), lambda engine: list_jobs(engine=engine))
    table = Table("job", "base", "status", "model", "created", "error")
    for job in jobs:
        table.add_row(
            job.job_id, job.base_model, job.status, job.fine_tuned_model or "",
            f"{job.created_at:%Y-%m-%d %H:%M}", job.error or "",
        )  # fmt: skip
    Console(width=160).print(table)


@finetune_app.command("cancel")
def finetune_cancel(job_id: Annotated[str, typer.Argument(help="The job to cancel.")]) -> None:
    """Cancel a running job."""
    state = _with_client(get_settings(), lambda engine, client: cancel_job(client=client, engine=engine, job_id=job_id))
    typer.echo(f"job {state.job_id}: {state.status}")
