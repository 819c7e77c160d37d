"""Layer 2: a dry run of the statements on an in-memory copy of the client's data, under guard."""

import sqlite3
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from app.errors import SqlRejected
from app.schemas import Record, SqlRequest
from app.sqlcheck.dialect import SQLITE_FUNCTION_NAMES, statement_label
from app.sqlcheck.requestdata import records_by_table
from app.sqlcheck.schema import ClientSchema
from app.sqlcheck.written import Target, insert_scope, invalid_times, listed_scope, row_count

_TABLE_ACTIONS = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_DELETE}
_COLUMN_ACTIONS = {sqlite3.SQLITE_READ, sqlite3.SQLITE_UPDATE}
_ACTION_NAMES = {
    getattr(sqlite3, f"SQLITE_{name}"): name.replace("_", " ")
    for name in [
        *("CREATE_INDEX", "CREATE_TABLE", "CREATE_TEMP_INDEX", "CREATE_TEMP_TABLE", "CREATE_TEMP_TRIGGER"),
        *("CREATE_TEMP_VIEW", "CREATE_TRIGGER", "CREATE_VIEW", "CREATE_VTABLE", "DROP_INDEX", "DROP_TABLE"),
        *("DROP_TEMP_INDEX", "DROP_TEMP_TABLE", "DROP_TEMP_TRIGGER", "DROP_TEMP_VIEW", "DROP_TRIGGER"),
        *("DROP_VIEW", "DROP_VTABLE", "ALTER_TABLE", "REINDEX", "ANALYZE", "ATTACH", "DETACH", "PRAGMA"),
        *("TRANSACTION", "SAVEPOINT", "RECURSIVE", "SELECT", "READ", "INSERT", "UPDATE", "DELETE", "FUNCTION"),
    ]
}
# How many VM steps pass between two calls of the progress handler.
_STEP_INTERVAL = 1000


@dataclass(frozen=True)
class Effect:
    """What one statement did in the dry run."""

    changed: int
    # An UPDATE/DELETE that reached every row of a table holding more than one.
    whole_table: bool = False


def dry_run(
    *,
    statements: Sequence[str],
    request: SqlRequest,
    schema: ClientSchema,
    max_steps: int = 200_000,
    tables: Collection[str] | None = None,
) -> list[int]:
    """Run the statements in order on a shadow DB; return rows changed by each, or raise SqlRejected."""
    effects = dry_run_effects(
        statements=statements, targets=None, request=request, schema=schema, max_steps=max_steps, tables=tables
    )
    return [effect.changed for effect in effects]


def dry_run_effects(
    *,
    statements: Sequence[str],
    targets: Sequence[Target | None] | None,
    request: SqlRequest,
    schema: ClientSchema,
    max_steps: int = 200_000,
    tables: Collection[str] | None = None,
) -> list[Effect]:
    """Run the statements in order on a shadow DB and judge each write by its result, or raise SqlRejected.

    `targets`: per statement, the table it writes, None for a SELECT; None: writes are not judged.
    `tables`: the tables the statements name (None: all); only these get the request's records.
    """
    guard = _Guard(schema, max_steps)
    problems: list[str] = []
    effects: list[Effect] = []
    with _shadow_db(request, schema, tables) as conn:
        for number, sql in enumerate(statements, 1):
            target = targets[number - 1] if targets is not None else None
            label = statement_label(number, sql)
            guard.denied.clear()
            try:
                effect, found = _run_one(conn, guard, sql, target, schema)
            except (sqlite3.Error, sqlite3.Warning, ValueError) as exc:
                problems.append(f"{label}: {guard.explain(exc)}")
                if guard.exhausted:
                    break
                effect, found = Effect(changed=0), []
            if not conn.in_transaction:
                # SQLite ended the transaction itself (a rollback on an interrupt or a full
                # database): the request's rows are gone, so later counts would mean nothing.
                problems.append(f"{label}: the dry run could not continue after it")
                break
            problems.extend(f"{label}: {problem}" for problem in found)
            effects.append(effect)
    if problems:
        raise SqlRejected(problems)
    return effects


def _run_one(
    conn: sqlite3.Connection, guard: "_Guard", sql: str, target: Target | None, schema: ClientSchema
) -> tuple[Effect, list[str]]:
    """Run one statement under guard; judge the rows it wrote (only those: the client's are its own)."""
    if target is None:
        with _guarded(conn, guard):
            before = conn.total_changes
            conn.execute(sql).fetchall()
        return Effect(changed=conn.total_changes - before), []
    rows_before = row_count(conn, target.table)
    scope = insert_scope(conn, target.table) if target.kind == "insert" else None
    if target.rows_sql is not None:
        with _guarded(conn, guard):
            scope = listed_scope([row[0] for row in conn.execute(target.rows_sql)])
    already = invalid_times(conn, schema, target.table, scope) if target.kind == "update" and scope else {}
    with _guarded(conn, guard):
        before = conn.total_changes
        conn.execute(sql).fetchall()
    changed = conn.total_changes - before
    found = invalid_times(conn, schema, target.table, scope) if scope is not None else {}
    whole = target.kind in ("update", "delete") and rows_before > 1 and changed >= rows_before
    return Effect(changed=changed, whole_table=whole), [text for key, text in found.items() if key not in already]


@contextmanager
def _guarded(conn: sqlite3.Connection, guard: "_Guard") -> Iterator[None]:
    """The authorizer and the step budget, for the statement's own SQL only: the service's queries
    around it are neither denied nor charged against its budget."""
    conn.set_authorizer(guard.authorize)
    conn.set_progress_handler(guard.tick, guard.interval)
    try:
        yield
    finally:
        conn.set_authorizer(None)
        conn.set_progress_handler(None, 0)


class _Guard:
    """The authorizer and the step budget of one dry run."""

    def __init__(self, schema: ClientSchema, max_steps: int):
        self.columns = {table: frozenset(columns) for table, columns in schema.tables.items()}
        self.max_steps = max_steps
        self.interval = max(1, min(_STEP_INTERVAL, max_steps))
        self.ticks_left = max(1, max_steps // self.interval)
        self.exhausted = False
        self.denied: list[str] = []

    def authorize(
        self, action: int, arg1: str | None, arg2: str | None, db_name: str | None, source: str | None
    ) -> int:
        if self._allowed(action, arg1, arg2, db_name):
            return sqlite3.SQLITE_OK
        what = " ".join(part for part in (_ACTION_NAMES.get(action, str(action)), arg1, arg2) if part)
        self.denied.append(what)
        return sqlite3.SQLITE_DENY

    def _allowed(self, action: int, arg1: str | None, arg2: str | None, db_name: str | None) -> bool:
        if action == sqlite3.SQLITE_SELECT:
            return True
        if action == sqlite3.SQLITE_FUNCTION:
            return (arg2 or "").lower() in SQLITE_FUNCTION_NAMES
        table = self.columns.get((arg1 or "").upper())
        if table is None or db_name not in ("main", None):
            return False
        if action in _TABLE_ACTIONS:
            return True
        # An empty column name is a read of the table as a whole (count(*)).
        return action in _COLUMN_ACTIONS and (not arg2 or arg2.lower() in table)

    def tick(self) -> int:
        self.ticks_left -= 1
        if self.ticks_left <= 0:
            self.exhausted = True
            return 1
        return 0

    def explain(self, exc: Exception) -> str:
        if self.exhausted:
            return f"stopped after {self.max_steps} SQLite steps: too expensive to run"
        if self.denied:
            return f"not allowed in the dry run: {', '.join(dict.fromkeys(self.denied))}"
        return f"fails on a copy of the client's data: {exc}"


# Idle shadow connections of this thread, one per schema text. Reusing one skips opening a database
# and SQLite re-reading its schema; it is emptied after every dry run, and dropped if that fails.
_idle = threading.local()


@contextmanager
def _shadow_db(
    request: SqlRequest, schema: ClientSchema, tables: Collection[str] | None
) -> Iterator[sqlite3.Connection]:
    """An in-memory database with the schema and the request's records, empty again afterwards."""
    pool: dict[str, sqlite3.Connection] = _idle.__dict__.setdefault("connections", {})
    conn = pool.pop(schema.ddl, None) or _new_connection(schema.ddl)
    try:
        # One transaction, rolled back afterwards: cheaper than a commit per inserted row and a
        # DELETE per table. The authorizer refuses TRANSACTION, so a statement cannot end it.
        conn.execute("BEGIN")
        try:
            # A statement reaches no table it does not name: the shadow DB has no triggers or
            # views and does not enforce foreign keys (SQLite's default), so a TODO row's
            # category need not be there. Loading only the named tables keeps a user with
            # thousands of schedules from paying for them on every todo command.
            for table, records in records_by_table(request).items():
                if records and table in schema.tables and (tables is None or table in tables):
                    _insert_records(conn, table, records, schema=schema, now=request.now)
        except (sqlite3.Error, OverflowError) as exc:
            # Ids beyond SQLite's 64-bit integers, for one: the client's database cannot hold them either.
            raise SqlRejected([f"the request's records do not fit the client schema: {exc}"]) from exc
        yield conn
    finally:
        conn.set_authorizer(None)
        conn.set_progress_handler(None, 0)
        # Reused only when the rollback empties it: a transaction SQLite ended mid-run left
        # whatever ran after it committed.
        reusable = conn.in_transaction
        if reusable:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                reusable = False
        if reusable:
            pool[schema.ddl] = conn
        else:
            conn.close()


def _new_connection(ddl: str) -> sqlite3.Connection:
    # Autocommit: Python's implicit BEGIN would be a transaction the authorizer has to refuse.
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    # Off whatever SQLite was built with: only the tables a statement names are loaded.
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.executescript(ddl)
    return conn


def _insert_records(
    conn: sqlite3.Connection, table: str, records: Sequence[Record], *, schema: ClientSchema, now: str
) -> None:
    fields = type(records[0]).model_fields
    columns = [column for column in schema.tables[table] if column in fields]
    fills = {column: now if fill is None else fill for column, fill in schema.not_null_fills.get(table, {}).items()}
    rows = []
    for record in records:
        row = []
        for column in columns:
            value = getattr(record, column)
            row.append(fills.get(column) if value is None else value)
        rows.append(row)
    marks = ", ".join("?" for _ in columns)
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
