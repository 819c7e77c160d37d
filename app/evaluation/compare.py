"""`calendy eval --compare A.json B.json`: per-case differences between two runs and the overall deltas."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console


@dataclass(frozen=True)
class CaseChange:
    """A case whose outcome differs between the two runs."""

    case_id: str
    before: str
    after: str
    reason_before: str
    reason_after: str


@dataclass
class Comparison:
    """Fixed, broken and otherwise changed cases; cases found in one run only."""

    fixed: list[CaseChange] = field(default_factory=list)
    broken: list[CaseChange] = field(default_factory=list)
    changed: list[CaseChange] = field(default_factory=list)
    only_before: list[str] = field(default_factory=list)
    only_after: list[str] = field(default_factory=list)


def load_report(path: Path) -> dict[str, Any]:
    """Read a `--json` report; ValueError when the file is not one."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a readable JSON report: {exc}") from exc
    if not isinstance(report, dict) or not {"overall", "cases"} <= report.keys():
        raise ValueError(f"{path}: not an evaluation report (no 'overall' and 'cases')")
    return report


def _outcome(case: dict[str, Any]) -> str:
    # Reports written before `outcome` existed carry only the booleans.
    if "outcome" in case:
        return str(case["outcome"])
    return "correct" if case.get("correct") else "declined" if case.get("declined") else "wrong"


def compare_reports(*, before: dict[str, Any], after: dict[str, Any]) -> Comparison:
    """Match the two runs' cases by id and sort every changed outcome into fixed, broken or changed."""
    old = {c["id"]: c for c in before["cases"]}
    new = {c["id"]: c for c in after["cases"]}
    comparison = Comparison(only_before=[i for i in old if i not in new], only_after=[i for i in new if i not in old])
    for case_id, case in new.items():
        if case_id not in old:
            continue
        was, now = _outcome(old[case_id]), _outcome(case)
        if was == now:
            continue
        change = CaseChange(case_id, was, now, old[case_id].get("reason", ""), case.get("reason", ""))
        if now == "correct":
            comparison.fixed.append(change)
        elif was == "correct":
            comparison.broken.append(change)
        else:
            comparison.changed.append(change)
    return comparison


def _delta(label: str, before: float, after: float, *, digits: int) -> str:
    return f"{label} {before:.{digits}f} → {after:.{digits}f} ({after - before:+.{digits}f})"


def delta_lines(*, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The overall deltas: counts, then precision and coverage, then the cases expecting SQL."""
    a, b = before["overall"], after["overall"]
    counts = ", ".join(_delta(k, a[k], b[k], digits=0) for k in ("correct", "declined", "wrong", "missed") if k in a)
    lines = [counts, _delta("precision", a["precision"], b["precision"], digits=3) + "  "
             + _delta("coverage", a["coverage"], b["coverage"], digits=3)]  # fmt: skip
    if "ok_cases" in before and "ok_cases" in after:
        lines.append(_delta("cases expecting SQL: coverage", before["ok_cases"]["coverage"],
                            after["ok_cases"]["coverage"], digits=3))  # fmt: skip
    return lines


def _tag_lines(*, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    old = {t["name"]: t for t in before.get("by_tag", [])}
    lines = []
    for tag in after.get("by_tag", []):
        was = old.get(tag["name"])
        if was is not None and (was["correct"], was["cases"]) != (tag["correct"], tag["cases"]):
            lines.append(f"  {tag['name']}: correct {was['correct']}/{was['cases']} → {tag['correct']}/{tag['cases']}")
    return lines


def print_comparison(console: Console, *, before: dict[str, Any], after: dict[str, Any], names: list[str]) -> None:
    """Print fixed, broken and changed cases, the tags that moved, and the overall deltas last."""
    comparison = compare_reports(before=before, after=after)

    def say(text: str) -> None:
        console.print(text, markup=False, soft_wrap=True)

    for label, name in zip(("A", "B"), names, strict=True):
        report = before if label == "A" else after
        say(f"{label}: {name} (engine {report.get('engine')}, {report['overall']['cases']} cases)")
    for title, changes in (("fixed", comparison.fixed), ("broken", comparison.broken),
                           ("changed", comparison.changed)):  # fmt: skip
        say(f"{title} ({len(changes)})")
        for c in changes:
            why = c.reason_after if c.after != "correct" else c.reason_before
            say(f"  {c.case_id}: {c.before} → {c.after}" + (f" ({why})" if why else ""))
    if comparison.only_before or comparison.only_after:
        only_a, only_b = ", ".join(comparison.only_before) or "-", ", ".join(comparison.only_after) or "-"
        say(f"only in A: {only_a}; only in B: {only_b}")
    tags = _tag_lines(before=before, after=after)
    if tags:
        say("tags that moved:")
        for line in tags:
            say(line)
    say(f"fixed {len(comparison.fixed)}, broken {len(comparison.broken)}, changed {len(comparison.changed)}")
    for line in delta_lines(before=before, after=after):
        say(line)
