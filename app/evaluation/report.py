"""Summaries of an evaluation run: counts, precision and coverage, overall and by tag; the JSON report."""

from dataclasses import asdict, dataclass
from typing import Any

from app.evaluation.runner import CaseResult

REPORT_FORMAT = 1


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Tally:
    """Counts of one group of cases."""

    name: str
    cases: int
    correct: int
    declined: int
    wrong: int
    missed: int
    p50_ms: float
    p95_ms: float
    prompt_tokens: int
    completion_tokens: int

    @property
    def answered(self) -> int:
        """Cases that got an answer (neither declined nor a cassette miss)."""
        return self.correct + self.wrong

    @property
    def precision(self) -> float:
        """Correct among answered (1.0 when nothing was answered)."""
        return self.correct / self.answered if self.answered else 1.0

    @property
    def coverage(self) -> float:
        """Correct among all cases."""
        return self.correct / self.cases if self.cases else 0.0

    @property
    def tokens(self) -> int:
        """Prompt and completion tokens together."""
        return self.prompt_tokens + self.completion_tokens


def tally(name: str, results: list[CaseResult]) -> Tally:
    """Count one group of results."""
    latencies = [r.latency_ms for r in results]
    outcomes = [r.verdict.outcome for r in results]
    return Tally(
        name=name,
        cases=len(results),
        correct=outcomes.count("correct"),
        declined=outcomes.count("declined"),
        wrong=outcomes.count("wrong"),
        missed=outcomes.count("miss"),
        p50_ms=_percentile(latencies, 0.5),
        p95_ms=_percentile(latencies, 0.95),
        prompt_tokens=sum(r.answer.usage.prompt_tokens for r in results),
        completion_tokens=sum(r.answer.usage.completion_tokens for r in results),
    )


def tally_expecting_sql(results: list[CaseResult]) -> Tally:
    """The tally of the cases whose gold is SQL (expect.status ok)."""
    return tally("expecting SQL", [r for r in results if r.expected == "ok"])


def tally_by_tag(results: list[CaseResult]) -> list[Tally]:
    """One tally per tag, most frequent first."""
    tags = sorted({t for r in results for t in r.tags}, key=lambda t: (-sum(t in r.tags for r in results), t))
    return [tally(tag, [r for r in results if tag in r.tags]) for tag in tags]


def tally_row(t: Tally) -> dict[str, Any]:
    """A tally as JSON, its derived figures included."""
    return {**asdict(t), "answered": t.answered, "precision": t.precision, "coverage": t.coverage}


def case_row(r: CaseResult) -> dict[str, Any]:
    """One case of the JSON report: the case, the answer and the verdict."""
    return {
        "id": r.case_id,
        "tags": r.tags,
        "prompt": r.case.get("prompt"),
        "expected": r.expected,
        "gold": r.case["expect"].get("gold", []),
        "status": r.answer.status,
        "engine": r.answer.engine,
        "outcome": r.verdict.outcome,
        "correct": r.verdict.correct,
        "declined": r.verdict.declined,
        "reason": r.verdict.reason,
        "statements": r.answer.statements,
        "error": r.answer.error,
        "cache_misses": r.answer.misses,
        "latency_ms": round(r.latency_ms, 3),
        "usage": r.answer.usage.model_dump(),
    }


def answer_lines(case: dict[str, Any]) -> list[str]:
    """A reported case's answer as lines: its statements, else its status or error."""
    if case["statements"]:
        return list(case["statements"])
    return [f"(error {case['error']})" if case["error"] is not None else f"({case['status']})"]


def gold_lines(case: dict[str, Any]) -> list[str]:
    """A reported case's gold as lines: its statements, else the expected status."""
    return list(case["gold"]) or [f"({case['expected']})"]


def report_json(results: list[CaseResult], *, meta: dict[str, Any]) -> dict[str, Any]:
    """The machine-readable report of a run (`--json`, and what `--html` and `--compare` read)."""
    return {
        "format": REPORT_FORMAT,
        **meta,
        "overall": tally_row(tally("all", results)),
        "ok_cases": tally_row(tally_expecting_sql(results)),
        "by_tag": [tally_row(t) for t in tally_by_tag(results)],
        "cases": [case_row(r) for r in results],
    }
