"""SQL construction with sqlglot expression builders: user text only ever becomes a literal.

Nodes are built directly (no parsing of strings) and rendered by one SQLite generator per
thread: a statement costs a few tens of microseconds.
"""

import threading
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.generator import Generator

from app.local.records import Table, fmt

Value = str | int | datetime | exp.Expr | None

_COPY_TO_SCHEDULE: tuple[str, ...] = ("title", "start_time", "end_time", "memo", "category_id", "priority")
_COPY_FROM_TODO: tuple[str, ...] = ("title", "due_time", "due_time", "memo", "category_id", "priority")
_COPY_TO_TODO: tuple[str, ...] = ("title", "due_time", "memo", "category_id", "priority")
_COPY_FROM_SCHEDULE: tuple[str, ...] = ("title", "start_time", "memo", "category_id", "priority")

_SQLITE = Dialect.get_or_raise("sqlite")
_local = threading.local()


def _sql(expression: exp.Expr) -> str:
    generator: Generator | None = getattr(_local, "generator", None)
    if generator is None:
        generator = _local.generator = _SQLITE.generator()
    return generator.generate(expression, copy=False)


def _table(name: Table) -> exp.Table:
    return exp.Table(this=exp.to_identifier(name))


def _column(name: str) -> exp.Column:
    return exp.Column(this=exp.to_identifier(name))


def literal(value: Value) -> exp.Expr:
    """A SQL literal of a Python value (datetimes as 'YYYY-MM-DD HH:MM:SS')."""
    if isinstance(value, exp.Expr):
        return value
    if value is None:
        return exp.Null()
    if isinstance(value, datetime):
        return exp.Literal.string(fmt(value))
    if isinstance(value, bool):
        return exp.Literal.number(int(value))
    if isinstance(value, int):
        return exp.Literal.number(value)
    return exp.Literal.string(value)


def ids_condition(ids: Sequence[int]) -> exp.Expr:
    """`id = N` or `id IN (...)`."""
    ordered = sorted(set(ids))
    if len(ordered) == 1:
        return exp.EQ(this=_column("id"), expression=literal(ordered[0]))
    return exp.In(this=_column("id"), expressions=[literal(i) for i in ordered])


def between(column: str, start: datetime, end: datetime) -> exp.Expr:
    """`column BETWEEN 'start' AND 'end'`."""
    return exp.Between(this=_column(column), low=literal(start), high=literal(end))


def equals(column: str, value: Value) -> exp.Expr:
    """`column = value`."""
    return exp.EQ(this=_column(column), expression=literal(value))


def all_of(conditions: Sequence[exp.Expr]) -> exp.Expr | None:
    """The conjunction of the conditions, or None when there are none."""
    if not conditions:
        return None
    result = conditions[0]
    for condition in conditions[1:]:
        result = exp.And(this=result, expression=condition)
    return result


def insert(table: Table, values: Mapping[str, Value]) -> str:
    """`INSERT INTO table (columns) VALUES (...)` with an explicit column list."""
    row = exp.Tuple(expressions=[literal(v) for v in values.values()])
    target = exp.Schema(this=_table(table), expressions=[exp.to_identifier(c) for c in values])
    return _sql(exp.Insert(this=target, expression=exp.Values(expressions=[row])))


def update(table: Table, values: Mapping[str, Value], where: exp.Expr) -> str:
    """`UPDATE table SET ... WHERE where` (a WHERE is mandatory)."""
    sets = [exp.EQ(this=_column(column), expression=literal(v)) for column, v in values.items()]
    return _sql(exp.Update(this=_table(table), expressions=sets, where=exp.Where(this=where)))


def delete(table: Table, where: exp.Expr) -> str:
    """`DELETE FROM table WHERE where` (a WHERE is mandatory)."""
    return _sql(exp.Delete(this=_table(table), where=exp.Where(this=where)))


def _select(columns: Sequence[exp.Expr], table: Table, where: exp.Expr | None) -> exp.Select:
    query = exp.Select(expressions=list(columns), from_=exp.From(this=_table(table)))
    if where is not None:
        query.set("where", exp.Where(this=where))
    return query


def select_all(table: Table, where: exp.Expr | None) -> str:
    """`SELECT * FROM table [WHERE where]`."""
    return _sql(_select([exp.Star()], table, where))


def convert(source: Table, ids: Sequence[int]) -> list[str]:
    """Copy rows into the other table (INSERT ... SELECT), then delete them from this one."""
    target: Table = "SCHEDULE" if source == "TODO" else "TODO"
    into = _COPY_TO_SCHEDULE if source == "TODO" else _COPY_TO_TODO
    picked = _COPY_FROM_TODO if source == "TODO" else _COPY_FROM_SCHEDULE
    query = _select([_column(c) for c in picked], source, ids_condition(ids))
    schema = exp.Schema(this=_table(target), expressions=[exp.to_identifier(c) for c in into])
    return [_sql(exp.Insert(this=schema, expression=query)), delete(source, ids_condition(ids))]


def shifted_column(table: Table, plan_id: int, column: str, minutes: int) -> exp.Expr:
    """`DATETIME((SELECT column FROM table WHERE id = N), '+M minutes')`: for a time not sent."""
    inner = _select([_column(column)], table, ids_condition([plan_id]))
    return exp.Anonymous(
        this="DATETIME", expressions=[exp.Subquery(this=inner), exp.Literal.string(f"{minutes:+d} minutes")]
    )
