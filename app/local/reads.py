"""Lists and briefings: which tables, which rows (time, category, completion, title)."""

import re
from datetime import datetime

from sqlglot import exp

from app.engine_answer import EngineAnswer
from app.local import sqlbuild
from app.local.context import Context, Decline, ok
from app.local.intents import MARK
from app.local.records import TABLES, Table
from app.local.targets import is_vague
from app.local.titles import category_named, match_plans, strip_particle

_I = re.IGNORECASE
_UNTIL = re.compile(r"까지|\b(?:by|until|till)\b", _I)
_INCOMPLETE = re.compile(
    r"안\s*한|안한|못\s*한|못한|남은|미\s*완료(?:된|인|한)?|안\s*끝난|끝나지\s*않은|아직"
    r"|\b(?:incomplete|unfinished|remaining|pending|outstanding|not\s+done|undone|open)\b"
    r"|\b(?:aren't|isn't|haven't\s+been|not\s+yet)\s+(?:done|finished|completed)\b",
    _I,
)
_COMPLETE = re.compile(r"완료(?:된|한|했던)|끝낸|끝난|다\s*한|\b(?:completed|finished|done)\b", _I)
_TODO_SCOPE = re.compile(r"할\s*일|투두|(?:^|(?<=\s))일(?=\s|$)|\b(?:todos?|to-dos?|tasks?|to\s*do\s+list)\b", _I)
_BOTH_SCOPE = re.compile(r"일정|계획|스케줄|캘린더|달력|\b(?:plans?|schedule|calendar|agenda)\b", _I)
_UNCLEAR_SCOPE = re.compile(r"약속|이벤트|\b(?:events?|appointments?|meetings?)\b|만\b", _I)
_CATEGORY_WORDS = re.compile(r"관련(?:된)?|카테고리|\b(?:category|related)\b", _I)
_FILLERS = frozenset(
    {
        "목록", "리스트", "전부", "모두", "다", "싹",
        "전체", "모든", "뭐", "내", "나의", "제", "좀", "있는", "거", "것",
        "꺼", "중", "중에", "에", "의", "및", "그리고", "이랑", "랑", "하고", "와", "과", "를", "을", "건", "뭐가",
        "me", "my", "all", "the", "for", "on", "in", "of", "and", "&", "i", "do", "have", "is", "are", "there",
        "anything", "everything", "list", "items", "got", "a", "any", "at", "that", "to", "s", "going",
        "scheduled", "planned", "coming", "up", "잡힌", "잡혀", "잡혀있는", "예정된", "등록된", "잡아둔", "잡아놓은",
        "들어있는", "해야", "간단히", "간단하게", "짧게", "quick", "quickly", "short",
    }
)  # fmt: skip
_SPLIT = re.compile(r"[\s,?.!'’]+")


def _words(text: str) -> list[str]:
    return [strip_particle(w) for w in _SPLIT.split(text) if w]


def _period(ctx: Context) -> tuple[datetime, datetime] | None:
    tp = ctx.time
    if tp.clock is not None or tp.dates or tp.duration is not None or tp.anchor_offset is not None or tp.destination:
        raise Decline("a time condition a list cannot use")
    if tp.condition_period is None and tp.spans:
        raise Decline("time words that give no range")
    if tp.end_moment is None and any(_UNTIL.search(ctx.prompt[start:end]) for start, end in tp.spans):
        raise Decline("'until X' is not the day X")
    return tp.condition_period


def _scope(text: str) -> tuple[tuple[Table, ...], str]:
    if _UNCLEAR_SCOPE.search(text):
        raise Decline("scope word the rules do not fix")
    todo = _TODO_SCOPE.search(text) is not None
    both = _BOTH_SCOPE.search(text) is not None
    rest = _BOTH_SCOPE.sub(" ", _TODO_SCOPE.sub(" ", text))
    if todo and not both:
        return ("TODO",), rest
    return TABLES, rest


def handle_read(ctx: Context) -> EngineAnswer:
    """SELECT * per table for a list (intent select) or a briefing (intent summary)."""
    cmd = ctx.command
    period = _period(ctx)
    text = cmd.body.replace(MARK, " ")
    completion: int | None = None
    if _INCOMPLETE.search(text):
        completion, text = 0, _INCOMPLETE.sub(" ", text)
    elif _COMPLETE.search(text):
        completion, text = 1, _COMPLETE.sub(" ", text)
    tables, text = _scope(text)
    if tables != ("TODO",) and re.search(r"\bdue\b", ctx.prompt, _I):
        raise Decline("'due' hints at todos without saying so")
    if completion is not None:
        if tables != ("TODO",) and _BOTH_SCOPE.search(cmd.body):
            raise Decline("completion filter on events")
        tables = ("TODO",)
    marked = _CATEGORY_WORDS.search(text) is not None
    text = _CATEGORY_WORDS.sub(" ", text)
    rest = " ".join(w for w in _words(text) if w.lower() not in _FILLERS)
    conditions: dict[Table, list[exp.Expr]] = {t: [] for t in tables}
    if rest:
        category = category_named(rest, ctx.records.categories)
        said_as_class = marked or cmd.bulk or _TODO_SCOPE.search(cmd.body) or _BOTH_SCOPE.search(cmd.body)
        if category is not None and not said_as_class and match_plans(rest, ctx.records.plans).kind != "none":
            raise Decline("a bare word that is a category and part of plan titles")
        if category is not None:
            for table in tables:
                conditions[table].append(sqlbuild.equals("category_id", category.id))
        elif marked or is_vague(rest):
            raise Decline("unknown category or vague words")
        else:
            found = match_plans(rest, [p for p in ctx.records.plans if p.table in tables])
            if found.kind != "match":
                raise Decline(f"list words not understood ({found.kind})")
            tables = tuple(t for t in tables if any(p.table == t for p in found.plans))
            for table in tables:
                ids = [p.id for p in found.plans if p.table == table]
                conditions[table] = [sqlbuild.ids_condition(ids)]
    sql = []
    for table in tables:
        column = "due_time" if table == "TODO" else "start_time"
        conds = list(conditions[table])
        if period is not None:
            conds.append(sqlbuild.between(column, *period))
        if completion is not None and table == "TODO":
            conds.append(sqlbuild.equals("complete", completion))
        sql.append(sqlbuild.select_all(table, sqlbuild.all_of(conds)))
    return ok("summary" if cmd.action == "summary" else "select", sql)
