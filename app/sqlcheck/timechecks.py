"""Time checks on the syntax tree: string literals, time values, date prefixes and date function calls."""

from collections.abc import Callable

from sqlglot import exp

from app.sqlcheck.dialect import DATE_FUNCTIONS, render
from app.sqlcheck.nodes import Lit, literal_of, unparen
from app.sqlcheck.timetext import (
    is_date,
    is_date_modifier,
    is_date_prefix_pattern,
    is_time_prefix,
    is_timestamp,
    is_valid_time_text,
)

TIME_FORMAT = "'YYYY-MM-DD HH:MM:SS'"


def string_literal_problem(text: str) -> str | None:
    """Any string literal: never SQLite's 'now'.

    A literal inside an expression ('2024-06-07 ' || substr(due_time, 12)) is a piece of a value,
    not a time: the values written are checked on the dry run's result instead.
    """
    if _is_now(text):
        return "SQLite's 'now' is UTC and never used; write the literal time from the request's now"
    return None


def time_value_problem(column: str, lit: Lit) -> str | None:
    """A literal stored in a time column must be a full time."""
    if not isinstance(lit.value, str):
        return f"{column} takes text times {TIME_FORMAT}, not {lit.text}"
    if _is_now(lit.value):
        return None  # Reported by string_literal_problem.
    if not is_valid_time_text(lit.value):
        return f"malformed time literal '{lit.value}': times are {TIME_FORMAT}"
    if not is_timestamp(lit.value):
        return f"{column} takes full times {TIME_FORMAT}, not {lit.text}"
    return None


def bound_problem(column: str, lit: Lit) -> str | None:
    """A literal a time column is compared with: a full time, a date, or a date-time prefix."""
    if not isinstance(lit.value, str):
        return f"{column} is compared with text times {TIME_FORMAT}, not {lit.text}"
    if _is_now(lit.value) or is_time_prefix(lit.value):
        return None
    if not is_valid_time_text(lit.value):
        return f"malformed time literal '{lit.value}': times are {TIME_FORMAT}"
    return f"{column} is compared with times {TIME_FORMAT} or their prefixes ('YYYY-MM-DD', 'YYYY-MM'), not {lit.text}"


def pattern_problem(column: str, lit: Lit, *, wildcard: str) -> str | None:
    """A LIKE/GLOB pattern on a time column must be a date prefix."""
    if isinstance(lit.value, str) and is_date_prefix_pattern(lit.value, wildcard=wildcard):
        return None
    return (
        f"{column} is matched with date prefixes like 'YYYY-MM-DD{wildcard}', "
        f"'YYYY-MM{wildcard}' or 'YYYY{wildcard}', not {lit.text}"
    )


def date_call_problems(node: exp.Anonymous, *, is_time_column: Callable[[exp.Column], bool]) -> list[str]:
    """date()/time()/datetime()/julianday()/strftime(): a real time value and literal modifiers."""
    name = node.name.lower()
    args = list(node.expressions)
    first = 1 if name == "strftime" else 0
    problems = []
    if name == "strftime" and not (args and (lit := literal_of(args[0])) and lit.is_string):
        problems.append("strftime() takes a literal format first")
    if len(args) <= first:
        return [*problems, f"{name}() without a time means SQLite's 'now' (UTC); pass a time"]
    if not _is_time_value(args[first], is_time_column):
        problems.append(f"the time given to {name}() must be a time column, a literal time or another date function")
    for modifier in args[first + 1 :]:
        lit = literal_of(modifier)
        if not (lit is not None and isinstance(lit.value, str) and is_date_modifier(lit.value)):
            shown = lit.text if lit is not None else render(modifier)
            problems.append(f"date modifier {shown} is not allowed ('localtime' and 'utc' never are)")
    return problems


def _is_time_value(node: exp.Expr, is_time_column: Callable[[exp.Column], bool]) -> bool:
    node = unparen(node)
    if isinstance(node, exp.Subquery):
        return True
    if isinstance(node, exp.Anonymous):
        return node.name.upper() in DATE_FUNCTIONS
    if isinstance(node, exp.Column):
        return is_time_column(node)
    lit = literal_of(node)
    if lit is None or lit.value is None:
        return False
    if not isinstance(lit.value, str):
        return True
    # 'now' is reported on its own; saying it is no time value too would only repeat it.
    return is_timestamp(lit.value) or is_date(lit.value) or _is_now(lit.value)


def _is_now(text: str) -> bool:
    return text.strip().lower() == "now"
