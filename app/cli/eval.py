"""`calendy eval` (score an engine on a dataset by executing its SQL, or compare two runs) and `calendy eval-help`."""

import asyncio
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import fail
from app.db.connection import build_engine
from app.db.migrate import upgrade_database
from app.evaluation.help_eval import HelpScores, read_cases, score_cases
from app.services.runtime import build_runtime
from app.settings import get_settings


class EngineChoice(StrEnum):
    """The engines a run can ask for (the request's `engine`)."""

    local = "local"
    llm = "llm"
    auto = "auto"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"calendy eval: {message}", err=True)
    return typer.Exit(2)


def _compare(paths: tuple[Path, Path]) -> None:
    from app.evaluation.compare import load_report, print_comparison
    from app.evaluation.console import make_console

    try:
        before, after = (load_report(p) for p in paths)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    print_comparison(make_console(), before=before, after=after, names=[str(p) for p in paths])


def _check_options(*, engine: str, url: str | None, record: Path | None, replay: Path | None) -> None:
    if record is not None and replay is not None:
        raise _fail("--record and --replay exclude each other")
    if (record or replay) is not None and url is not None:
        raise _fail("--record/--replay work in-process; a service at --url makes its own model calls")
    if (record or replay) is not None and engine == "local":
        raise _fail("--record/--replay need the LLM path: use --engine llm or --engine auto")
    if replay is not None and not replay.is_file():
        raise _fail(f"no cassette at {replay}")


def eval_command(
    dataset: Annotated[
        Path | None,
        typer.Argument(metavar="DATASET", help="JSONL cases (dataset-format.md).", exists=True, dir_okay=False),
    ] = None,
    engine: Annotated[EngineChoice, typer.Option(help="The engine every request asks for.")] = EngineChoice.local,
    tag: Annotated[
        list[str] | None, typer.Option(metavar="TAG", help="Only cases with this tag (repeatable: all of them).")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Cases in flight at once.")] = 4,
    url: Annotated[
        str | None, typer.Option(metavar="URL", help="A running service's base URL: POST /v1/sql there.")
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(metavar="KEY", envvar="CALENDY_API_KEY", help="Bearer key for --url.", show_envvar=True),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", metavar="FILE", help="Write the full report as JSON.")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", metavar="FILE", help="Write a self-contained HTML report.")
    ] = None,
    record: Annotated[
        Path | None, typer.Option(metavar="CASSETTE", help="Record every model request/response to this cassette.")
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option(metavar="CASSETTE", help="Answer model requests from this cassette only; never the network."),
    ] = None,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option(metavar="A.json B.json", help="Compare two --json reports (A B) instead of running."),
    ] = None,
) -> None:
    """Score an engine on a dataset by executing its SQL against each case's database."""
    if compare is not None:
        if dataset is not None:
            raise _fail("--compare takes two reports and no dataset")
        _compare(compare)
        return
    if dataset is None:
        raise _fail("give a DATASET to run, or --compare A.json B.json")
    _check_options(engine=engine.value, url=url, record=record, replay=replay)

    from app.evaluation.cases import load_cases
    from app.evaluation.cassette_file import load_cassette
    from app.evaluation.console import make_console, print_report
    from app.evaluation.dataset_run import RunOptions, run_dataset
    from app.evaluation.html_report import render_html
    from app.evaluation.report import report_json

    settings = get_settings()
    if record is not None and not settings.llm_configured:
        raise _fail("--record needs a model: set OPENAI_API_KEY or OPENAI_BASE_URL")
    try:
        cases = load_cases(dataset, tags=tag or None)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    if not cases:
        raise _fail(f"no cases in {dataset}" + (f" with tags {', '.join(tag)}" if tag else ""))
    options = RunOptions(
        dataset=dataset, engine=engine.value, tags=tag or [], concurrency=concurrency,
        url=url, api_key=api_key, record=record, replay=replay,
    )  # fmt: skip
    try:
        cassette = load_cassette(replay) if replay is not None else None
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    run = asyncio.run(run_dataset(options=options, settings=settings, cases=cases, cassette=cassette))
    report = report_json(run.results, meta=run.meta)
    notes = []
    for path in (json_out, html_out):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    if json_out is not None:
        json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        notes.append(f"JSON report: {json_out}")
    if html_out is not None:
        html_out.write_text(render_html(report), encoding="utf-8")
        notes.append(f"HTML report: {html_out}")
    if run.recorder is not None and record is not None:
        run.recorder.save(record)
        notes.append(f"cassette: {run.recorder.exchanges} model exchanges recorded to {record}")
    print_report(make_console(), report, notes=notes)
    if report["overall"]["missed"]:
        # A replay that could not answer every case is not a result to trust (or to pass CI).
        raise typer.Exit(1)


def eval_help_command(
    cases_file: Annotated[Path, typer.Argument(help="Help evaluation set (JSONL: question, locale, expected).")],
    llm: Annotated[bool, typer.Option(help="Answer with the configured help model (else retrieval alone).")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every miss.")] = False,
) -> None:
    """Score help on a set: hit@1/hit@3 of retrieval, abstention precision/recall, invented links (must be 0)."""
    try:
        cases = read_cases(cases_file)
    except (OSError, ValueError) as exc:
        raise fail(str(exc)) from exc
    settings = get_settings()
    if llm and not settings.llm_configured:
        raise fail("--llm needs an LLM: set CALENDY_LLM_API_KEY (or OPENAI_API_KEY)")

    if llm and settings.db_auto_migrate:
        upgrade_database(settings)

    async def run() -> tuple[HelpScores, str]:
        if not llm:
            return await score_cases(cases=cases, runtime=None), "docs (retrieval only)"
        runtime, engine = build_runtime(settings), build_engine(settings)
        try:
            # The model the service would answer with: the one chosen with `models use --purpose help`.
            model = await runtime.llm.help_model() if runtime.llm is not None else settings.llm_model
            return await score_cases(cases=cases, runtime=runtime, engine=engine), f"llm ({model})"
        finally:
            await runtime.aclose()
            await engine.dispose()

    scores, answered_by = asyncio.run(run())
    typer.echo(f"engine: {answered_by}")
    typer.echo("\n".join(scores.lines()))
    for miss in scores.misses if verbose else []:
        typer.echo(f"  {miss}")
    if scores.invented_links:
        typer.echo(json.dumps(scores.invented_links, ensure_ascii=False))
        raise typer.Exit(1)
