"""Layer 1: static checks of one parsed statement against the allow-lists, the schema and the request."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from app.sqlcheck import allowlist
from app.sqlcheck.dialect import DATE_FUNCTIONS, SCALAR_FUNCTIONS, render
from app.sqlcheck.nodes import Lit, as_int, literal_of, unparen
from app.sqlcheck.schema import ClientSchema
from app.sqlcheck.timechecks import (
    bound_problem,
    date_call_problems,
    pattern_problem,
    string_literal_problem,
    time_value_problem,
)

STATEMENT_TYPES = (exp.Select, exp.Insert, exp.Update, exp.Delete)
_RANGES = (exp.GT, exp.GTE, exp.LT, exp.LTE)
_COMPARISONS = (exp.EQ, exp.NEQ, *_RANGES)


def check_statement(*, node: exp.Expr, schema: ClientSchema, sent_ids: Mapping[str, frozenset[int]]) -> list[str]:
    """Every problem of one statement, in the order found (empty when it passes)."""
    if not isinstance(node, STATEMENT_TYPES):
        keyword = allowlist.NODE_NAMES.get(type(node)) or render(node).split(" ", 1)[0].upper()
        return [f"only SELECT, INSERT, UPDATE and DELETE statements are allowed, not {keyword}"]
    checker = _Checker(schema, sent_ids)
    if isinstance(node, exp.Select) and not node.args.get("from_"):
        checker.problem("a SELECT must read one of the tables")
    if isinstance(node, exp.Update | exp.Delete):
        where = node.args.get("where")
        if where is None:
            checker.problem(f"{node.key.upper()} needs a WHERE clause")
        # A WHERE true for every row (1 = 1) is judged with the command's words: conditions.py.
    try:
        checker.visit(node, [])
    except RecursionError:
        checker.problem("the statement is nested too deeply")
    return checker.problems


@dataclass
class _Scope:
    """Tables a column may come from (by alias or name) and the select's output aliases."""

    tables: dict[str, str]
    outputs: set[str] = field(default_factory=set)


class _Checker:
    """Walks one statement, collecting problems; scopes follow SQLite's name resolution."""

    def __init__(self, schema: ClientSchema, sent_ids: Mapping[str, frozenset[int]]):
        self.schema = schema
        self.sent_ids = sent_ids
        self.problems: list[str] = []

    def problem(self, text: str | None) -> None:
        if text and text not in self.problems:
            self.problems.append(text)

    def visit(self, node: exp.Expr, scopes: list[_Scope]) -> None:
        if not self._allowed(node):
            return
        if isinstance(node, exp.Select):
            scopes = [*scopes, self._select_scope(node)]
        elif isinstance(node, exp.Insert):
            self._insert(node)
            return
        elif isinstance(node, exp.Update):
            self._update(node)
            return
        elif isinstance(node, exp.Delete):
            scopes = [*scopes, self._target_scope(node.this)]
        elif isinstance(node, exp.Table):
            self._table(node)
        elif isinstance(node, exp.Column):
            self._column(node, scopes)
        elif isinstance(node, exp.Literal) and node.is_string:
            self.problem(string_literal_problem(node.this))
        elif isinstance(node, exp.Anonymous):
            self._function(node, scopes)
        elif isinstance(node, _COMPARISONS):
            self._compare(node.this, node.expression, scopes, ranged=isinstance(node, _RANGES))
            self._compare(node.expression, node.this, scopes, ranged=isinstance(node, _RANGES))
        elif isinstance(node, exp.In):
            for item in node.expressions:
                self._compare(node.this, item, scopes, ranged=False)
        elif isinstance(node, exp.Between):
            for bound in (node.args["low"], node.args["high"]):
                self._compare(node.this, bound, scopes, ranged=True)
        elif isinstance(node, exp.Like | exp.Glob):
            self._pattern(node, scopes)
        elif isinstance(node, exp.Is) and not isinstance(node.expression, exp.Null):
            self.problem("IS is only allowed as IS NULL / IS NOT NULL")
        elif isinstance(node, exp.Cast) and node.to.this not in allowlist.CAST_TYPES:
            self.problem(f"CAST to {render(node.to)} is not allowed (INTEGER, TEXT or REAL)")
        elif isinstance(node, exp.Var) and node.name.upper() not in allowlist.COLLATIONS:
            self.problem(f"collation {node.name} is not allowed")
        for child in node.iter_expressions():
            self.visit(child, scopes)

    def _allowed(self, node: exp.Expr) -> bool:
        allowed_args = allowlist.ALLOWED_ARGS.get(type(node))
        if allowed_args is None:
            if isinstance(node, exp.Func) and type(node) not in allowlist.NODE_NAMES:
                name = render(node).split("(", 1)[0].strip() or node.key.upper()
                self.problem(f"function {name}() is not allowed")
            else:
                name = allowlist.NODE_NAMES.get(type(node), node.key.upper())
                self.problem(f"not allowed: {name}")
            return False
        extra = [key for key, value in node.args.items() if value and key not in allowed_args]
        extra = [key for key in extra if not key.startswith("_")]
        if extra:
            names = ", ".join(allowlist.ARG_NAMES.get(key, f"{node.key.upper()} {key}") for key in extra)
            self.problem(f"not allowed: {names}")
            return False
        parents = allowlist.ALLOWED_PARENTS.get(type(node))
        if parents is not None and not isinstance(node.parent, parents):
            self.problem(f"{render(node)[:40]} is not allowed there")
            return False
        return True

    # Scopes and names

    def _select_scope(self, node: exp.Select) -> _Scope:
        source = node.args.get("from_")
        scope = self._target_scope(source.this) if source else _Scope({})
        scope.outputs = {item.alias.lower() for item in node.expressions if isinstance(item, exp.Alias)}
        return scope

    def _target_scope(self, table: exp.Expr) -> _Scope:
        if not isinstance(table, exp.Table):
            self.problem("FROM must name one table, not a subquery")
            return _Scope({})
        name = table.name.upper()
        key = (table.alias or table.name).lower()
        return _Scope({key: name} if name in self.schema.tables else {})

    def _table(self, node: exp.Table) -> None:
        if not isinstance(node.this, exp.Identifier):
            self.problem(f"table-valued function {render(node.this)} is not allowed")
        elif node.name.upper() not in self.schema.tables:
            self.problem(f"unknown table {node.name} (tables: {', '.join(self.schema.tables)})")

    def _resolve(self, node: exp.Column, scopes: list[_Scope]) -> tuple[str, str] | None:
        """The (TABLE, column) a column names; ("", alias) for a select's output alias."""
        name = node.name.lower()
        qualifier = node.table.lower()
        for scope in reversed(scopes):
            if qualifier:
                table = scope.tables.get(qualifier)
                if table is not None:
                    known = isinstance(node.this, exp.Star) or name in self.schema.tables[table]
                    return (table, name) if known else None
                continue
            for table in scope.tables.values():
                if name in self.schema.tables[table]:
                    return table, name
            if name in scope.outputs:
                return "", name
        return None

    def _column(self, node: exp.Column, scopes: list[_Scope]) -> None:
        if self._resolve(node, scopes) is None:
            where = f" of {node.table}" if node.table else ""
            self.problem(f"unknown column {node.name or '*'}{where}")

    def _bare_column(self, node: exp.Expr, scopes: list[_Scope]) -> tuple[str, str] | None:
        node = unparen(node)
        return self._resolve(node, scopes) if isinstance(node, exp.Column) else None

    def _held_table(self, table: str, column: str) -> str | None:
        """The table whose ids `column` holds (its own for the primary key), else None."""
        return self.schema.id_columns.get(table, {}).get(column)

    # Statements

    def _insert(self, node: exp.Insert) -> None:
        target = node.this
        if not isinstance(target, exp.Schema):
            self.problem("INSERT must list its columns: INSERT INTO T (a, b) ...")
            if isinstance(target, exp.Table):
                self._table(target)
            return
        if not self._allowed(target):
            return
        self.visit(target.this, [])
        table = target.this.name.upper()
        known = self.schema.tables.get(table, ())
        columns = [item.name.lower() for item in target.expressions]
        for column in columns:
            if column not in known and table in self.schema.tables:
                self.problem(f"unknown column {column} of {table}")
        if len(set(columns)) != len(columns):
            self.problem("INSERT names a column twice")
        primary_key = self.schema.primary_keys.get(table)
        if primary_key in columns:
            self.problem(f"INSERT must not set {primary_key}: new ids are the client's to assign")
        source = node.expression
        rows: list[list[exp.Expr]] = []
        if isinstance(source, exp.Values):
            rows = [list(row.expressions) for row in source.expressions if isinstance(row, exp.Tuple)]
        elif isinstance(source, exp.Select):
            if not any(isinstance(item, exp.Star) for item in source.expressions):
                rows = [list(source.expressions)]
        else:
            self.problem("INSERT takes VALUES (...) or a SELECT")
        for row in rows:
            if len(row) != len(columns):
                self.problem(f"INSERT lists {len(columns)} columns but gives {len(row)} values")
            elif table in self.schema.tables:
                for column, value in zip(columns, row, strict=True):
                    if column != primary_key:
                        self._assigned(table, column, unparen(value.unalias()))
        if source is not None:
            self.visit(source, [])

    def _update(self, node: exp.Update) -> None:
        self.visit(node.this, [])
        scopes = [self._target_scope(node.this)]
        table = node.this.name.upper() if isinstance(node.this, exp.Table) else ""
        for assignment in node.expressions:
            if not (isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column)):
                self.problem("SET must assign columns one at a time: SET a = ..., b = ...")
                continue
            column = assignment.this.name.lower()
            if table in self.schema.tables and column not in self.schema.tables[table]:
                self.problem(f"unknown column {column} of {table}")
            elif column == self.schema.primary_keys.get(table):
                self.problem(f"UPDATE must not change {column}")
            elif table in self.schema.tables:
                self._assigned(table, column, unparen(assignment.expression))
            self.visit(assignment.expression, scopes)
        where = node.args.get("where")
        if where is not None:
            self.visit(where, scopes)

    # Values, ids and times

    def _assigned(self, table: str, column: str, value: exp.Expr) -> None:
        lit = literal_of(value)
        if lit is None or lit.value is None:
            return
        held = self._held_table(table, column)
        if held is not None:
            self._id_value(held, column, lit)
        elif column in self.schema.time_columns.get(table, ()):
            self.problem(time_value_problem(column, lit))

    def _compare(self, side: exp.Expr, other: exp.Expr, scopes: list[_Scope], *, ranged: bool) -> None:
        target = self._bare_column(side, scopes)
        lit = literal_of(other)
        if target is None:
            if lit is not None and self._mentions_id(side, scopes):
                self.problem("compare id columns directly with ids (id = 3, id IN (3, 4))")
            return
        table, column = target
        held = self._held_table(table, column)
        if held is not None:
            if ranged:
                self.problem(f"{column} is matched with = or IN, not with a range")
            elif lit is not None and lit.value is None:
                self.problem(f"{column} = NULL never matches; use {column} IS NULL")
            elif lit is not None:
                self._id_value(held, column, lit)
        elif lit is not None and lit.value is not None and column in self.schema.time_columns.get(table, ()):
            self.problem(bound_problem(column, lit))

    def _mentions_id(self, node: exp.Expr, scopes: list[_Scope]) -> bool:
        for column in node.walk(prune=lambda n: isinstance(n, exp.Subquery | exp.Select)):
            if isinstance(column, exp.Column):
                target = self._resolve(column, scopes)
                if target is not None and self._held_table(*target) is not None:
                    return True
        return False

    def _id_value(self, held: str, column: str, lit: Lit) -> None:
        number = as_int(lit)
        if number is None:
            self.problem(f"{column} is compared with {lit.text}, which is not an id")
        elif number not in self.sent_ids.get(held, frozenset()):
            self.problem(f"{held} id {number} was not sent by the client")

    def _pattern(self, node: exp.Like | exp.Glob, scopes: list[_Scope]) -> None:
        target = self._bare_column(node.this, scopes)
        if target is None or target[1] not in self.schema.time_columns.get(target[0], ()):
            return
        lit = literal_of(node.expression)
        wildcard = "%" if isinstance(node, exp.Like) else "*"
        if lit is not None:
            self.problem(pattern_problem(target[1], lit, wildcard=wildcard))

    def _function(self, node: exp.Anonymous, scopes: list[_Scope]) -> None:
        name = node.name.upper()
        if name not in SCALAR_FUNCTIONS:
            self.problem(f"function {node.name}() is not allowed")
        elif name in DATE_FUNCTIONS:
            for problem in date_call_problems(node, is_time_column=lambda column: self._is_time(column, scopes)):
                self.problem(problem)

    def _is_time(self, column: exp.Column, scopes: list[_Scope]) -> bool:
        target = self._resolve(column, scopes)
        return target is not None and target[1] in self.schema.time_columns.get(target[0], ())
