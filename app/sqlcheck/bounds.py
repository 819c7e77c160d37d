"""Date-only upper bounds of inclusive time ranges, corrected to the day's last second."""

from sqlglot import exp

from app.sqlcheck.dialect import render
from app.sqlcheck.nodes import unparen
from app.sqlcheck.schema import ClientSchema
from app.sqlcheck.timetext import is_date

DAY_END = " 23:59:59"


def correct_upper_bounds(*, node: exp.Expr, schema: ClientSchema) -> list[str]:
    """Rewrite `time <= 'YYYY-MM-DD'` (and BETWEEN's high end) in place; return what was changed.

    TEXT times compare as strings, so '2024-06-09 10:00:00' > '2024-06-09': a date-only
    inclusive upper bound silently drops that day's plans, which no command means.
    """
    time_names = {column for columns in schema.time_columns.values() for column in columns}
    notes: list[str] = []
    for comparison in list(node.find_all(exp.LTE, exp.GTE, exp.Between)):
        if isinstance(comparison, exp.Between):
            pairs = [(comparison.this, comparison.args.get("high"))]
        elif isinstance(comparison, exp.LTE):
            pairs = [(comparison.this, comparison.expression)]
        else:
            pairs = [(comparison.expression, comparison.this)]
        for side, bound in pairs:
            column = unparen(side)
            target = unparen(bound) if bound is not None else None
            if not (isinstance(column, exp.Column) and column.name.lower() in time_names):
                continue
            if not (isinstance(target, exp.Literal) and target.is_string and is_date(target.this)):
                continue
            corrected = exp.Literal.string(target.this + DAY_END)
            notes.append(
                f"the upper bound '{target.this}' of {render(column)} was read as '{corrected.this}', "
                "so that day's plans are included"
            )
            target.replace(corrected)
    return notes
