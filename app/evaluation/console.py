"""Printing an evaluation run for a person: a progress bar, the table by tag, the wrong cases."""

import asyncio
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.evaluation.cases import load_cases
from app.evaluation.report import Tally, tally, tally_by_tag
from app.evaluation.runner import CaseResult, evaluate_cases
from app.runtime import Runtime


def _row(t: Tally) -> list[str]:
    return [
        t.name, str(t.cases), str(t.answered), str(t.correct), str(t.declined), str(t.wrong),
        f"{t.precision:.3f}", f"{t.coverage:.3f}", f"{t.p50_ms:.1f}", f"{t.p95_ms:.1f}",
        str(t.prompt_tokens + t.completion_tokens),
    ]  # fmt: skip


def print_report(console: Console, results: list[CaseResult]) -> None:
    """The by-tag table, the wrong cases with their reason, then the overall figures last."""
    table = Table(title="by tag")
    for column in ("tag", "cases", "answered", "correct", "declined", "wrong", "precision", "coverage",
                   "p50 ms", "p95 ms", "tokens"):  # fmt: skip
        table.add_column(column, justify="left" if column == "tag" else "right")
    for t in tally_by_tag(results):
        table.add_row(*_row(t))
    table.add_row(*_row(tally("ALL", results)), style="bold")
    console.print(table)
    wrong = [r for r in results if not r.verdict.correct and not r.verdict.declined]
    for r in wrong:
        console.print(f"[red]wrong[/red] {r.case_id}: {r.verdict.reason} (status {r.status})")
        for sql in r.statements:
            console.print(f"    {sql}", markup=False)
    overall = tally("all", results)
    ok = tally("ok", [r for r in results if r.expected == "ok"])
    console.print(
        f"cases {overall.cases}: correct {overall.correct}, declined {overall.declined}, wrong {overall.wrong}"
    )
    console.print(f"precision {overall.precision:.3f}  coverage {overall.coverage:.3f}")
    console.print(f"cases expecting SQL: answered correctly {ok.correct}/{ok.cases} (coverage {ok.coverage:.3f})")


def run_evaluation(
    *, runtime: Runtime, dataset: Path, engine: str, tags: list[str], concurrency: int, console: Console
) -> list[CaseResult]:
    """Load the dataset, answer every case with a progress bar, and return the results."""
    cases: list[dict[str, Any]] = load_cases(dataset, tags=tags or None)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(f"eval {engine}", total=len(cases))
        return asyncio.run(
            evaluate_cases(
                runtime=runtime,
                cases=cases,
                engine=engine,
                concurrency=concurrency,
                on_done=lambda _: progress.advance(task),
            )
        )
