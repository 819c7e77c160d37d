"""Pulling the answer out of what a chat model really writes around its SQL."""

import re
from dataclasses import dataclass
from typing import Literal

_FENCE = re.compile(r"```[a-zA-Z]*[ \t]*\n?(.*?)```", re.DOTALL)
# A statement starts at a line start, or right after a colon or an opening quote.
_SQL_START = re.compile(
    r"(?:^|(?<=[:：\"'“”‘’`]))[ \t]*"
    r"((?:SELECT|INSERT|UPDATE|DELETE|WITH|REPLACE|DROP|CREATE|ALTER|PRAGMA|ATTACH|DETACH|VACUUM|REINDEX)\b)",
    re.IGNORECASE | re.MULTILINE,
)
_NO_SUCH_PLAN = re.compile(r"\bNO_SUCH_PLAN\b")
_NOT_UNDERSTOOD = re.compile(r"\bNOT_UNDERSTOOD\b\s*:?\s*(.*)", re.DOTALL)
_WRAPPERS = "\"'`“”‘’「」"


@dataclass(frozen=True)
class ExtractedAnswer:
    """What the model meant: SQL text, no such plan, or not understood (with its words)."""

    kind: Literal["sql", "no_such_plan", "not_understood"]
    sql: str = ""
    message: str | None = None


def _unwrap(text: str) -> str:
    text = text.strip()
    while len(text) >= 2 and text[0] in _WRAPPERS and text[-1] in _WRAPPERS:
        text = text[1:-1].strip()
    # Calendy's own exemplars end some answers with a stray curly quote after the ';'.
    return text.strip().strip("“”‘’").strip()


def _last_terminator(sql: str) -> int:
    """Index of the last ';' outside a string literal ('' escapes keep quote parity), or -1."""
    last, quoted = -1, False
    for index, char in enumerate(sql):
        if char == "'":
            quoted = not quoted
        elif char == ";" and not quoted:
            last = index
    return last


def _drop_trailing_prose(sql: str) -> str:
    end = _last_terminator(sql)
    if end >= 0 and sql[end + 1 :].strip() and not _SQL_START.search(sql[end + 1 :]):
        return sql[: end + 1]
    return sql


def extract_answer(text: str) -> ExtractedAnswer:
    """Find the SQL (or the NO_SUCH_PLAN / NOT_UNDERSTOOD marker) in a model's reply."""
    fenced = _FENCE.findall(text)
    body = "\n".join(part.strip() for part in fenced) if fenced else text
    body = _unwrap(body)
    match = _SQL_START.search(body)
    # A marker before any SQL wins: "NOT_UNDERSTOOD: DROP is not allowed" is a refusal, not SQL.
    marker_end = match.start(1) if match else len(body)
    if _NO_SUCH_PLAN.search(body, 0, marker_end):
        return ExtractedAnswer("no_such_plan", message=None)
    understood = _NOT_UNDERSTOOD.search(body, 0, marker_end)
    if understood:
        return ExtractedAnswer("not_understood", message=_unwrap(body[understood.start(1) :]) or None)
    if match is None:
        return ExtractedAnswer("not_understood", message=body.strip() or None)
    sql = _unwrap(body[match.start(1) :])
    return ExtractedAnswer("sql", sql=_drop_trailing_prose(sql))
