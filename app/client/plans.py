"""A SQLite database of plans with the client schema: records out, statements in, an undo journal."""

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The journal lives beside the plans (never sent to the service, which only knows the client schema).
_JOURNAL_DDL = (
    "CREATE TABLE IF NOT EXISTS calendy_undo (id INTEGER PRIMARY KEY, request_id TEXT, prompt TEXT NOT NULL,"
    " statements TEXT NOT NULL, steps TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0)"
)
PLAN_TABLES = ("CATEGORY", "TODO", "SCHEDULE")
JOURNAL_TABLE = "calendy_undo"


class PlanError(Exception):
    """A statement the plans database refused; nothing of the command was kept."""


@dataclass
class Step:
    """What one statement changed: the rows before it (UPDATE/DELETE) or the ids it added (INSERT)."""

    table: str
    before: list[dict[str, Any]] = field(default_factory=list)
    inserted: list[int] = field(default_factory=list)


@dataclass
class Applied:
    """A command run in one transaction, with its journal entry."""

    journal_id: int
    steps: list[Step]


def _rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class PlanStore:
    """One person's plans in SQLite (a file, or `:memory:`), created with the client schema."""

    def __init__(self, *, path: Path | str, schema_sql: str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are opened explicitly, so one command is one transaction.
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA foreign_keys = ON")
        if self._db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'TODO'").fetchone()[0] == 0:
            self._db.executescript(schema_sql)
        self._db.execute(_JOURNAL_DDL)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def dump(self, *, journal_entries: int = 20) -> dict[str, list[dict[str, Any]]]:
        """Every plan row and the newest journal entries, as a hosted plans document keeps them."""
        document = {name: self.select(f"SELECT * FROM {name} ORDER BY id") for name in PLAN_TABLES}
        newest = self.select(f"SELECT * FROM {JOURNAL_TABLE} ORDER BY id DESC LIMIT {int(journal_entries)}")
        document[JOURNAL_TABLE] = list(reversed(newest))
        return document

    def load(self, document: dict[str, list[dict[str, Any]]]) -> None:
        """Fill an empty store with a dumped document (categories first, for the foreign keys)."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for name in (*PLAN_TABLES, JOURNAL_TABLE):
                for row in document.get(name, []):
                    marks = ", ".join("?" for _ in row)
                    self._db.execute(f"INSERT INTO {name} ({', '.join(row)}) VALUES ({marks})", list(row.values()))
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._db.execute("ROLLBACK")
            raise PlanError(f"the stored plans could not be loaded: {exc}") from exc

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """Categories, todos and schedules as a /v1/sql request carries them."""
        out = {name.lower(): self.select(f"SELECT * FROM {name} ORDER BY id") for name in PLAN_TABLES}
        for todo in out["todo"]:
            todo["complete"] = bool(todo["complete"])
        return {"categories": out["category"], "todos": out["todo"], "schedules": out["schedule"]}

    def select(self, sql: str) -> list[dict[str, Any]]:
        """Rows of one SELECT."""
        try:
            return _rows(self._db.execute(sql))
        except sqlite3.Error as exc:
            raise PlanError(str(exc)) from exc

    def apply(self, *, statements: list[dict[str, Any]], prompt: str, request_id: str | None) -> Applied:
        """Run the statements in one transaction and journal the rows before each one."""
        steps: list[Step] = []
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for statement in statements:
                table = str(statement["table"]).upper()
                step = Step(table=table)
                if statement.get("preview_sql"):
                    step.before = _rows(self._db.execute(statement["preview_sql"]))
                top = self._db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
                self._db.execute(statement["sql"])
                if statement["kind"] == "insert":
                    found = self._db.execute(f"SELECT id FROM {table} WHERE id > ? ORDER BY id", (top,))
                    step.inserted = [row[0] for row in found]
                steps.append(step)
            cursor = self._db.execute(
                "INSERT INTO calendy_undo (request_id, prompt, statements, steps) VALUES (?, ?, ?, ?)",
                (
                    request_id,
                    prompt,
                    json.dumps([s["sql"] for s in statements], ensure_ascii=False),
                    json.dumps([step.__dict__ for step in steps], ensure_ascii=False),
                ),
            )
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._db.execute("ROLLBACK")
            raise PlanError(str(exc)) from exc
        return Applied(journal_id=int(cursor.lastrowid or 0), steps=steps)

    def undo_last(self, *, request_id: str | None = None) -> tuple[str, str | None] | None:
        """Restore the rows before the newest command not yet undone; its prompt and request id, or None.

        With `request_id`, only when that command is still the newest (an Undo button of an older one
        must not undo a later change instead).
        """
        entry = self._db.execute(
            "SELECT id, request_id, prompt, steps FROM calendy_undo WHERE undone = 0 ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if entry is None or (request_id is not None and entry[1] != request_id):
            return None
        journal_id, found_id, prompt, raw = entry
        try:
            self._db.execute("BEGIN IMMEDIATE")
            # Newest step first: a conversion's INSERT is removed after its DELETE is restored.
            for step in reversed(json.loads(raw)):
                table = step["table"]
                for row_id in step["inserted"]:
                    self._db.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
                for row in step["before"]:
                    names = ", ".join(row)
                    marks = ", ".join("?" for _ in row)
                    self._db.execute(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})", list(row.values()))
            self._db.execute("UPDATE calendy_undo SET undone = 1 WHERE id = ?", (journal_id,))
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._db.execute("ROLLBACK")
            raise PlanError(str(exc)) from exc
        return prompt, found_id

    def rows_by_id(self, table: str, ids: list[int]) -> list[dict[str, Any]]:
        """The rows of `table` with these ids (those that still exist)."""
        if not ids:
            return []
        return self.select(f"SELECT * FROM {table} WHERE id IN ({', '.join(str(int(i)) for i in ids)}) ORDER BY id")

    def history(self, *, turns: int = 5) -> list[dict[str, Any]]:
        """The last commands kept (not undone), oldest first, as the request's `history`."""
        found = self._db.execute(
            "SELECT prompt, statements FROM calendy_undo WHERE undone = 0 ORDER BY id DESC LIMIT ?", (turns,)
        ).fetchall()
        return [{"prompt": prompt, "statements": json.loads(sql)} for prompt, sql in reversed(found)]
