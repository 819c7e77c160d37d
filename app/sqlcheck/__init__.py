"""The SQL validator: static checks on the syntax tree, then a guarded dry run on the client's data."""

from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from app.errors import SqlRejected
from app.schemas import SqlRequest, Statement
from app.sqlcheck.bounds import correct_upper_bounds
from app.sqlcheck.conditions import asks_for_everything, tautology_problem, title_problems
from app.sqlcheck.describe import Description, describe
from app.sqlcheck.dialect import parse_sql, render, statement_label
from app.sqlcheck.requestdata import EVERY_ID, SentIds
from app.sqlcheck.schema import ClientSchema, load_client_schema
from app.sqlcheck.scope import table_scope_problem
from app.sqlcheck.shadow import dry_run_effects
from app.sqlcheck.static import check_statement
from app.sqlcheck.written import Target

__all__ = [
    "CheckedStatement",
    "ClientSchema",
    "check_sql",
    "check_sql_without_records",
    "load_client_schema",
    "needs_confirmation",
]

# Deleting from this table (a category) always asks the user first.
CATEGORY_TABLE = "CATEGORY"
# Far beyond any real answer (a month of daily INSERTs is ~3,000 characters); keeps parsing cheap.
MAX_SQL_CHARS = 100_000


@dataclass(frozen=True)
class CheckedStatement:
    """A statement that passed validation and the rows it changed in the dry run."""

    statement: Statement
    changed_rows: int
    # It reached every row of its table (more than one): the user confirms it whatever the count.
    whole_table: bool = False
    # Corrections made to the SQL as written (a date-only upper bound), for the response's message.
    notes: tuple[str, ...] = ()


def check_sql(
    *, sql: str | list[str], request: SqlRequest, schema: ClientSchema, max_steps: int = 200_000
) -> list[CheckedStatement]:
    """Validate SQL for a request; raise SqlRejected listing every problem found."""
    texts = [sql] if isinstance(sql, str) else list(sql)
    nodes = _parse(texts)
    everything = asks_for_everything(request.prompt)
    try:
        notes = [correct_upper_bounds(node=node, schema=schema) for node in nodes]
        # Rendered before the checks, so they see the tree exactly as it was written out.
        rendered = [render(node) for node in nodes]
        descriptions = _check_statically(nodes, rendered, request=request, schema=schema)
        tautologies = [
            None if everything else tautology_problem(node=node, schema=schema, request=request) for node in nodes
        ]
    except RecursionError as exc:
        raise SqlRejected(["the SQL is nested too deeply"]) from exc
    named = frozenset(table.name.upper() for node in nodes for table in node.find_all(exp.Table))
    targets = [_target(description.statement) for description in descriptions]
    try:
        effects = dry_run_effects(
            statements=rendered, targets=targets, request=request, schema=schema, max_steps=max_steps, tables=named
        )
    except SqlRejected as exc:
        # The repair should hear of an always-true WHERE too, not only of what the dry run found.
        known = [
            f"{statement_label(number, description.statement.sql)}: {tautology}"
            for number, (description, tautology) in enumerate(zip(descriptions, tautologies, strict=True), 1)
            if tautology
        ]
        raise SqlRejected([*exc.reasons, *known]) from exc
    problems = [
        f"{statement_label(number, description.statement.sql)}: {problem}"
        for number, (description, effect, tautology) in enumerate(
            zip(descriptions, effects, tautologies, strict=True), 1
        )
        for problem in (_change_problem(description, effect.changed), tautology)
        if problem
    ]
    if problems:
        raise SqlRejected(problems)
    return [
        CheckedStatement(
            statement=description.statement,
            changed_rows=effect.changed,
            whole_table=effect.whole_table,
            notes=tuple(note),
        )
        for description, effect, note in zip(descriptions, effects, notes, strict=True)
    ]


def needs_confirmation(*, checked: list[CheckedStatement], threshold: int) -> bool:
    """True when UPDATE/DELETE change more than `threshold` rows in total or every row of a table, or any
    DELETE hits a category."""
    destructive = [item for item in checked if item.statement.kind in ("update", "delete")]
    if any(item.whole_table for item in destructive):
        return True
    if sum(item.changed_rows for item in destructive) > threshold:
        return True
    return any(item.statement.kind == "delete" and item.statement.table == CATEGORY_TABLE for item in destructive)


def _parse(texts: list[str]) -> list[exp.Expr]:
    if sum(len(text) for text in texts) > MAX_SQL_CHARS:
        raise SqlRejected([f"the SQL is longer than {MAX_SQL_CHARS} characters"])
    nodes: list[exp.Expr] = []
    problems: list[str] = []
    for number, text in enumerate(texts, 1):
        where = f"SQL text {number}" if len(texts) > 1 else "the SQL"
        try:
            parsed = parse_sql(text)
        except ParseError as exc:
            details = "; ".join(
                f"{error['description']} (line {error['line']}, column {error['col']})" for error in exc.errors
            )
            problems.append(f"{where} does not parse: {details or exc}")
            continue
        except SqlglotError as exc:
            problems.append(f"{where} does not parse: {exc}")
            continue
        except RecursionError:
            problems.append(f"{where} is nested too deeply")
            continue
        nodes.extend(node for node in parsed if node is not None)
    if problems:
        raise SqlRejected(problems)
    if not nodes:
        raise SqlRejected(["no SQL statement given"])
    return nodes


def _check_statically(
    nodes: list[exp.Expr], rendered: list[str], *, request: SqlRequest, schema: ClientSchema
) -> list[Description]:
    sent = SentIds(request)
    problems = [
        f"{statement_label(number, text)}: {problem}"
        for number, (node, text) in enumerate(zip(nodes, rendered, strict=True), 1)
        for problem in [
            *check_statement(node=node, schema=schema, sent_ids=sent),
            *title_problems(node=node, schema=schema, request=request),
            *filter(None, [table_scope_problem(node=node, request=request)]),
        ]
    ]
    if problems:
        raise SqlRejected(problems)
    return [describe(node=node, sql=text, schema=schema) for node, text in zip(nodes, rendered, strict=True)]


def _target(statement: Statement) -> Target | None:
    if statement.kind == "select":
        return None
    rows_sql = None
    if statement.kind == "update" and statement.preview_sql is not None:
        # The preview selects exactly the rows the UPDATE's WHERE picks.
        rows_sql = "SELECT rowid" + statement.preview_sql.removeprefix("SELECT *")
    return Target(kind=statement.kind, table=statement.table, rows_sql=rows_sql)


def _change_problem(description: Description, changed: int) -> str | None:
    statement = description.statement
    if description.exact_changes is not None and changed != description.exact_changes:
        return f"inserted {changed} rows instead of {description.exact_changes}"
    if description.max_changes is not None and changed > description.max_changes:
        named = ", ".join(str(i) for i in statement.ids)
        return (
            f"changed {changed} rows but names only {description.max_changes} "
            f"(ids {named}); a condition reaches rows it does not name"
        )
    return None


def check_sql_without_records(*, sql: str, schema: ClientSchema) -> list[Statement]:
    """The checks that need no request (raises SqlRejected): it parses, allowed statements, nodes,
    tables and columns, time formats, WHERE on UPDATE/DELETE. No id check and no dry run."""
    nodes = _parse([sql])
    try:
        rendered = [render(node) for node in nodes]
        problems = [
            f"{statement_label(number, text)}: {problem}"
            for number, (node, text) in enumerate(zip(nodes, rendered, strict=True), 1)
            for problem in check_statement(node=node, schema=schema, sent_ids=EVERY_ID)
        ]
    except RecursionError as exc:
        raise SqlRejected(["the SQL is nested too deeply"]) from exc
    if problems:
        raise SqlRejected(problems)
    return [describe(node=node, sql=text, schema=schema).statement for node, text in zip(nodes, rendered, strict=True)]
