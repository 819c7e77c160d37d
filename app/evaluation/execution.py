"""Execution match (dataset-format.md): run SQL on a case's database and compare final states and rows."""

import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import Any

from app.evaluation.cases import CASE_COLUMNS

Row = tuple[Any, ...]
_MAX_SHOWN = 2


@dataclass(frozen=True)
class TableState:
    """A table after the statements ran: rows of existing ids whole, new rows as a multiset without id."""

    columns: tuple[str, ...]
    existing: dict[int, Row]
    new: Counter[Row]


@dataclass(frozen=True)
class Execution:
    """What a list of statements did to a fresh copy of the case's database."""

    tables: dict[str, TableState]
    selected: Counter[Row]
    read: bool


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


def execute_statements(*, schema_sql: str, db: dict[str, list[list[Any]]], statements: list[str]) -> Execution:
    """Run the statements in order on a fresh database; sqlite3.Error propagates from the failing one."""
    existing = {table: {row[0] for row in db.get(table, [])} for table in CASE_COLUMNS}
    conn = build_case_db(schema_sql, db)
    try:
        selected: Counter[Row] = Counter()
        read = False
        for sql in statements:
            cursor = conn.execute(sql)
            # A statement with a result set is a read, whatever its text starts with.
            if cursor.description is not None:
                read = True
                selected.update(tuple(row) for row in cursor.fetchall())
        return Execution(tables=_snapshot(conn, existing), selected=selected, read=read)
    finally:
        conn.close()


def _snapshot(conn: sqlite3.Connection, existing: dict[str, set[int]]) -> dict[str, TableState]:
    tables: dict[str, TableState] = {}
    for table in CASE_COLUMNS:
        cursor = conn.execute(f"SELECT * FROM {table}")
        columns = tuple(d[0] for d in cursor.description)
        old: dict[int, Row] = {}
        new: Counter[Row] = Counter()
        for row in cursor:
            if row[0] in existing[table]:
                old[row[0]] = tuple(row)
            else:
                new[tuple(row[1:])] += 1
        tables[table] = TableState(columns=columns, existing=old, new=new)
    return tables


def _show(row: Row) -> str:
    return "(" + ", ".join(repr(v) for v in row) + ")"


def _table_differences(table: str, answer: TableState, gold: TableState) -> list[str]:
    found: list[str] = []
    for row_id in sorted(gold.existing.keys() - answer.existing.keys()):
        found.append(f"{table} id {row_id} deleted, gold keeps it")
    for row_id in sorted(answer.existing.keys() - gold.existing.keys()):
        found.append(f"{table} id {row_id} kept, gold deletes it")
    for row_id in sorted(answer.existing.keys() & gold.existing.keys()):
        mine, theirs = answer.existing[row_id], gold.existing[row_id]
        changed = [
            f"{column} {a!r} (gold {g!r})" for column, a, g in zip(answer.columns, mine, theirs, strict=True) if a != g
        ]
        if changed:
            found.append(f"{table} id {row_id}: " + ", ".join(changed))
    extra, missing = answer.new - gold.new, gold.new - answer.new
    for row in list(extra.elements())[:_MAX_SHOWN]:
        found.append(f"{table} new row {_show(row)} not in gold")
    for row in list(missing.elements())[:_MAX_SHOWN]:
        found.append(f"{table} gold new row {_show(row)} missing")
    return found


def describe_state_difference(*, answer: Execution, gold: Execution) -> str | None:
    """Why the final databases differ (None when equal): ids deleted or changed, new rows extra or missing."""
    found: list[str] = []
    for table, state in gold.tables.items():
        found.extend(_table_differences(table, answer.tables[table], state))
    return "; ".join(found) if found else None


def describe_rows_difference(*, answer: Execution, gold: Execution) -> str | None:
    """Why the selected rows differ as multisets (None when equal or when neither side reads)."""
    if not (answer.read or gold.read) or answer.selected == gold.selected:
        return None
    extra = sum((answer.selected - gold.selected).values())
    missing = sum((gold.selected - answer.selected).values())
    return (
        f"selected {sum(answer.selected.values())} rows, gold {sum(gold.selected.values())} "
        f"({missing} missing, {extra} not in gold)"
    )
