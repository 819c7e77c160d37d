"""`calendy synth`: verified synthetic pairs, resumable, every LLM call in the request log."""

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from ulid import ULID

from app.db.engine import build_engine
from app.db.migrate import upgrade_database
from app.db.models import LlmCallLog, RequestLog
from app.errors import AppError
from app.ops.call_log import llm_call_rows, log_llm_calls
from app.ops.llmcall import LlmCall
from app.ops.requestlog import RequestRecord
from app.runtime import build_runtime
from app.settings import Settings, get_settings
from app.training.dataset_cli import fail
from app.training.pairs import pair_line, write_lines
from app.training.synth import SynthContext, SynthFiles, answer_command, generate_commands, load_state, read_contexts

ROUTE = "cli:synth"


async def _log(
    *, engine: AsyncEngine, settings: Settings, record: RequestRecord, calls: list[LlmCall], route: str = ROUTE
) -> None:
    """Write the run's request row and its LLM-call rows, as the service's request log does."""
    record.calls = calls
    record.finish()
    store = settings.log_prompts == "store"
    log_llm_calls(request_id=record.request_id, route=route, calls=calls)
    async with engine.begin() as connection:
        await connection.execute(insert(RequestLog), [record.to_row(store_prompts=store)])
        if calls:
            rows = llm_call_rows(request_id=record.request_id, calls=calls, store_text=store)
            await connection.execute(insert(LlmCallLog), rows)


def _record(route: str = ROUTE) -> RequestRecord:
    return RequestRecord(request_id=str(ULID()), method="CLI", path=route, route=route, http_status=200)


async def _synthesize(
    *,
    settings: Settings,
    contexts: list[SynthContext],
    n: int,
    files: SynthFiles,
    progress: Progress,
    task: TaskID,
    concurrency: int,
) -> tuple[int, int]:
    """Run every context, `concurrency` model calls at a time; (pairs kept, commands rejected) of this run."""
    runtime = build_runtime(settings)
    engine = build_engine(settings)
    state = load_state(files=files)
    counts = {"kept": 0, "rejected": 0}
    # Contexts run side by side, each one's commands in order: at most `concurrency` calls in flight.
    limit = asyncio.Semaphore(concurrency)

    async def commands_of(context: SynthContext) -> list[str]:
        key = context.key()
        prompts = state.commands.get(key)
        if prompts is not None:
            return prompts
        record = _record()
        calls = record.calls  # the record's own list: a cancellation marks its calls too
        try:
            async with limit:
                prompts = await generate_commands(runtime=runtime, context=context, n=n, calls=calls)
            record.status, record.engine = "ok", "llm"
        except AppError as exc:
            record.http_status, record.error_code, record.error_message = exc.status_code, exc.code, exc.message
            raise
        except asyncio.CancelledError:
            # Another context failed and the run is stopping: a call in flight is logged as cancelled,
            # never as a success.
            record.note_cancelled()
            raise
        finally:
            if calls or record.error_code != "cancelled":
                await _log(engine=engine, settings=settings, record=record, calls=calls)
        state.commands[key] = prompts
        line = json.dumps({"context": key, "prompts": prompts}, ensure_ascii=False)
        write_lines(path=files.commands, lines=[line], append=True)
        return prompts

    async def run_context(context: SynthContext) -> None:
        key = context.key()
        for prompt in await commands_of(context):
            if (key, prompt) in state.settled:
                progress.advance(task)
                continue
            record = _record()
            calls = record.calls
            record.prompt = prompt
            try:
                async with limit:
                    pair, reason = await answer_command(runtime=runtime, context=context, prompt=prompt, calls=calls)
            except asyncio.CancelledError:
                record.note_cancelled()
                if calls:
                    await _log(engine=engine, settings=settings, record=record, calls=calls)
                raise
            record.status, record.engine = ("ok" if pair else reason[:32]), "llm"
            if pair is not None:
                record.request_body = pair.request.model_dump(mode="json")
                record.statements = [{"sql": sql} for sql in pair.sql]
                write_lines(path=files.out, lines=[pair_line(pair=pair)], append=True)
                counts["kept"] += 1
            else:
                record.http_status = 422
                line = json.dumps({"context": key, "prompt": prompt, "reason": reason}, ensure_ascii=False)
                write_lines(path=files.rejected, lines=[line], append=True)
                counts["rejected"] += 1
            await _log(engine=engine, settings=settings, record=record, calls=calls)
            state.settled.add((key, prompt))
            progress.advance(task)

    try:
        async with asyncio.TaskGroup() as group:
            for context in contexts:
                group.create_task(run_context(context))
    except BaseExceptionGroup as failed:
        # The first failure stops the run (the others are cancelled); what is written stays, so a
        # re-run continues from there.
        first = next((exc for exc in failed.exceptions if isinstance(exc, AppError)), None)
        if first is None:
            raise
        raise first from None
    finally:
        await runtime.aclose()
        await engine.dispose()
    return counts["kept"], counts["rejected"]


synth_app = typer.Typer(help="Synthetic training pairs.", invoke_without_command=True)


@synth_app.callback()
def synth_command(
    ctx: typer.Context,
    contexts: Annotated[
        Path | None, typer.Option(help="JSONL of user contexts (now, categories, todos, schedules).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Pairs JSONL (appended to: re-running resumes).")] = None,
    n: Annotated[int, typer.Option("--n", min=1, max=200, help="Commands to write per context.")] = 20,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Model calls in flight at once.")] = 4,
) -> None:
    """SQL pairs: commands per context answered through the production path (`synth docs`: help pairs)."""
    if ctx.invoked_subcommand is not None:
        return
    if contexts is None or out is None:
        raise fail("give --contexts and --out (or `calendy synth docs FILES... --out qa.jsonl`)")
    settings = get_settings()
    if not settings.llm_configured:
        raise fail("no LLM configured: set CALENDY_LLM_API_KEY (or OPENAI_API_KEY)")
    try:
        loaded = read_contexts(path=contexts)
    except (OSError, AppError) as exc:
        raise fail(getattr(exc, "message", str(exc)), getattr(exc, "details", None)) from exc
    if settings.db_auto_migrate:
        upgrade_database(settings)
    files = SynthFiles(out)
    columns = (TextColumn("synth"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("synth", total=len(loaded) * n)
        try:
            kept, rejected = asyncio.run(
                _synthesize(
                    settings=settings,
                    contexts=loaded,
                    n=n,
                    files=files,
                    progress=progress,
                    task=task,
                    concurrency=concurrency,
                )
            )
        except AppError as exc:
            raise fail(f"{exc.message} (re-run to continue where it stopped)") from exc
    typer.echo(f"kept {kept} pairs, rejected {rejected} commands this run; pairs in {out}")
    typer.echo(f"rejected commands and their reasons: {files.rejected}")
