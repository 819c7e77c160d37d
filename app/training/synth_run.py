"""`calendy synth`'s run: commands per context answered through the production path, resumable, every call logged."""

import asyncio
import json
from collections.abc import Callable

from app.db.connection import build_engine
from app.errors import AppError
from app.ops.run_log import run_record, write_run_log
from app.services.runtime import build_runtime
from app.settings import Settings
from app.training.pairs import pair_line, write_lines
from app.training.synth import SynthContext, SynthFiles, answer_command, generate_commands, load_state

ROUTE = "cli:synth"


async def synthesize_pairs(
    *,
    settings: Settings,
    contexts: list[SynthContext],
    n: int,
    files: SynthFiles,
    advance: Callable[[], None],
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
        record = run_record(ROUTE)
        calls = record.calls  # the record's own list: a cancellation marks its calls too
        try:
            async with limit:
                prompts = await generate_commands(runtime=runtime, context=context, n=n, calls=calls)
            record.status, record.engine = "ok", "llm"
        except AppError as exc:
            record.http_status = exc.status_code
            record.note_error(code=exc.code, message=exc.message)
            raise
        except asyncio.CancelledError:
            # Another context failed and the run is stopping: a call in flight is logged as cancelled,
            # never as a success.
            record.note_cancelled()
            raise
        finally:
            if calls or record.error_code != "cancelled":
                await write_run_log(engine=engine, settings=settings, record=record, calls=calls, route=ROUTE)
        state.commands[key] = prompts
        line = json.dumps({"context": key, "prompts": prompts}, ensure_ascii=False)
        write_lines(path=files.commands, lines=[line], append=True)
        return prompts

    async def run_context(context: SynthContext) -> None:
        key = context.key()
        for prompt in await commands_of(context):
            if (key, prompt) in state.settled:
                advance()
                continue
            record = run_record(ROUTE)
            calls = record.calls
            record.prompt = prompt
            try:
                async with limit:
                    pair, reason = await answer_command(runtime=runtime, context=context, prompt=prompt, calls=calls)
            except asyncio.CancelledError:
                record.note_cancelled()
                if calls:
                    await write_run_log(engine=engine, settings=settings, record=record, calls=calls, route=ROUTE)
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
            await write_run_log(engine=engine, settings=settings, record=record, calls=calls, route=ROUTE)
            state.settled.add((key, prompt))
            advance()

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
