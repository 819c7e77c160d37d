"""The tables a command's words allow: 할 일 / todos means TODO only, 스케줄 / events SCHEDULE only."""

import re

from sqlglot import exp

from app.schemas import SqlRequest
from app.sqlcheck.hints import whole_matches
from app.sqlcheck.requestdata import records_by_table

# conversion-rules.md: 할 일 / 투두 / todos mean TODO only; 스케줄 / events mean SCHEDULE only;
# 일정 / 계획 / plans cover both. Korean is matched without spaces (할일 = 할 일), English by words.
_ONLY = {
    # 할 일이 / 할 일이랑 (a subject, "with"): "할 일이 많아서 회의 다 취소" is not about todos only.
    "TODO": (re.compile(r"할일(?![이가])|투두(?![가])"), re.compile(r"\b(?:todos?|to-dos?|tasks?)\b")),
    "SCHEDULE": (re.compile(r"스케[줄쥴]"), re.compile(r"\b(?:schedules?|events?)\b")),
}
_BOTH = (re.compile(r"일정|계획|약속"), re.compile(r"\b(?:plans?|calendar|everything)\b"))
# "X를 할 일로 바꿔" / "make X a todo" converts between the tables: both are written.
_CONVERSION = (
    re.compile(r"(?:할일|투두|스케[줄쥴])(?:으로|로)"),
    re.compile(r"\b(?:into|to|as|a|an)\s+(?:an?\s+)?(?:todo|to-do|task|schedule|event)\b"),
)
_SPACE = re.compile(r"\s+")
Patterns = tuple[re.Pattern[str], re.Pattern[str]]


def table_scope_problem(*, node: exp.Expr, request: SqlRequest) -> str | None:
    """A bulk UPDATE/DELETE of a table the command's words leave out ('과제 할 일 금요일로' moving schedules)."""
    if not isinstance(node, exp.Update | exp.Delete) or not isinstance(node.this, exp.Table):
        return None
    table = node.this.name.upper()
    where = node.args.get("where")
    if table not in _ONLY or where is None:
        return None
    if any(column.name.lower() == "id" for column in where.find_all(exp.Column)):
        # Rows named by id were picked one by one ("할 일이 많아서 회의 취소" names the meeting): only a
        # bulk condition (a category, a period) reaches the other table by mistake.
        return None
    korean, english = _command_words(request)
    if _found(_BOTH, korean, english) or _found(_CONVERSION, korean, english):
        return None
    if whole_matches(records_by_table(request).get(table, []), request.prompt):
        return None  # "할 일이랑 팀 회의 다 지워": a title of the written table is named, so it is meant
    (other,) = (name for name in _ONLY if name != table)
    named = _found(_ONLY[other], korean, english)
    if named is None or _found(_ONLY[table], korean, english):
        return None
    return f"writes {table} rows, but the command is about {other} only ('{named}'); change only {other} rows"


def _found(patterns: Patterns, korean: str, english: str) -> str | None:
    match = patterns[0].search(korean) or patterns[1].search(english)
    return match[0] if match else None


def _command_words(request: SqlRequest) -> tuple[str, str]:
    """The command without the titles of records it names (a title may say 할 일), unspaced and lowercased."""
    spaced = " " + _SPACE.sub(" ", request.prompt.lower()) + " "
    titles = {
        " ".join(record.title.lower().split()) for records in records_by_table(request).values() for record in records
    }
    for title in sorted(titles, key=len, reverse=True):
        if len(title) >= 2 and title in spaced:
            spaced = spaced.replace(title, " | ")
    return spaced.replace(" ", ""), spaced
