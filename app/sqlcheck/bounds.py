"""Inclusive upper bounds of time ranges that drop part of their last day, corrected to its last second."""

import re

from sqlglot import exp

from app.sqlcheck.dialect import render
from app.sqlcheck.nodes import unparen
from app.sqlcheck.schema import ClientSchema
from app.sqlcheck.timetext import is_time_prefix, is_timestamp

DAY_END = " 23:59:59"
# A date, or a date and a clock without seconds: what each lacks to be the last second it covers.
# ('YYYY-MM-DD HH' is left as written: "up to 17" may mean 17:00 or the whole hour.)
_PREFIX_END = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), DAY_END),
    (re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"), ":59"),
)


def correct_upper_bounds(*, node: exp.Expr, schema: ClientSchema) -> list[str]:
    """Rewrite `time <= 'YYYY-MM-DD'` (and BETWEEN's high end) in place; return what was changed.

    TEXT times compare as strings, so '2024-06-09 10:00:00' > '2024-06-09': a date-only
    inclusive upper bound silently drops that day's plans, which no command means. The same
    holds for '2024-06-09 23:59' (a todo due 23:59:59 is dropped) and for `< '... 23:59:59'`.
    """
    time_names = {column for columns in schema.time_columns.values() for column in columns}
    notes: list[str] = []
    for comparison in list(node.find_all(exp.LTE, exp.GTE, exp.LT, exp.GT, exp.Between)):
        if isinstance(comparison, exp.Between):
            column, bound = comparison.this, comparison.args.get("high")
        elif isinstance(comparison, exp.LTE | exp.LT):
            column, bound = comparison.this, comparison.expression
        else:
            column, bound = comparison.expression, comparison.this
        column = unparen(column)
        target = unparen(bound) if bound is not None else None
        if not (isinstance(column, exp.Column) and column.name.lower() in time_names):
            continue
        if not (isinstance(target, exp.Literal) and target.is_string):
            continue
        if isinstance(comparison, exp.LT | exp.GT):
            # '< D 23:59:59' leaves out a todo due that day with no time: it was meant to be inclusive.
            if is_timestamp(target.this) and target.this.endswith(DAY_END):
                inclusive = exp.LTE if isinstance(comparison, exp.LT) else exp.GTE
                comparison.replace(inclusive(this=comparison.this, expression=comparison.expression))
                notes.append(
                    f"the exclusive bound '{target.this}' of {render(column)} was read as inclusive (<=), "
                    "so that day's last plans are included"
                )
            continue
        corrected = _last_second(target.this)
        if corrected is None:
            continue
        notes.append(
            f"the upper bound '{target.this}' of {render(column)} was read as '{corrected}', "
            "so the plans at its end are included"
        )
        target.replace(exp.Literal.string(corrected))
    return notes


def _last_second(text: str) -> str | None:
    """'2024-06-09' → '2024-06-09 23:59:59', '2024-06-09 17:00' → '2024-06-09 17:00:59'; else None."""
    if not is_time_prefix(text):
        return None
    for pattern, end in _PREFIX_END:
        if pattern.fullmatch(text):
            return text + end
    return None
