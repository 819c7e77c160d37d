"""What a validated statement is: kind, table, the ids it names, a preview, and how many rows it may change."""

from dataclasses import dataclass

from sqlglot import exp

from app.schemas import Statement, StatementKind
from app.sqlcheck.dialect import render
from app.sqlcheck.nodes import as_int, literal_of, unparen
from app.sqlcheck.schema import ClientSchema

_KINDS: dict[type[exp.Expr], StatementKind] = {
    exp.Select: "select",
    exp.Insert: "insert",
    exp.Update: "update",
    exp.Delete: "delete",
}


@dataclass(frozen=True)
class Description:
    """A statement's API description and the changed-row count its text justifies."""

    statement: Statement
    # Rows the dry run may change at most (None: no bound); an INSERT ... VALUES must change exactly this many.
    max_changes: int | None
    exact_changes: int | None


def describe(*, node: exp.Expr, sql: str, schema: ClientSchema) -> Description:
    """Describe one statement that passed the static checks."""
    kind = _KINDS[type(node)]
    max_changes: int | None = None
    exact_changes: int | None = None
    preview_sql: str | None = None
    if isinstance(node, exp.Insert):
        target = node.this
        table = target.this.name.upper() if isinstance(target, exp.Schema) else target.name.upper()
        source = node.expression
        ids: list[int] = []
        if isinstance(source, exp.Values):
            exact_changes = len(source.expressions)
        elif isinstance(source, exp.Select):
            ids = _selected_ids(source, schema)
            max_changes = _bound(len(ids) if ids else None, _limit(source))
    elif isinstance(node, exp.Select):
        table = node.args["from_"].this.name.upper()
        ids = _selected_ids(node, schema)
    else:
        table = node.this.name.upper()
        where = node.args["where"].this
        ids = named_ids(where, table=node.this, primary_key=schema.primary_keys.get(table))
        max_changes = len(ids) if ids else None
        preview_sql = f"SELECT * FROM {render(node.this)} WHERE {render(where)}"
    statement = Statement(
        sql=sql,
        kind=kind,
        table=table,
        ids=ids,
        destructive=kind in ("update", "delete"),
        preview_sql=preview_sql,
    )
    return Description(statement=statement, max_changes=max_changes, exact_changes=exact_changes)


def named_ids(condition: exp.Expr, *, table: exp.Table, primary_key: str | None) -> list[int]:
    """Ids a condition names positively on `table` (id = N, id IN (...)) outside NOT and subqueries."""
    if primary_key is None:
        return []
    keys = {(table.alias or table.name).lower()}
    found: list[int] = []
    _collect_ids(condition, keys, primary_key, found)
    return list(dict.fromkeys(found))


def _collect_ids(node: exp.Expr, keys: set[str], primary_key: str, found: list[int]) -> None:
    node = unparen(node)
    if isinstance(node, exp.And | exp.Or):
        _collect_ids(node.this, keys, primary_key, found)
        _collect_ids(node.expression, keys, primary_key, found)
    elif isinstance(node, exp.EQ):
        for side, other in ((node.this, node.expression), (node.expression, node.this)):
            if _is_key(side, keys, primary_key):
                found.extend(_ints([other]))
    elif isinstance(node, exp.In) and not node.args.get("query") and _is_key(node.this, keys, primary_key):
        found.extend(_ints(node.expressions))


def _is_key(node: exp.Expr, keys: set[str], primary_key: str) -> bool:
    node = unparen(node)
    return (
        isinstance(node, exp.Column)
        and node.name.lower() == primary_key
        and (not node.table or node.table.lower() in keys)
    )


def _ints(nodes: list[exp.Expr]) -> list[int]:
    values = []
    for node in nodes:
        lit = literal_of(node)
        number = as_int(lit) if lit is not None else None
        if number is not None:
            values.append(number)
    return values


def _selected_ids(select: exp.Select, schema: ClientSchema) -> list[int]:
    source = select.args["from_"].this
    where = select.args.get("where")
    if where is None or not isinstance(source, exp.Table):
        return []
    return named_ids(where.this, table=source, primary_key=schema.primary_keys.get(source.name.upper()))


def _limit(select: exp.Select) -> int | None:
    limit = select.args.get("limit")
    lit = literal_of(limit.expression) if limit is not None else None
    number = as_int(lit) if lit is not None else None
    # A negative LIMIT means no limit to SQLite.
    return number if number is not None and number >= 0 else None


def _bound(*bounds: int | None) -> int | None:
    known = [bound for bound in bounds if bound is not None]
    return min(known) if known else None
