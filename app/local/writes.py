"""Changes to existing rows other than time: delete, complete, rename, category, conversion."""

import re
from datetime import datetime

from sqlglot import exp

from app.engine_answer import EngineAnswer
from app.local import lexicon as lx
from app.local import sqlbuild
from app.local.context import Context, Decline, no_such_plan, ok
from app.local.intents import MARK
from app.local.records import TABLES, Table
from app.local.targets import NoSuchPlan, Target, resolve, target_phrase
from app.local.titles import category_named, squash, tokens_of

_I = re.IGNORECASE
_TODO_SCOPE = re.compile(r"할\s*일|투두|\b(?:todos?|to-dos?|tasks?)\b", _I)
_BOTH_SCOPE = re.compile(r"일정|계획|\b(?:plans?|calendar)\b", _I)
# "카테고리" alone covers both tables; with 할 일 or 스케줄 it only names which category.
_CATEGORY_WORD = re.compile(r"카테고리|\bcategor(?:y|ies)\b", _I)
_SCHEDULE_SCOPE = re.compile(r"스케줄|\b(?:events?|schedules?)\b", _I)
_DEADLINE = re.compile(r"까지|\b(?:by|until|till|due)\b", _I)
_TIMEISH = re.compile(rf"{lx.TIMEISH_KO}|{lx.TIMEISH_EN}", _I)


def condition_period(ctx: Context) -> tuple[datetime, datetime] | None:
    """A time condition on the rows (a day, a week, a range); a clock or amount is not one."""
    tp = ctx.time
    if tp.clock is not None or tp.end_clock is not None or tp.dates or tp.anchor_offset is not None:
        raise Decline("time words that are not a condition")
    if tp.duration is not None or tp.destination:
        raise Decline("an amount or a destination in a command that takes none")
    if tp.condition_period is None and tp.spans:
        raise Decline("time words that give no range")
    date_range = tp.end_moment is not None and tp.end_day is not None  # 금요일부터 일요일까지
    if not date_range and any(_DEADLINE.search(ctx.prompt[start:end]) for start, end in tp.spans):
        raise Decline("a deadline (까지, by): a new task's due time, not a condition")
    return tp.condition_period


def category_tables(ctx: Context, target: Target) -> tuple[Table, ...]:
    """Tables a category-wide command applies to."""
    body = ctx.command.body
    todo, schedule, both = _TODO_SCOPE.search(body), _SCHEDULE_SCOPE.search(body), _BOTH_SCOPE.search(body)
    if todo and schedule and not both:
        raise Decline("both 할 일 and 스케줄 named")
    if todo and not both:
        return ("TODO",)
    if schedule and not both:
        return ("SCHEDULE",)
    # "과제 모두 삭제": with a bulk word the category is the class of plans, in both tables.
    explicit = both or _CATEGORY_WORD.search(body) or ctx.command.bulk
    if not explicit and len(target.tables) > 1 and not target.everything:
        raise Decline("a category used as a class of plans in both tables")
    return TABLES


def category_condition(table: Table, target: Target) -> exp.Expr:
    """`category_id = N [AND time BETWEEN ...]`, or the time condition alone for every plan in a period."""
    conditions = []
    if target.category is not None:
        conditions.append(sqlbuild.equals("category_id", target.category.id))
    if target.period is not None:
        column = "due_time" if table == "TODO" else "start_time"
        conditions.append(sqlbuild.between(column, *target.period))
    result = sqlbuild.all_of(conditions)
    assert result is not None
    return result


def find_target(
    ctx: Context, *, period: tuple[datetime, datetime] | None, tables: tuple[Table, ...] = TABLES, body: str = ""
) -> Target | EngineAnswer:
    """The rows meant, or a no_such_plan answer."""
    cmd = ctx.command
    found = resolve(body or cmd.body, ctx.records, bulk=cmd.bulk, period=period, tables=tables)
    if isinstance(found, NoSuchPlan):
        return no_such_plan(found.phrase, cmd.lang)
    return found


def require_one_meaning(ctx: Context, target: Target, period: tuple[datetime, datetime] | None) -> None:
    """Several rows of one title change together only with a bulk word or a time condition."""
    if not target.by_condition and len(target.plans) > 1 and not ctx.command.bulk and period is None:
        raise Decline("a repeated plan without a bulk word or time condition")


def handle_delete(ctx: Context) -> EngineAnswer:
    period = condition_period(ctx)
    target = find_target(ctx, period=period)
    if isinstance(target, EngineAnswer):
        return target
    if target.by_condition:
        body = ctx.command.body
        if not (ctx.command.bulk or _TODO_SCOPE.search(body) or _SCHEDULE_SCOPE.search(body) or "일정" in body):
            raise Decline("deleting a category itself, or its plans?")
        tables = category_tables(ctx, target)
        return ok("delete", [sqlbuild.delete(t, category_condition(t, target)) for t in tables])
    sql = [sqlbuild.delete(t, sqlbuild.ids_condition([p.id for p in target.in_table(t)])) for t in target.tables]
    return ok("delete", sql)


# A negated completion ("안 끝냈어", "isn't done"): the opposite of what the verb says, never guessed.
_NEGATED = re.compile(
    r"(?:^|\s)(?:안|못|아직)\s*(?:끝|완료|다|했|마쳤)|않|\b(?:not|isn't|aren't|wasn't|weren't|haven't|hasn't|didn't"
    r"|don't|never|no\s+longer)\b",
    _I,
)


def handle_completion(ctx: Context) -> EngineAnswer:
    if ctx.command.action == "complete" and _NEGATED.search(ctx.prompt):
        raise Decline("a negated completion")
    if ctx.command.question:
        raise Decline("a question about a completion (끝냈어?), not a command")
    value = 1 if ctx.command.action == "complete" else 0
    period = condition_period(ctx)
    target = find_target(ctx, period=period, tables=("TODO",))
    if isinstance(target, EngineAnswer):
        return target
    if target.by_condition:
        if category_tables(ctx, target) == ("SCHEDULE",):
            raise Decline("completion of events")
        return ok("update", [sqlbuild.update("TODO", {"complete": value}, category_condition("TODO", target))])
    require_one_meaning(ctx, target, period)
    ids = [p.id for p in target.plans]
    return ok("update", [sqlbuild.update("TODO", {"complete": value}, sqlbuild.ids_condition(ids))])


def _by_ids(ctx: Context, target: Target, values: dict[str, sqlbuild.Value]) -> list[str]:
    if target.by_condition:
        raise Decline("renaming or recategorizing a whole category")
    return [
        sqlbuild.update(t, values, sqlbuild.ids_condition([p.id for p in target.in_table(t)])) for t in target.tables
    ]


def _split_rename(ctx: Context) -> tuple[str, str]:
    """(old phrase, new title); "Rename A to B to C" splits where the old part is a title exactly."""
    cmd = ctx.command
    body, raw = cmd.body, (cmd.new_title or "").strip()
    if cmd.lang != "en" or not re.search(r"\sto\s", raw, _I):
        return body, raw
    words = f"{body} to {raw}".split(" to ")
    splits = [(" to ".join(words[:i]), " to ".join(words[i:])) for i in range(1, len(words))]
    exact = [(old, new) for old, new in splits if any(squash(p.title) == squash(old) for p in ctx.records.plans)]
    if len(exact) != 1:
        raise Decline("where the new title starts is unclear")
    return exact[0]


def handle_rename(ctx: Context) -> EngineAnswer:
    body, raw = _split_rename(ctx)
    quoted = re.fullmatch(r"""(["'])(.+)\1""", raw)
    new = (quoted.group(2) if quoted else raw).strip()
    if not new or MARK in new or (not quoted and _TIMEISH.search(new)):
        raise Decline("new title unclear")
    if not tokens_of(new) or len(new) > 100:
        raise Decline("new title empty or long")
    target = find_target(ctx, period=condition_period(ctx), body=body)
    if isinstance(target, EngineAnswer):
        return target
    return ok("update", _by_ids(ctx, target, {"title": new}))


def handle_recategorize(ctx: Context) -> EngineAnswer:
    name = target_phrase(ctx.command.category or "")
    category = category_named(name, ctx.records.categories)
    if category is None:
        raise Decline("unknown category")
    period = condition_period(ctx)
    target = find_target(ctx, period=period)
    if isinstance(target, EngineAnswer):
        return target
    return ok("update", _by_ids(ctx, target, {"category_id": category.id}))


def handle_convert(ctx: Context) -> EngineAnswer:
    source: Table = "TODO" if ctx.command.action == "to_schedule" else "SCHEDULE"
    period = condition_period(ctx)
    target = find_target(ctx, period=period, tables=(source,))
    if isinstance(target, EngineAnswer):
        return target
    if target.by_condition:
        raise Decline("converting a whole category")
    require_one_meaning(ctx, target, period)
    if any(p.table != source for p in target.plans):
        raise Decline("rows of the other table")
    return ok("mixed", sqlbuild.convert(source, [p.id for p in target.plans]))
