"""Summaries of an evaluation run: counts, precision and coverage, overall and by tag."""

from dataclasses import asdict, dataclass
from typing import Any

from app.evaluation.runner import CaseResult


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
    p50_ms: float
    p95_ms: float
    prompt_tokens: int
    completion_tokens: int

    @property
    def answered(self) -> int:
        """Cases that got an answer (everything but a decline)."""
        return self.correct + self.wrong

    @property
    def precision(self) -> float:
        """Correct among answered (1.0 when nothing was answered)."""
        return self.correct / self.answered if self.answered else 1.0

    @property
    def coverage(self) -> float:
        """Correct among all cases."""
        return self.correct / self.cases if self.cases else 0.0


def tally(name: str, results: list[CaseResult]) -> Tally:
    """Count one group of results."""
    latencies = [r.latency_ms for r in results]
    return Tally(
        name=name,
        cases=len(results),
        correct=sum(r.verdict.correct for r in results),
        declined=sum(r.verdict.declined for r in results),
        wrong=sum(not r.verdict.correct and not r.verdict.declined for r in results),
        p50_ms=_percentile(latencies, 0.5),
        p95_ms=_percentile(latencies, 0.95),
        prompt_tokens=sum(r.usage.prompt_tokens for r in results),
        completion_tokens=sum(r.usage.completion_tokens for r in results),
    )


def tally_by_tag(results: list[CaseResult]) -> list[Tally]:
    """One tally per tag, most frequent first."""
    tags = sorted({t for r in results for t in r.tags}, key=lambda t: (-sum(t in r.tags for r in results), t))
    return [tally(tag, [r for r in results if tag in r.tags]) for tag in tags]


def report_json(results: list[CaseResult], *, engine: str, dataset: str) -> dict[str, Any]:
    """The machine-readable report of a run (`--json`)."""

    def row(t: Tally) -> dict[str, Any]:
        return {**asdict(t), "answered": t.answered, "precision": t.precision, "coverage": t.coverage}

    ok_cases = [r for r in results if r.expected == "ok"]
    return {
        "dataset": dataset,
        "engine": engine,
        "overall": row(tally("all", results)),
        "ok_cases": row(tally("ok", ok_cases)),
        "by_tag": [row(t) for t in tally_by_tag(results)],
        "cases": [
            {
                "id": r.case_id,
                "tags": r.tags,
                "expected": r.expected,
                "status": r.status,
                "engine": r.engine,
                "correct": r.verdict.correct,
                "declined": r.verdict.declined,
                "reason": r.verdict.reason,
                "statements": r.statements,
                "latency_ms": round(r.latency_ms, 3),
            }
            for r in results
        ],
    }
