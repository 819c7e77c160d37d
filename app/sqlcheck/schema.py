"""The client's schema, read once from its DDL file (prompts/schema.sql) with sqlglot."""

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

# A NOT NULL column a record may lack gets this in the shadow DB; None: the request's `now` (time columns).
FillValue = int | float | str | None


@dataclass(frozen=True)
class ClientSchema:
    """Tables and columns of the client's database; build it with `load_client_schema`."""

    ddl: str
    tables: dict[str, tuple[str, ...]]
    time_columns: dict[str, tuple[str, ...]]
    # table -> {column: table whose ids it holds}: its INTEGER PRIMARY KEY and its foreign keys.
    id_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    primary_keys: dict[str, str] = field(default_factory=dict)
    # table -> {NOT NULL column: value used when a record lacks it (None: the request's now)}.
    not_null_fills: dict[str, dict[str, FillValue]] = field(default_factory=dict)
    # table -> {column: the only values a CHECK (column IN (...)) lets it hold}, such as 0/1 flags.
    value_sets: dict[str, dict[str, tuple[FillValue, ...]]] = field(default_factory=dict)


def load_client_schema(path: Path) -> ClientSchema:
    """Parse the CREATE TABLE statements of `path`; raise ValueError when the DDL is unusable."""
    ddl = path.read_text(encoding="utf-8")
    return parse_client_schema(ddl=ddl)


def parse_client_schema(*, ddl: str) -> ClientSchema:
    """The ClientSchema of a DDL text (CREATE TABLE statements only)."""
    try:
        creates = [node for node in sqlglot.parse(ddl, dialect="sqlite") if node is not None]
    except SqlglotError as exc:
        raise ValueError(f"client schema does not parse: {exc}") from exc
    _check_runs_on_sqlite(ddl)
    tables: dict[str, tuple[str, ...]] = {}
    time_columns: dict[str, tuple[str, ...]] = {}
    id_columns: dict[str, dict[str, str]] = {}
    primary_keys: dict[str, str] = {}
    fills: dict[str, dict[str, FillValue]] = {}
    value_sets: dict[str, dict[str, tuple[FillValue, ...]]] = {}
    for create in creates:
        if not (isinstance(create, exp.Create) and isinstance(create.this, exp.Schema)):
            raise ValueError(f"client schema: only CREATE TABLE is supported, got {create.sql()[:60]!r}")
        table = create.this.this.name.upper()
        columns: list[str] = []
        times: list[str] = []
        ids: dict[str, str] = {}
        table_fills: dict[str, FillValue] = {}
        table_values: dict[str, tuple[FillValue, ...]] = {}
        for item in create.this.expressions:
            if isinstance(item, exp.ForeignKey):
                _add_foreign_key(ids, item)
                continue
            if not isinstance(item, exp.ColumnDef):
                continue
            name = item.name.lower()
            columns.append(name)
            type_name = item.args["kind"].sql(dialect="sqlite").upper() if item.args.get("kind") else ""
            is_text = any(word in type_name for word in ("CHAR", "CLOB", "TEXT"))
            if is_text and name.endswith("_time"):
                times.append(name)
            constraints = [c.args.get("kind") for c in item.args.get("constraints") or []]
            if any(isinstance(c, exp.PrimaryKeyColumnConstraint) for c in constraints):
                primary_keys[table] = name
                ids[name] = table
            for constraint in constraints:
                if isinstance(constraint, exp.Reference):
                    ids[name] = _referenced_table(constraint)
            allowed = _checked_values(constraints, name)
            if allowed is not None:
                table_values[name] = allowed
            not_null = any(isinstance(c, exp.NotNullColumnConstraint) for c in constraints)
            if not_null and primary_keys.get(table) != name:
                table_fills[name] = None if name in times else _fill_value(constraints, is_text=is_text)
        tables[table] = tuple(columns)
        time_columns[table] = tuple(times)
        id_columns[table] = ids
        fills[table] = table_fills
        value_sets[table] = table_values
    if not tables:
        raise ValueError("client schema defines no table")
    return ClientSchema(
        ddl=ddl,
        tables=tables,
        time_columns=time_columns,
        id_columns=id_columns,
        primary_keys=primary_keys,
        not_null_fills=fills,
        value_sets=value_sets,
    )


def _check_runs_on_sqlite(ddl: str) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(ddl)
    except sqlite3.Error as exc:
        raise ValueError(f"client schema does not run on SQLite: {exc}") from exc
    finally:
        conn.close()


def _referenced_table(reference: exp.Reference) -> str:
    target = reference.this
    table = target.this if isinstance(target, exp.Schema) else target
    return str(table.name).upper()


def _add_foreign_key(ids: dict[str, str], key: exp.ForeignKey) -> None:
    reference = key.args.get("reference")
    if not isinstance(reference, exp.Reference):
        return
    for column in key.expressions:
        ids[column.name.lower()] = _referenced_table(reference)


def _fill_value(constraints: list[exp.Expr | None], *, is_text: bool) -> FillValue:
    for constraint in constraints:
        if isinstance(constraint, exp.DefaultColumnConstraint) and isinstance(constraint.this, exp.Literal):
            literal = constraint.this
            if literal.is_string:
                return str(literal.this)
            number = float(literal.this)
            return int(number) if number.is_integer() else number
    return "" if is_text else 0


def _checked_values(constraints: list[exp.Expr | None], column: str) -> tuple[FillValue, ...] | None:
    """The literals of a CHECK (column IN (...)) constraint, else None."""
    for constraint in constraints:
        check = constraint.this if isinstance(constraint, exp.CheckColumnConstraint) else None
        if not (isinstance(check, exp.In) and isinstance(check.this, exp.Column)) or check.this.name.lower() != column:
            continue
        values: list[FillValue] = []
        for item in check.expressions:
            if not isinstance(item, exp.Literal):
                return None
            values.append(str(item.this) if item.is_string else _number(str(item.this)))
        return tuple(values)
    return None


def _number(text: str) -> int | float:
    number = float(text)
    return int(number) if number.is_integer() else number
