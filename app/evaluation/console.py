"""Printing an evaluation run for a person: the progress bar, the table by tag, the wrong cases, the summary."""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.evaluation.report import answer_lines, gold_lines
from app.evaluation.runner import CaseResult

# Rich assumes 80 columns when output is not a terminal and would cut the table's cells.
_PIPE_WIDTH = 132
_COLUMNS = ("cases", "answered", "correct", "declined", "wrong", "missed", "precision", "coverage",
            "p50 ms", "p95 ms", "tokens")  # fmt: skip


def make_console(*, stderr: bool = False) -> Console:
    """A console that keeps its width on a terminal and uses a wide one for pipes and files."""
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = _PIPE_WIDTH
    return console


@contextmanager
def progress_bar(*, total: int, description: str) -> Iterator[Callable[[CaseResult], None]]:
    """A progress bar on stderr (shown on terminals only); yields a callback to call once per case."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=make_console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)

        def advance(_: CaseResult) -> None:
            progress.advance(task)

        yield advance


def _cells(row: dict[str, Any], *, with_missed: bool) -> list[str]:
    cells = {
        **{k: str(row[k]) for k in ("cases", "answered", "correct", "declined", "wrong", "missed")},
        "precision": f"{row['precision']:.3f}",
        "coverage": f"{row['coverage']:.3f}",
        "p50 ms": f"{row['p50_ms']:.1f}",
        "p95 ms": f"{row['p95_ms']:.1f}",
        "tokens": str(row["prompt_tokens"] + row["completion_tokens"]),
    }
    return [row["name"], *(cells[c] for c in _COLUMNS if with_missed or c != "missed")]


def print_tag_table(console: Console, report: dict[str, Any]) -> None:
    """The table by tag, the overall row last."""
    with_missed = report["overall"]["missed"] > 0
    table = Table(title="by tag", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("tag", no_wrap=True)
    for column in _COLUMNS:
        if with_missed or column != "missed":
            table.add_column(column, justify="right", no_wrap=True)
    for row in report["by_tag"]:
        table.add_row(*_cells(row, with_missed=with_missed))
    table.add_row(*_cells({**report["overall"], "name": "ALL"}, with_missed=with_missed), style="bold")
    console.print(table)


def _line(console: Console, text: str) -> None:
    # soft_wrap: long SQL stays one line in a pipe, for grep; markup off: SQL has brackets.
    console.print(text, markup=False, soft_wrap=True)


def print_cases(console: Console, report: dict[str, Any]) -> None:
    """The wrong cases with their reason, answer and gold; then the declined and the cache misses."""
    cases = report["cases"]
    wrong = [c for c in cases if c["outcome"] == "wrong"]
    if wrong:
        console.print(f"[bold red]wrong cases ({len(wrong)})[/bold red]")
    for case in wrong:
        _line(console, f"  {case['id']} [{', '.join(case['tags'])}]: {case['reason']}")
        _line(console, f"      prompt: {case['prompt']}")
        for label, statements in (("answer", answer_lines(case)), ("gold", gold_lines(case))):
            for index, sql in enumerate(statements):
                _line(console, f"      {label if index == 0 else '':7} {sql}")
    declined = [c["id"] for c in cases if c["outcome"] == "declined"]
    if declined:
        _line(console, f"declined ({len(declined)}): {', '.join(declined)}")
    for case in (c for c in cases if c["outcome"] == "miss"):
        _line(console, f"CACHE MISS {case['id']}: {case['reason']}")


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The four closing lines: the run, the counts, precision and coverage, the cases expecting SQL."""
    overall, ok = report["overall"], report["ok_cases"]
    where = report.get("url") or "in-process"
    counts = f"correct {overall['correct']}, declined {overall['declined']}, wrong {overall['wrong']}"
    if report.get("replay") or overall["missed"]:
        counts += f", CACHE MISSES {overall['missed']}"
    return [
        f"eval {report['engine']} ({where}) on {report['dataset']}: {overall['cases']} cases in "
        f"{report['duration_s']:.1f} s, latency p50 {overall['p50_ms']:.1f} ms p95 {overall['p95_ms']:.1f} ms, "
        f"tokens {overall['prompt_tokens'] + overall['completion_tokens']}",
        counts,
        f"precision {overall['precision']:.3f}  coverage {overall['coverage']:.3f}",
        f"cases expecting SQL: {ok['correct']}/{ok['cases']} correct, coverage {ok['coverage']:.3f}",
    ]


def print_report(console: Console, report: dict[str, Any], *, notes: list[str]) -> None:
    """Table, cases, notes (files written), and the summary as the very last lines."""
    print_tag_table(console, report)
    print_cases(console, report)
    for note in notes:
        _line(console, note)
    for line in summary_lines(report):
        _line(console, line)
