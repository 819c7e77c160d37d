"""Conditions judged by their effect: WHEREs true for every row whatever the data, and title conditions."""

import re
import sqlite3
import threading

from sqlglot import exp

from app.schemas import SqlRequest
from app.sqlcheck.dialect import render
from app.sqlcheck.nodes import literal_of, unparen
from app.sqlcheck.schema import ClientSchema

# The command asks for every row (conversion-rules.md: 모두, 전부, 다, 싹 다 / all, every, everything).
_EVERYTHING = re.compile(r"모두|전부|전체|싹\s*다|(?:^|\s)다(?=\s|$)|\b(?:all|every|everything)\b", re.IGNORECASE)
# Constant folding runs SQLite itself, so it agrees with what the client's database would do.
_folder = threading.local()
_FOLD_STEPS = 10_000


def asks_for_everything(prompt: str) -> bool:
    """True when the command's words ask for all rows."""
    return _EVERYTHING.search(prompt) is not None


def tautology_problem(*, node: exp.Expr, schema: ClientSchema) -> str | None:
    """Why an UPDATE/DELETE's WHERE holds for every row whatever the data, else None."""
    if not isinstance(node, exp.Update | exp.Delete) or not isinstance(node.this, exp.Table):
        return None
    where = node.args.get("where")
    if where is None:
        return None
    table = node.this.name.upper()
    # A condition reading no column of the row (EXISTS (SELECT ...)) picks all rows or none.
    row_free = not any(isinstance(n, exp.Column) for n in where.walk(prune=lambda n: isinstance(n, exp.Select)))
    if not row_free and _truth(where.this, schema, table) is not True:
        return None
    return (
        f"the WHERE clause ({render(where.this)}) holds for every row of {table} whatever the data, "
        "but the command does not ask for everything; name the rows by id (id = 3, id IN (3, 4)) "
        "or by a real condition on their time or category"
    )


def title_problems(*, node: exp.Expr, schema: ClientSchema, request: SqlRequest) -> list[str]:
    """A condition on a plan's title: plans are referred to by id, so say which ids the title has."""
    problems = []
    for where in node.find_all(exp.Where):
        table = _where_table(where)
        if table is None or not schema.time_columns.get(table):
            continue  # Only plans are referred to by id; a category may be found by its title.
        for column in where.find_all(exp.Column):
            if column.name.lower() == "title" and _nearest_where(column) is where:
                problems.append(_title_problem(column, table, request))
    return list(dict.fromkeys(problems))


def _title_problem(column: exp.Column, table: str, request: SqlRequest) -> str:
    base = f"a condition on {table}.title: existing plans are referred to by id, never by title"
    parent = column.parent
    lit = literal_of(parent.expression) if isinstance(parent, exp.EQ | exp.Like) else None
    if lit is None or not isinstance(lit.value, str):
        return base
    wanted = lit.value.strip("%").lower()
    records = request.todos if table == "TODO" else request.schedules if table == "SCHEDULE" else []
    ids = [record.id for record in records if wanted and wanted in (getattr(record, "title", "") or "").lower()]
    if not ids:
        return f"{base}; no {table} title the client sent matches '{lit.value}'"
    named = ", ".join(str(i) for i in ids)
    return f"{base}: '{lit.value}' is {table} id {named}, so write id IN ({named})"


def _where_table(where: exp.Where) -> str | None:
    owner = where.parent
    if isinstance(owner, exp.Update | exp.Delete) and isinstance(owner.this, exp.Table):
        return owner.this.name.upper()
    if isinstance(owner, exp.Select):
        source = owner.args.get("from_")
        if source is not None and isinstance(source.this, exp.Table):
            return source.this.name.upper()
    return None


def _nearest_where(node: exp.Expr) -> exp.Expr | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, exp.Where):
        parent = parent.parent
    return parent


def _truth(node: exp.Expr, schema: ClientSchema, table: str) -> bool | None:
    """True / False when the condition holds for every / no row the schema allows, None when it depends."""
    node = unparen(node)
    if isinstance(node, exp.And):
        left, right = _truth(node.this, schema, table), _truth(node.expression, schema, table)
        if left is False or right is False:
            return False
        return True if left is True and right is True else None
    if isinstance(node, exp.Or):
        left, right = _truth(node.this, schema, table), _truth(node.expression, schema, table)
        if left is True or right is True:
            return True
        return False if left is False and right is False else None
    if isinstance(node, exp.Not):
        inner = _truth(node.this, schema, table)
        return None if inner is None else not inner
    if any(isinstance(n, exp.Select | exp.Subquery) for n in node.walk()):
        return None
    columns = {column.name.lower() for column in node.find_all(exp.Column)}
    if not columns:
        return _fold(node)
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null) and isinstance(node.this, exp.Column):
        column = node.this.name.lower()
        # NOT NULL columns and the primary key never hold NULL.
        if column in schema.not_null_fills.get(table, {}) or column == schema.primary_keys.get(table):
            return False
        return None
    if len(columns) == 1:
        (column,) = columns
        values = schema.value_sets.get(table, {}).get(column)
        if values:
            return _over_values(node, column, values)
    return None


def _over_values(node: exp.Expr, column: str, values: tuple[object, ...]) -> bool | None:
    """Evaluate a one-column condition for each value the schema lets the column hold."""
    results = set()
    for value in values:
        copy = node.copy()
        literal = exp.Literal.string(value) if isinstance(value, str) else exp.Literal.number(value)
        for found in list(copy.find_all(exp.Column)):
            if found.name.lower() == column:
                if found is copy:
                    copy = literal.copy()
                else:
                    found.replace(literal.copy())
        results.add(_fold(copy))
    return results.pop() if len(results) == 1 else None


def _fold(node: exp.Expr) -> bool | None:
    """SQLite's verdict on a condition without columns: True, False, or None (NULL or an error)."""
    conn: sqlite3.Connection | None = getattr(_folder, "conn", None)
    if conn is None:
        conn = _folder.conn = sqlite3.connect(":memory:", check_same_thread=False)
        # An expensive constant (a huge zeroblob-free arithmetic chain) stops here rather than hangs.
        conn.set_progress_handler(lambda: 1, _FOLD_STEPS)
    text = render(node)
    try:
        row = conn.execute(f"SELECT CASE WHEN ({text}) THEN 1 WHEN NOT ({text}) THEN 0 END").fetchone()
    except (sqlite3.Error, sqlite3.Warning, ValueError, OverflowError):
        return None
    return None if row is None or row[0] is None else bool(row[0])
