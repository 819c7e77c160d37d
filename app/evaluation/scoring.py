"""Scoring one answer against a case's expectation (dataset-format.md, "Scoring")."""

import sqlite3
from dataclasses import dataclass
from typing import Any, Literal

from app.evaluation.execution import describe_rows_difference, describe_state_difference, execute_statements

Outcome = Literal["correct", "wrong", "declined", "miss"]
OUTCOMES: tuple[Outcome, ...] = ("correct", "declined", "wrong", "miss")


@dataclass(frozen=True)
class Verdict:
    """How one answer scored; `declined` and `miss` (a cassette without the request) are counted apart."""

    outcome: Outcome
    reason: str = ""

    @property
    def correct(self) -> bool:
        """The answer does what the gold does."""
        return self.outcome == "correct"

    @property
    def declined(self) -> bool:
        """The engine said not_understood where the gold is ok."""
        return self.outcome == "declined"

    @property
    def miss(self) -> bool:
        """A replayed model request was not in the cassette: nothing was answered."""
        return self.outcome == "miss"


CORRECT = Verdict("correct")


def score_answer(*, case: dict[str, Any], schema_sql: str, status: str, statements: list[str]) -> Verdict:
    """Score an answer (status and SQL statements) against the case's expectation."""
    expect = case["expect"]
    if expect["status"] != "ok":
        if status == expect["status"]:
            return CORRECT
        return Verdict("wrong", reason=f"expected status {expect['status']}, got {status}")
    if status == "not_understood":
        return Verdict("declined", reason="declined")
    if status != "ok":
        return Verdict("wrong", reason=f"expected status ok, got {status}")
    return match_execution(schema_sql=schema_sql, db=case.get("db", {}), gold=expect["gold"], answer=statements)


def match_execution(*, schema_sql: str, db: dict[str, list[list[Any]]], gold: list[str], answer: list[str]) -> Verdict:
    """Run gold and answer on two copies of the database; correct when final states and read rows match."""
    try:
        gold_run = execute_statements(schema_sql=schema_sql, db=db, statements=gold)
    except sqlite3.Error as exc:
        # A broken case must not pass as the engine's fault silently: say it is the gold.
        return Verdict("wrong", reason=f"invalid case: gold statement failed: {exc}")
    try:
        answer_run = execute_statements(schema_sql=schema_sql, db=db, statements=answer)
    except sqlite3.Error as exc:
        return Verdict("wrong", reason=f"statement failed: {exc}")
    state = describe_state_difference(answer=answer_run, gold=gold_run)
    if state is not None:
        return Verdict("wrong", reason=f"final database differs: {state}")
    rows = describe_rows_difference(answer=answer_run, gold=gold_run)
    if rows is not None:
        return Verdict("wrong", reason=f"selected rows differ: {rows}")
    return CORRECT
