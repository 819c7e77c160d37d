"""Execution-match scoring against the rules of dataset-format.md, one table row per rule."""

from pathlib import Path
from typing import Any

import pytest

from app.evaluation.report import tally, tally_expecting_sql
from app.evaluation.runner import Answer, CaseResult
from app.evaluation.scoring import Verdict, score_answer

SCHEMA_SQL = (Path(__file__).resolve().parents[1] / "prompts" / "schema.sql").read_text(encoding="utf-8")
DB: dict[str, list[list[Any]]] = {
    "CATEGORY": [[1, "과제", None], [2, "운동", None]],
    "TODO": [
        [11, "컴퓨터 구조 과제", "2023-11-24 23:59:59", 0, None, 1, None],
        [12, "줄넘기", "2023-11-25 19:00:00", 0, None, 2, None],
        [13, "줄넘기", "2023-11-27 19:00:00", 0, None, 2, None],
    ],
    "SCHEDULE": [[1, "신영이랑 밥먹기", "2023-11-25 12:00:00", "2023-11-25 13:00:00", None, None, None]],
}
INSERT_GOLD = "INSERT INTO TODO (title, due_time, category_id) VALUES ('알골 과제', '2023-11-24 08:00:00', 1)"


def case(gold: list[str] | None = None, status: str = "ok") -> dict[str, Any]:
    expect: dict[str, Any] = {"status": status}
    if gold is not None:
        expect["gold"] = gold
    return {"id": "c", "tags": ["t"], "prompt": "p", "now": "2023-11-23 20:25:39", "db": DB, "expect": expect}


# (rule, gold, answer statements, outcome, a piece of the reason)
WRITES = [
    ("insert: new row matched without its id", [INSERT_GOLD],
     ["INSERT INTO TODO (id, title, due_time, category_id) VALUES (99, '알골 과제', '2023-11-24 08:00:00', 1)"],
     "correct", ""),
    ("insert: same row, other column order", [INSERT_GOLD],
     ["INSERT INTO TODO (category_id, due_time, title, complete) VALUES (1, '2023-11-24 08:00:00', '알골 과제', 0)"],
     "correct", ""),
    ("insert: wrong time", [INSERT_GOLD],
     ["INSERT INTO TODO (title, due_time, category_id) VALUES ('알골 과제', '2023-11-24 20:00:00', 1)"],
     "wrong", "new row"),
    ("insert: two rows where gold has one", [INSERT_GOLD], [INSERT_GOLD, INSERT_GOLD], "wrong", "not in gold"),
    ("insert: nothing inserted", [INSERT_GOLD], [], "wrong", "missing"),
    ("update: existing row compared whole", ["UPDATE TODO SET due_time = '2023-11-26 19:00:00' WHERE id = 12"],
     ["UPDATE TODO SET due_time = '2023-11-26 19:00:00' WHERE title = '줄넘기' AND due_time LIKE '2023-11-25%'"],
     "correct", ""),
    ("update: another column changed too", ["UPDATE TODO SET due_time = '2023-11-26 19:00:00' WHERE id = 12"],
     ["UPDATE TODO SET due_time = '2023-11-26 19:00:00', complete = 1 WHERE id = 12"],
     "wrong", "TODO id 12: complete 1 (gold 0)"),
    ("update: wrong row", ["UPDATE TODO SET complete = 1 WHERE id = 12"],
     ["UPDATE TODO SET complete = 1 WHERE id = 13"], "wrong", "TODO id 12"),
    ("delete: both rows of a title", ["DELETE FROM TODO WHERE id IN (12, 13)"],
     ["DELETE FROM TODO WHERE title = '줄넘기'"], "correct", ""),
    ("delete: one row too few", ["DELETE FROM TODO WHERE id IN (12, 13)"],
     ["DELETE FROM TODO WHERE id = 12"], "wrong", "TODO id 13 kept, gold deletes it"),
    ("delete: a row gold keeps", ["DELETE FROM TODO WHERE id = 12"],
     ["DELETE FROM TODO WHERE id = 11"], "wrong", "TODO id 11 deleted, gold keeps it"),
    ("convert: delete the TODO, insert a SCHEDULE",
     ["DELETE FROM TODO WHERE id = 11",
      "INSERT INTO SCHEDULE (title, start_time, end_time, category_id) "
      "VALUES ('컴퓨터 구조 과제', '2023-11-24 00:00:00', '2023-11-24 23:59:59', 1)"],
     ["INSERT INTO SCHEDULE (title, start_time, end_time, category_id) "
      "SELECT title, '2023-11-24 00:00:00', '2023-11-24 23:59:59', category_id FROM TODO WHERE id = 11",
      "DELETE FROM TODO WHERE id = 11"], "correct", ""),
    ("failing statement is wrong", [INSERT_GOLD], ["INSERT INTO TODO (title) VALUES ('x')"],
     "wrong", "statement failed"),
    ("unknown table is wrong", [INSERT_GOLD], ["DELETE FROM PLANS WHERE id = 1"], "wrong", "statement failed"),
    ("failing gold names the case", ["INSERT INTO NOPE VALUES (1)"], [INSERT_GOLD], "wrong", "invalid case"),
]  # fmt: skip

READS = [
    ("select: order does not matter", ["SELECT * FROM TODO WHERE category_id = 2"],
     ["SELECT * FROM TODO WHERE title = '줄넘기' ORDER BY due_time DESC"], "correct", ""),
    ("select: rows are a multiset, duplicates count", ["SELECT * FROM TODO WHERE id = 12"],
     ["SELECT * FROM TODO WHERE id = 12", "SELECT * FROM TODO WHERE id = 12"], "wrong", "selected rows differ"),
    ("select: one row missing", ["SELECT * FROM TODO WHERE category_id = 2"],
     ["SELECT * FROM TODO WHERE id = 12"], "wrong", "1 missing"),
    ("select: whole rows, not some columns", ["SELECT * FROM TODO WHERE id = 12"],
     ["SELECT id, title FROM TODO WHERE id = 12"], "wrong", "selected rows differ"),
    ("select: one statement per table, both tables", ["SELECT * FROM TODO WHERE due_time LIKE '2023-11-25%'",
     "SELECT * FROM SCHEDULE WHERE start_time LIKE '2023-11-25%'"],
     ["SELECT * FROM SCHEDULE WHERE start_time LIKE '2023-11-25%'",
      "SELECT * FROM TODO WHERE due_time BETWEEN '2023-11-25 00:00:00' AND '2023-11-25 23:59:59'"], "correct", ""),
    ("select: empty result both sides", ["SELECT * FROM TODO WHERE id = 99"],
     ["SELECT * FROM TODO WHERE title = '없음'"], "correct", ""),
    ("read where gold writes", [INSERT_GOLD], ["SELECT * FROM TODO"], "wrong", "final database differs"),
    ("write plus a stray read", ["UPDATE TODO SET complete = 1 WHERE id = 12"],
     ["UPDATE TODO SET complete = 1 WHERE id = 12", "SELECT * FROM TODO WHERE id = 12"],
     "wrong", "selected rows differ"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "gold", "answer", "outcome", "reason"), WRITES + READS, ids=lambda v: v)
def test_execution_match(rule: str, gold: list[str], answer: list[str], outcome: str, reason: str) -> None:
    verdict = score_answer(case=case(gold), schema_sql=SCHEMA_SQL, status="ok", statements=answer)
    assert verdict.outcome == outcome, (rule, verdict.reason)
    assert reason in verdict.reason


STATUSES = [
    # (expected status, answered status, outcome)
    ("no_such_plan", "no_such_plan", "correct"),
    ("not_understood", "not_understood", "correct"),
    ("no_such_plan", "not_understood", "wrong"),  # a decline counts apart only where the gold is SQL
    ("not_understood", "ok", "wrong"),
    ("ok", "not_understood", "declined"),
    ("ok", "no_such_plan", "wrong"),
]


@pytest.mark.parametrize(("expected", "status", "outcome"), STATUSES)
def test_status_cases(expected: str, status: str, outcome: str) -> None:
    gold = [INSERT_GOLD] if expected == "ok" else None
    verdict = score_answer(case=case(gold, status=expected), schema_sql=SCHEMA_SQL, status=status, statements=[])
    assert verdict.outcome == outcome


def result(outcome: str, *, expected: str = "ok", tags: tuple[str, ...] = ("t",)) -> CaseResult:
    the_case = {**case([INSERT_GOLD] if expected == "ok" else None, status=expected), "tags": list(tags)}
    return CaseResult(case=the_case, answer=Answer(status="ok"), verdict=Verdict(outcome), latency_ms=1.0)  # type: ignore[arg-type]


def test_declined_and_misses_counted_apart() -> None:
    results = [result("correct")] * 6 + [result("wrong")] * 2 + [result("declined")] + [result("miss")]
    results.append(result("correct", expected="no_such_plan"))
    t = tally("all", results)
    assert (t.cases, t.correct, t.wrong, t.declined, t.missed, t.answered) == (11, 7, 2, 1, 1, 9)
    assert t.precision == pytest.approx(7 / 9)
    assert t.coverage == pytest.approx(7 / 11)
    ok = tally_expecting_sql(results)
    assert (ok.cases, ok.correct) == (10, 6)


def test_precision_when_nothing_answered() -> None:
    t = tally("all", [result("declined")])
    assert (t.precision, t.coverage) == (1.0, 0.0)
