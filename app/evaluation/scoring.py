"""Execution-match scoring of one answer against a case's gold SQL (dataset-format.md)."""

import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import Any

from app.evaluation.cases import CASE_COLUMNS


@dataclass(frozen=True)
class Verdict:
    """How one answer scored: correct, declined (counted apart) or wrong with a reason."""

    correct: bool
    declined: bool = False
    reason: str = ""


def build_case_db(schema_sql: str, db: dict[str, list[list[Any]]]) -> sqlite3.Connection:
    """An in-memory SQLite database holding the schema and the case's rows."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(schema_sql)
    for table, columns in CASE_COLUMNS.items():
        rows = db.get(table, [])
        if rows:
            marks = ", ".join("?" for _ in columns)
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    return conn


def _run(conn: sqlite3.Connection, statements: list[str]) -> Counter[tuple[Any, ...]]:
    selected: Counter[tuple[Any, ...]] = Counter()
    for sql in statements:
        cursor = conn.execute(sql)
        if cursor.description is not None:
            selected.update(tuple(row) for row in cursor.fetchall())
    return selected


def _state(conn: sqlite3.Connection, existing: dict[str, set[int]]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for table in CASE_COLUMNS:
        old: dict[int, tuple[Any, ...]] = {}
        new: Counter[tuple[Any, ...]] = Counter()
        for row in conn.execute(f"SELECT * FROM {table}"):
            if row[0] in existing[table]:
                old[row[0]] = tuple(row)
            else:
                new[tuple(row[1:])] += 1
        state[table] = (old, new)
    return state


def _is_select(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def score_answer(*, case: dict[str, Any], schema_sql: str, status: str, statements: list[str]) -> Verdict:
    """Score an answer (status and SQL statements) against the case's expectation."""
    expect = case["expect"]
    if expect["status"] != "ok":
        if status == expect["status"]:
            return Verdict(True)
        return Verdict(False, reason=f"expected status {expect['status']}, got {status}")
    if status == "not_understood":
        return Verdict(False, declined=True, reason="declined")
    if status != "ok":
        return Verdict(False, reason=f"expected status ok, got {status}")
    db = case.get("db", {})
    existing = {table: {row[0] for row in db.get(table, [])} for table in CASE_COLUMNS}
    gold_conn = build_case_db(schema_sql, db)
    answer_conn = build_case_db(schema_sql, db)
    try:
        gold_rows = _run(gold_conn, expect["gold"])
        try:
            answer_rows = _run(answer_conn, statements)
        except sqlite3.Error as exc:
            return Verdict(False, reason=f"statement failed: {exc}")
        if _state(gold_conn, existing) != _state(answer_conn, existing):
            return Verdict(False, reason="final database differs from gold")
        if any(_is_select(sql) for sql in expect["gold"]) and gold_rows != answer_rows:
            return Verdict(False, reason="selected rows differ from gold")
        return Verdict(True)
    finally:
        gold_conn.close()
        answer_conn.close()
