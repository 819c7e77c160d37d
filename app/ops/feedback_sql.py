"""Validating a client's corrected SQL: against the original request's records, or the schema alone.

With the original request stored (CALENDY_LOG_PROMPTS=store, the default) the corrected SQL goes
through `check_sql` exactly like model output: allow-lists, schema, only the ids the client sent,
and the dry run on its records. Without it (prompts redacted) only what needs no records is
checked: it parses, uses allowed statements, nodes, tables and columns, time formats, WHERE on
UPDATE/DELETE. Ids cannot be checked then, and there is no dry run.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError
from sqlglot.errors import SqlglotError

from app.errors import SqlRejected
from app.ops.requestlog import RECORDS_OMITTED
from app.schemas import SqlRequest, Statement
from app.sqlcheck import ClientSchema, check_sql
from app.sqlcheck.describe import describe
from app.sqlcheck.dialect import parse_sql, render, statement_label
from app.sqlcheck.static import check_statement

MAX_SQL_CHARS = 100_000


class _EveryId(frozenset[int]):
    """Contains every id: the records are unknown, so no id can be refused."""

    def __contains__(self, item: object) -> bool:
        return True


class _AnyTable(Mapping[str, frozenset[int]]):
    """Every table's ids are `_EveryId`."""

    def __getitem__(self, key: str) -> frozenset[int]:
        return _EveryId()

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def get(self, key: str, default: Any = None) -> frozenset[int]:
        return _EveryId()


def original_request(body: Any) -> SqlRequest | None:
    """The stored /v1/sql body as a request again, or None when it (or its records) was not stored."""
    if not isinstance(body, dict) or RECORDS_OMITTED in body:
        return None
    try:
        return SqlRequest.model_validate(body)
    except ValidationError:
        return None


def check_against_records(*, sql: str, request: SqlRequest, schema: ClientSchema, max_steps: int) -> list[Statement]:
    """Validate like model output (raises SqlRejected); blocking, call it from a thread."""
    return [checked.statement for checked in check_sql(sql=sql, request=request, schema=schema, max_steps=max_steps)]


def check_against_schema(*, sql: str, schema: ClientSchema) -> list[Statement]:
    """The checks that need no records (raises SqlRejected); blocking, call it from a thread."""
    if len(sql) > MAX_SQL_CHARS:
        raise SqlRejected([f"the SQL is longer than {MAX_SQL_CHARS} characters"])
    try:
        nodes = [node for node in parse_sql(sql) if node is not None]
        rendered = [render(node) for node in nodes]
    except (SqlglotError, RecursionError) as exc:
        raise SqlRejected([f"the SQL does not parse: {exc}"]) from exc
    if not nodes:
        raise SqlRejected(["no SQL statement given"])
    every_id = _AnyTable()
    try:
        problems = [
            f"{statement_label(number, text)}: {problem}"
            for number, (node, text) in enumerate(zip(nodes, rendered, strict=True), 1)
            for problem in check_statement(node=node, schema=schema, sent_ids=every_id)
        ]
    except RecursionError as exc:
        raise SqlRejected(["the SQL is nested too deeply"]) from exc
    if problems:
        raise SqlRejected(problems)
    return [describe(node=node, sql=text, schema=schema).statement for node, text in zip(nodes, rendered, strict=True)]
