"""Conditions judged by their effect: WHEREs true for every row whatever the data, and title conditions."""

import re
import sqlite3
import threading

from sqlglot import exp

from app.schemas import SqlRequest
from app.sqlcheck.dayhint import rows_on_named_day
from app.sqlcheck.dialect import render
from app.sqlcheck.hints import ids_fix
from app.sqlcheck.nodes import literal_of, unparen
from app.sqlcheck.requestdata import records_by_table
from app.sqlcheck.schema import ClientSchema

# The command asks for every row (conversion-rules.md: 모두, 전부, 다, 싹 다 / all, every, everything).
_EVERYTHING = re.compile(r"모두|전부|전체|싹\s*다|(?:^|\s)다(?=\s|$)|\b(?:all|every|everything)\b", re.IGNORECASE)
# Constant folding runs SQLite itself, so it agrees with what the client's database would do.
_folder = threading.local()
_FOLD_STEPS = 10_000


def asks_for_everything(prompt: str) -> bool:
    """True when the command's words ask for all rows."""
    return _EVERYTHING.search(prompt) is not None


def tautology_problem(*, node: exp.Expr, schema: ClientSchema, request: SqlRequest) -> str | None:
    """Why an UPDATE/DELETE's WHERE holds for every row whatever the data, and the fix, else None."""
    if isinstance(node, exp.Insert) and isinstance(node.expression, exp.Select):
        node = node.expression  # INSERT ... SELECT: a copy of every row is as wide a write
        source = node.args.get("from_")
        target = source.this if source is not None else None
    elif isinstance(node, exp.Update | exp.Delete):
        target = node.this
    else:
        return None
    where = node.args.get("where")
    if where is None or not isinstance(target, exp.Table):
        return None
    table = target.name.upper()
    # A condition reading no column of the row (EXISTS (SELECT ...)) picks all rows or none.
    row_free = not any(isinstance(n, exp.Column) for n in where.walk(prune=lambda n: isinstance(n, exp.Select)))
    if not row_free and _truth(where.this, schema, table) is not True:
        return None
    problem = (
        f"the WHERE clause ({render(where.this)}) holds for every row of {table} whatever the data, "
        "but the command does not ask for everything"
    )
    part = _true_part(where.this, schema, table) if not row_free else None
    if part is not None and part is not unparen(where.this):
        # The model added an always-true disjunct to a real condition: dropping it is the fix.
        return f"{problem}: {render(part)} is always true, so remove it"
    fix = ids_fix(request=request, table=table)
    if fix is not None:
        return f"{problem}; {fix}"
    return f"{problem}; name the rows by id (id = 3, id IN (3, 4)) or by a real condition on their time or category"


def _true_part(node: exp.Expr, schema: ClientSchema, table: str) -> exp.Expr:
    """The smallest OR branch that alone makes the condition true for every row."""
    node = unparen(node)
    if isinstance(node, exp.Or):
        for side in (node.this, node.expression):
            if _truth(side, schema, table) is True:
                return _true_part(side, schema, table)
    return node


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
    records = records_by_table(request).get(table, [])
    ids = [record.id for record in records if wanted and wanted in (getattr(record, "title", "") or "").lower()]
    if not ids:
        return f"{base}; no {table} title the client sent matches '{lit.value}'"
    named = ", ".join(str(i) for i in ids)
    if len(ids) == 1:
        return f"{base}: '{lit.value}' is {table} id {named}, so write id IN ({named})"
    day = rows_on_named_day(request=request, records=records, ids=ids)
    if day is not None:
        picked = ", ".join(map(str, day[1]))
        return (
            f"{base}: '{lit.value}' is {table} id {named}, and '{day[0]}' picks id {picked}, so write id IN ({picked})"
        )
    # A repeated plan: all are meant unless the command's time words pick some (conversion-rules.md).
    return (
        f"{base}: '{lit.value}' is {table} id {named}, so write id IN ({named}), "
        "or the ones of those the command's time words pick"
    )


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
    columns = {column.name.lower() for column in node.find_all(exp.Column)}
    nested = any(isinstance(n, exp.Select | exp.Subquery) for n in node.walk())
    if len(columns) == 1 and not nested:
        values = schema.value_sets.get(table, {}).get(next(iter(columns)))
        if values:
            # complete = 0 OR complete = 1: tried on each value the column may hold, as a whole.
            return _over_values(node, next(iter(columns)), values)
    if isinstance(node, exp.And):
        left, right = _truth(node.this, schema, table), _truth(node.expression, schema, table)
        if left is False or right is False:
            return False
        return True if left is True and right is True else None
    if isinstance(node, exp.Or):
        for one, other in ((node.this, node.expression), (node.expression, node.this)):
            # p OR NOT p, when p is never NULL (x IS NULL OR x IS NOT NULL; NULL OR NOT NULL is NULL).
            if _negates(one, other) and _never_null_condition(one, schema, table):
                return True
        left, right = _truth(node.this, schema, table), _truth(node.expression, schema, table)
        if left is True or right is True:
            return True
        return False if left is False and right is False else None
    if isinstance(node, exp.Not):
        inner = _truth(node.this, schema, table)
        return None if inner is None else not inner
    if isinstance(node, exp.In) and _whole_column(node, schema, table):
        return True
    if nested:
        return None
    if not columns:
        return _fold(node)
    if (
        isinstance(node, exp.EQ | exp.GTE | exp.LTE)
        and _never_null(node.this, schema, table)
        and unparen(node.this) == unparen(node.expression)
    ):
        return True  # id = id, due_time = due_time
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null) and _never_null(node.this, schema, table):
        return False  # NOT NULL columns and the primary key never hold NULL
    return None


def _negates(one: exp.Expr, other: exp.Expr) -> bool:
    other = unparen(other)
    return isinstance(other, exp.Not) and unparen(other.this) == unparen(one)


def _never_null_condition(node: exp.Expr, schema: ClientSchema, table: str) -> bool:
    node = unparen(node)
    if isinstance(node, exp.Is):
        return True
    columns = list(node.find_all(exp.Column))
    nested = any(isinstance(n, exp.Select | exp.Subquery) for n in node.walk())
    return bool(columns) and not nested and all(_never_null(column, schema, table) for column in columns)


def _never_null(node: exp.Expr, schema: ClientSchema, table: str) -> bool:
    node = unparen(node)
    if not isinstance(node, exp.Column):
        return False
    column = node.name.lower()
    return column in schema.not_null_fills.get(table, {}) or column == schema.primary_keys.get(table)


def _whole_column(node: exp.In, schema: ClientSchema, table: str) -> bool:
    """id IN (SELECT id FROM <the same table>): every row, whatever the data."""
    query = node.args.get("query")
    select = query.this if isinstance(query, exp.Subquery) else query
    if not isinstance(select, exp.Select) or select.args.get("where") or not _never_null(node.this, schema, table):
        return False
    source = select.args.get("from_")
    picked = select.expressions
    return (
        source is not None
        and isinstance(source.this, exp.Table)
        and source.this.name.upper() == table
        and len(picked) == 1
        and isinstance(picked[0], exp.Column)
        and picked[0].name.lower() == unparen(node.this).name.lower()
        and not any(select.args.get(key) for key in ("limit", "offset", "group", "having"))
    )


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
