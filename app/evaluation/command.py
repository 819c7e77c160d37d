"""`calendy eval`: score an engine on a dataset by executing its SQL."""

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer

from app.runtime import build_runtime
from app.settings import get_settings


def eval_command(
    dataset: Annotated[Path, typer.Argument(help="JSONL cases (dataset-format.md).", exists=True, dir_okay=False)],
    engine: Annotated[str, typer.Option(help="local, llm or auto.")] = "local",
    tag: Annotated[list[str] | None, typer.Option(help="Only cases with this tag (repeatable).")] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Cases in flight at once.")] = 4,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the full report as JSON.")] = None,
) -> None:
    """Score an engine on a dataset by executing its SQL against each case's database."""
    from rich.console import Console

    from app.evaluation.console import print_report, run_evaluation
    from app.evaluation.report import report_json

    console = Console()
    runtime = build_runtime(get_settings())
    try:
        results = run_evaluation(
            runtime=runtime, dataset=dataset, engine=engine, tags=tag or [], concurrency=concurrency, console=console
        )
    finally:
        asyncio.run(runtime.aclose())
    if json_out is not None:
        report = report_json(results, engine=engine, dataset=str(dataset))
        json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print_report(console, results)
