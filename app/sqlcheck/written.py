"""Judging a write by its result: the time values it left in the shadow DB, and whether it reached every row."""

import sqlite3
from dataclasses import dataclass

from app.sqlcheck.schema import ClientSchema

# A full time whose parts are digits where SQLite's datetime() expects them.
_SHAPE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
TIME_FORMAT = "'YYYY-MM-DD HH:MM:SS'"
# More rows than this are checked by a scan of the table rather than by a list of rowids.
_MAX_LISTED = 500


@dataclass(frozen=True)
class Target:
    """The table a statement writes, and for an UPDATE the query of the rowids it will write."""

    kind: str
    table: str
    rows_sql: str | None = None


@dataclass(frozen=True)
class Scope:
    """The rows one statement writes: a rowid condition and its parameters (None: the whole table)."""

    condition: str | None
    params: tuple[int, ...] = ()


def insert_scope(conn: sqlite3.Connection, table: str) -> Scope:
    """New rows get rowids above the largest one (INSERT never sets the id)."""
    (largest,) = conn.execute(f"SELECT ifnull(max(rowid), 0) FROM {table}").fetchone()
    return Scope("rowid > ?", (int(largest),))


def listed_scope(rowids: list[int]) -> Scope:
    """The rows an UPDATE's WHERE picked before it ran."""
    if len(rowids) > _MAX_LISTED:
        return Scope(None)
    return Scope(f"rowid IN ({', '.join('?' for _ in rowids)})", tuple(rowids))


def invalid_times(
    conn: sqlite3.Connection, schema: ClientSchema, table: str, scope: Scope
) -> dict[tuple[int, str], str]:
    """Each row of the scope with an invalid time or ending before it starts, with the reason."""
    columns = schema.time_columns.get(table, ())
    within = f" AND {scope.condition}" if scope.condition else ""
    found: dict[tuple[int, str], str] = {}
    for column in columns:
        # datetime(x) = x fails for '2024-02-30 10:00:00' (SQLite moves it to March) and '24:00:00'.
        sql = (
            f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL AND NOT "
            f"(typeof({column}) = 'text' AND {column} GLOB '{_SHAPE}' AND datetime({column}) = {column}){within}"
        )
        for rowid, value in conn.execute(sql, scope.params):
            found[(rowid, column)] = (
                f"leaves {table}.{column} = {value!r} in a row; every time written must be a valid {TIME_FORMAT}: "
                "write the literal time the command means"
            )
    if "start_time" in columns and "end_time" in columns:
        sql = f"SELECT rowid, start_time, end_time FROM {table} WHERE end_time < start_time{within}"
        for rowid, start, end in conn.execute(sql, scope.params):
            found[(rowid, "end")] = f"leaves a {table} row ending ({end}) before it starts ({start})"
    return found


def row_count(conn: sqlite3.Connection, table: str) -> int:
    """How many rows the table holds in the shadow DB now."""
    (count,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(count)
