"""`calendy synth` (SQL pairs) and `calendy synth docs` (help pairs): the commands; the runs are in app/training."""

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from app.cli.common import fail
from app.db.migrate import upgrade_database
from app.errors import AppError
from app.services.help import GUIDE_DIR
from app.settings import get_settings
from app.training.docs_chunks import DEFAULT_BUDGET, chunk_files
from app.training.docs_synth_run import NEGATIVES_FILE, synthesize_docs
from app.training.synth import SynthFiles, read_contexts
from app.training.synth_run import synthesize_pairs

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
                synthesize_pairs(
                    settings=settings,
                    contexts=loaded,
                    n=n,
                    files=files,
                    advance=lambda: progress.advance(task),
                    concurrency=concurrency,
                )
            )
        except AppError as exc:
            raise fail(f"{exc.message} (re-run to continue where it stopped)") from exc
    typer.echo(f"kept {kept} pairs, rejected {rejected} commands this run; pairs in {out}")
    typer.echo(f"rejected commands and their reasons: {files.rejected}")


@synth_app.command("docs")
def synth_docs_command(
    files: Annotated[list[Path], typer.Argument(help="Markdown files, e.g. docs/user-guide.*.md.", exists=True)],
    out: Annotated[Path, typer.Option("--out", help="Help pairs JSONL (appended to: re-running resumes).")],
    n: Annotated[int, typer.Option("--n", min=1, max=20, help="Questions per chunk.")] = 3,
    budget: Annotated[int, typer.Option(min=100, max=8000, help="Tokens per chunk at most.")] = DEFAULT_BUDGET,
    negatives: Annotated[int, typer.Option(min=0, max=100, help="Generated negatives per language.")] = 10,
    negatives_file: Annotated[
        Path | None, typer.Option(help="Hand-written questions the docs do not answer (JSONL).")
    ] = NEGATIVES_FILE,
) -> None:
    """Chunk the docs, ask the model for questions and answers from each chunk, keep the grounded ones."""
    settings = get_settings()
    if not settings.llm_configured:
        raise fail("no LLM configured: set CALENDY_LLM_API_KEY (or OPENAI_API_KEY)")
    chunks = chunk_files(paths=files, budget=budget, served_dir=GUIDE_DIR)
    if settings.db_auto_migrate:
        upgrade_database(settings)
    try:
        progress = asyncio.run(
            synthesize_docs(
                settings=settings, chunks=chunks, n=n, negatives=negatives, negatives_file=negatives_file, out=out
            )
        )
    except AppError as exc:
        raise fail(f"{exc.message} (re-run to continue where it stopped)") from exc
    counts = progress.counts
    typer.echo(
        f"{len(chunks)} chunks; kept {counts['kept']} pairs and {counts['negatives']} negatives, "
        f"dropped {counts['dropped']} questions this run; pairs in {out}"
    )
    typer.echo(f"dropped questions and their reasons: {progress.progress}")
