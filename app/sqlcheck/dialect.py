"""The sqlglot dialect the validator parses and regenerates SQL with: SQLite, kept verbatim."""

from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.sqlite import SQLite
from sqlglot.errors import ErrorLevel
from sqlglot.generators.sqlite import SQLiteGenerator
from sqlglot.parsers.sqlite import SQLiteParser

# Scalar functions the validator allows. sqlglot would turn some of them into typed nodes that it
# regenerates differently (substr -> SUBSTRING, ifnull -> COALESCE, strftime with a translated
# format); parsed as anonymous calls they come back exactly as written, on every SQLite version.
SCALAR_FUNCTIONS = frozenset(
    {
        "DATE",
        "TIME",
        "DATETIME",
        "JULIANDAY",
        "STRFTIME",
        "SUBSTR",
        "LOWER",
        "UPPER",
        "TRIM",
        "LTRIM",
        "RTRIM",
        "LENGTH",
        "COALESCE",
        "IFNULL",
        "NULLIF",
        "INSTR",
        "ABS",
        "ROUND",
        "TOTAL",
    }
)
# Date/time functions: their time value must be a time column, a literal time or another of them.
DATE_FUNCTIONS = frozenset({"DATE", "TIME", "DATETIME", "JULIANDAY", "STRFTIME"})

# Aggregates parsed into typed nodes (COUNT(DISTINCT x) and COUNT(*) need the parser's help).
AGGREGATE_NODES: dict[type[exp.Expr], str] = {
    exp.Count: "count",
    exp.Min: "min",
    exp.Max: "max",
    exp.Sum: "sum",
    exp.Avg: "avg",
    exp.Greatest: "max",
    exp.Least: "min",
    exp.GroupConcat: "group_concat",
}

# What SQLite's authorizer may see as SQLITE_FUNCTION (LIKE and GLOB are functions to SQLite).
SQLITE_FUNCTION_NAMES = frozenset(
    {name.lower() for name in SCALAR_FUNCTIONS} | set(AGGREGATE_NODES.values()) | {"like", "glob"}
)


def _boolean(_generator: Any, node: exp.Boolean) -> str:
    # TRUE/FALSE keywords need SQLite 3.23; 1/0 mean the same everywhere.
    return "1" if node.this else "0"


class ClientParser(SQLiteParser):
    """SQLite's parser, with the allowed scalar functions left as anonymous calls."""

    FUNCTIONS: ClassVar[dict[str, Any]] = {
        name: builder for name, builder in SQLiteParser.FUNCTIONS.items() if name not in SCALAR_FUNCTIONS
    }
    FUNCTION_PARSERS: ClassVar[dict[str, Any]] = {
        name: parse for name, parse in SQLiteParser.FUNCTION_PARSERS.items() if name not in SCALAR_FUNCTIONS
    }


class ClientGenerator(SQLiteGenerator):
    """SQLite's generator, writing booleans as 1/0."""

    TRANSFORMS: ClassVar[dict[type[exp.Expr], Any]] = {**SQLiteGenerator.TRANSFORMS, exp.Boolean: _boolean}


class ClientSQLite(SQLite):
    """SQLite that keeps the allowed scalar functions as written and writes booleans as 1/0."""

    Parser = ClientParser
    Generator = ClientGenerator


# One instance: building a dialect per call costs more than the generation itself.
_DIALECT = ClientSQLite()


def parse_sql(text: str) -> list[exp.Expr | None]:
    """Split and parse SQL text into statements (None for an empty one); raises sqlglot errors."""
    return _DIALECT.parse(text, error_level=ErrorLevel.RAISE)


def render(node: exp.Expr) -> str:
    """A node as SQLite text, comments dropped (they could hide text from a reviewer)."""
    # No defensive copy: transpile() does the same, and the caller checks the very tree it rendered.
    return _DIALECT.generate(node, copy=False, comments=False)


def statement_label(number: int, sql: str) -> str:
    """How a reason names a statement: its position and its first characters."""
    snippet = " ".join(sql.split())
    if len(snippet) > 60:
        snippet = snippet[:57] + "..."
    return f"statement {number} ({snippet})"
