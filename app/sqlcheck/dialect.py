"""The sqlglot dialect the validator parses and regenerates SQL with: SQLite, kept verbatim."""

import threading

from sqlglot import exp
from sqlglot.dialects.sqlite import SQLite
from sqlglot.errors import ErrorLevel, ParseError
from sqlglot.generator import Generator
from sqlglot.parser import Parser
from sqlglot.tokenizer_core import Token, TokenType
from sqlglot.tokens import Tokenizer

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


# sqlglot's compiled build (sqlglotc, parsing ~4x faster) cannot be subclassed, so the stock
# SQLite dialect is used as is and the two differences are made around it: calls of the scalar
# functions are renamed in the token stream so the parser keeps them as anonymous calls (then
# named back), and TRUE/FALSE become 1/0 (the keywords need SQLite 3.23; 1/0 mean the same).
_SQLITE = SQLite()
# A prefix no token of real SQL text can start with: text holding NUL is refused before parsing.
_MARK = "\x00"


class _Tools(threading.local):
    """This thread's tokenizer, parser and generator: each resets itself per call, and building
    them anew cost as much as tokenizing a short statement."""

    def __init__(self) -> None:
        self.tokenizer: Tokenizer = _SQLITE.tokenizer()
        self.parser: Parser = _SQLITE.parser(error_level=ErrorLevel.RAISE)
        self.generator: Generator = _SQLITE.generator(comments=False)


_tools = _Tools()


_BOOLEAN_TOKENS = frozenset({TokenType.TRUE, TokenType.FALSE})
# How the SQLite tokenizer types the names of SCALAR_FUNCTIONS: a bare word or a date/time keyword.
# Strings and quoted identifiers are never marked ('upper'(x) must stay a string, and fail).
_NAME_TOKENS = frozenset({TokenType.VAR, TokenType.DATE, TokenType.TIME, TokenType.DATETIME})


def _mark_scalar_calls(tokens: list[Token]) -> tuple[list[Token], bool, bool]:
    """The tokens with scalar calls marked; whether any call was marked, any TRUE/FALSE seen."""
    marked, any_call, any_boolean = list(tokens), False, False
    for index, token in enumerate(tokens):
        if token.token_type in _BOOLEAN_TOKENS:
            any_boolean = True
        if (
            token.token_type in _NAME_TOKENS
            and index + 1 < len(tokens)
            and tokens[index + 1].token_type == TokenType.L_PAREN
            and token.text.upper() in SCALAR_FUNCTIONS
            and (index == 0 or tokens[index - 1].token_type != TokenType.DOT)
        ):
            any_call = True
            marked[index] = Token(
                TokenType.VAR,
                _MARK + token.text,
                line=token.line,
                col=token.col,
                start=token.start,
                end=token.end,
                comments=token.comments,
            )
    return marked, any_call, any_boolean


def _unmark(tree: exp.Expr, *, calls: bool, booleans: bool) -> exp.Expr:
    if calls:
        for call in list(tree.find_all(exp.Anonymous)):
            name = call.this
            if isinstance(name, str) and name.startswith(_MARK):
                call.set("this", name[len(_MARK) :])
        # A marked name the parser did not make a call of (`INSERT INTO TODO AS date (...)`) is
        # malformed SQL; the mark must never reach a name, a type or an error message.
        for node in tree.walk():
            if any(isinstance(value, str) and _MARK in value for value in node.args.values()):
                raise ParseError("a function name is used where it is not a function call")
    if booleans:
        for boolean in list(tree.find_all(exp.Boolean)):
            replacement = exp.Literal.number(1 if boolean.this else 0)
            if boolean is tree:
                return replacement
            boolean.replace(replacement)
    return tree


def parse_sql(text: str) -> list[exp.Expr | None]:
    """Split and parse SQL text into statements (None for an empty one); raises sqlglot errors."""
    if _MARK in text:
        raise ParseError("the SQL contains a NUL character")
    tokens, calls, booleans = _mark_scalar_calls(_tools.tokenizer.tokenize(text))
    trees = _tools.parser.parse(tokens, text)
    return [None if tree is None else _unmark(tree, calls=calls, booleans=booleans) for tree in trees]


def render(node: exp.Expr) -> str:
    """A node as SQLite text, comments dropped (they could hide text from a reviewer)."""
    # No defensive copy: transpile() does the same, and the caller checks the very tree it rendered.
    return _tools.generator.generate(node, copy=False)


def statement_label(number: int, sql: str) -> str:
    """How a reason names a statement: its position and its first characters."""
    snippet = " ".join(sql.split())
    if len(snippet) > 60:
        snippet = snippet[:57] + "..."
    return f"statement {number} ({snippet})"
