"""Judging a write by its result: the time values it left in the shadow DB, and whether it reached every row."""

import sqlite3

from app.sqlcheck.schema import ClientSchema

# A full time whose parts are digits where SQLite's datetime() expects them.
_SHAPE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
TIME_FORMAT = "'YYYY-MM-DD HH:MM:SS'"


class WrittenTimes:
    """Finds the rows a statement left with an invalid time; rows invalid before any write are not its fault."""

    def __init__(self, schema: ClientSchema):
        self.schema = schema
        self._before: dict[str, set[tuple[int, str]]] = {}

    def remember(self, conn: sqlite3.Connection, table: str) -> None:
        """Note the table's invalid rows before its first write (a client's schedule may end before it starts)."""
        if table not in self._before:
            self._before[table] = set(self._invalid(conn, table))

    def problems(self, conn: sqlite3.Connection, table: str) -> list[str]:
        """What the last write left wrong in `table`, one line per row and problem."""
        before = self._before.setdefault(table, set())
        new = {key: text for key, text in self._invalid(conn, table).items() if key not in before}
        before.update(new)  # Told once, by the statement that wrote it.
        return list(new.values())

    def _invalid(self, conn: sqlite3.Connection, table: str) -> dict[tuple[int, str], str]:
        columns = self.schema.time_columns.get(table, ())
        found: dict[tuple[int, str], str] = {}
        for column in columns:
            # datetime(x) = x fails for '2024-02-30 10:00:00' (SQLite moves it to March) and '24:00:00'.
            sql = (
                f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL AND NOT "
                f"(typeof({column}) = 'text' AND {column} GLOB '{_SHAPE}' AND datetime({column}) = {column})"
            )
            for rowid, value in conn.execute(sql):
                found[(rowid, column)] = (
                    f"leaves {table}.{column} = {value!r} in a row; every time written must be a valid {TIME_FORMAT}"
                )
        if "start_time" in columns and "end_time" in columns:
            sql = f"SELECT rowid, start_time, end_time FROM {table} WHERE end_time < start_time"
            for rowid, start, end in conn.execute(sql):
                found[(rowid, "end_time<start_time")] = (
                    f"leaves a {table} row ending ({end}) before it starts ({start})"
                )
        return found


def row_count(conn: sqlite3.Connection, table: str) -> int:
    """How many rows the table holds in the shadow DB now."""
    (count,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(count)
