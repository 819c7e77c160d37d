"""The local engine's scores on a case file (execution match), shared by the local-engine tests."""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.evaluation.cases import load_cases, request_from_case
from app.evaluation.scoring import score_answer
from app.local.engine import explain
from app.schemas import SqlRequest

SCHEMA_SQL = (Path(__file__).parents[1] / "prompts/schema.sql").read_text(encoding="utf-8")


@dataclass
class Tally:
    """Counts for one slice of cases."""

    cases: int = 0
    should_answer: int = 0  # gold status ok
    answered: int = 0
    correct: int = 0
    correct_ok: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.answered if self.answered else 1.0

    @property
    def coverage(self) -> float:
        return self.correct_ok / self.should_answer if self.should_answer else 1.0


@dataclass
class Report:
    """Overall and per-tag tallies plus the cases answered wrongly or declined."""

    overall: Tally = field(default_factory=Tally)
    by_tag: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    wrong: list[str] = field(default_factory=list)
    declined: list[str] = field(default_factory=list)

    def table(self) -> str:
        lines = [f"{'tag':<22}{'cases':>6}{'answered':>9}{'correct':>8}{'precision':>10}{'coverage':>9}"]
        rows = [("ALL", self.overall), *sorted(self.by_tag.items())]
        for name, t in rows:
            lines.append(f"{name:<22}{t.cases:>6}{t.answered:>9}{t.correct:>8}{t.precision:>10.3f}{t.coverage:>9.3f}")
        lines += [f"WRONG    {w}" for w in self.wrong] + [f"DECLINED {d}" for d in self.declined]
        return "\n".join(lines)


def evaluate(cases: list[dict[str, Any]]) -> Report:
    """Each case asked of the local engine, scored by execution match."""
    report = Report()
    for case in cases:
        request = SqlRequest.model_validate(request_from_case(case, engine="local"))
        answer, _why = explain(request)  # not answer_locally: a crash must fail the test, not look like a decline
        status = answer.status if answer is not None else "not_understood"
        statements = answer.sql if answer is not None else []
        verdict = score_answer(case=case, schema_sql=SCHEMA_SQL, status=status, statements=statements)
        gold_ok = case["expect"]["status"] == "ok"
        for tally in [report.overall, *(report.by_tag[tag] for tag in case.get("tags", []))]:
            tally.cases += 1
            tally.should_answer += gold_ok
            if answer is not None:
                tally.answered += 1
                tally.correct += verdict.correct
                tally.correct_ok += verdict.correct and gold_ok
        if answer is None:
            report.declined.append(f"{case['id']}: {case['prompt']}")
        elif not verdict.correct:
            report.wrong.append(f"{case['id']}: {case['prompt']} -> {status} {statements} ({verdict.reason})")
    return report


def check_local_scores(path: Path, *, min_correct: int) -> None:
    """Precision 1.0 (README: every answer correct) and at least `min_correct` of the cases expecting SQL."""
    report = evaluate(load_cases(path))
    print(f"\n{path.name}\n{report.table()}")
    assert report.overall.precision == 1.0, report.wrong
    assert report.overall.correct_ok >= min_correct, report.declined
