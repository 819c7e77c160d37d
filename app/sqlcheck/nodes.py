"""Small helpers over sqlglot nodes: literal values and the column a comparison side names."""

import re
from dataclasses import dataclass

from sqlglot import exp

_INTEGER_TEXT = re.compile(r"\s*[+-]?\d+\s*")


@dataclass(frozen=True)
class Lit:
    """A literal operand: its value (None for NULL) and how it reads in a message."""

    value: str | int | float | None
    is_string: bool

    @property
    def text(self) -> str:
        """The literal as SQL would show it."""
        if self.value is None:
            return "NULL"
        return f"'{self.value}'" if self.is_string else str(self.value)


def unparen(node: exp.Expr) -> exp.Expr:
    """The node inside any number of parentheses."""
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def literal_of(node: exp.Expr) -> Lit | None:
    """The literal `node` is (a number, a string, NULL, a negated number), else None."""
    node = unparen(node)
    if isinstance(node, exp.Null):
        return Lit(None, is_string=False)
    negative = isinstance(node, exp.Neg)
    if negative:
        node = unparen(node.this)
    if not isinstance(node, exp.Literal):
        return None
    if node.is_string:
        return None if negative else Lit(node.this, is_string=True)
    number = _number(str(node.this))
    if isinstance(number, str):
        return Lit(("-" if negative else "") + number, is_string=False)
    return Lit(-number if negative else number, is_string=False)


def as_int(lit: Lit) -> int | None:
    """The literal as an id (an integer number or an all-digit string), else None."""
    value = lit.value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value):
        return int(value)
    return None


def _number(text: str) -> int | float | str:
    try:
        return int(text, 0)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
