"""Time changes of existing rows: move to a day, change the time, shift by an amount."""

import re
from datetime import datetime

from app.engine_answer import EngineAnswer
from app.local import lexicon as lx
from app.local import sqlbuild
from app.local.context import Context, Decline, ok
from app.local.records import Plan
from app.local.targets import Target
from app.local.writes import category_tables, find_target, require_one_meaning

_I = re.IGNORECASE
_EXPLICIT_CLOCK = re.compile(
    r"오전|오후|아침|저녁|밤|새벽|낮|정오|자정|(?<![0-9])(?:1[3-9]|2[0-3])\s*(?:시|:)|\d\s*(?:am|pm|a\.m\.|p\.m\.)"
    r"|noon|midnight",
    _I,
)
_KO_LATER_WORDS = re.compile(r"뒤로|후로|늦게|뒤에|늦춰")
_KO_EARLIER_WORDS = re.compile(r"앞으로|일찍|빨리|전으로|앞당")
_EACH = re.compile(r"씩|\beach\b", _I)


def _verb_sign(ctx: Context) -> int:
    """+1 later / −1 earlier as the verb says it; 0 when the verb does not say."""
    cmd = ctx.command
    if cmd.lang == "ko":
        if cmd.verb in lx.KO_LATER:
            return 1
        if cmd.verb in lx.KO_EARLIER:
            return -1
        later, earlier = _KO_LATER_WORDS.search(ctx.prompt), _KO_EARLIER_WORDS.search(ctx.prompt)
        return 1 if later and not earlier else -1 if earlier and not later else 0
    verb, direction = cmd.verb, cmd.direction
    if direction in ("back", "later") or (verb in ("postpone", "delay", "push") and not direction):
        return 1
    if direction == "earlier" or (verb in ("bring", "pull") and direction in ("forward", "up")):
        return -1
    return 0


def _sign(ctx: Context) -> int:
    words, resolver = _verb_sign(ctx), ctx.time.duration_sign
    if words and resolver and words != resolver:
        raise Decline("the words give two directions")
    sign = words or resolver
    if sign == 0:
        raise Decline("shift without a direction")
    if (
        ctx.command.lang == "en"
        and ctx.command.verb in ("push", "move", "shift")
        and ctx.command.direction
        in (
            "forward",
            "up",
        )
    ):
        raise Decline("'forward' of a push/move is read both ways")
    return sign


def _shift_rows(plans: tuple[Plan, ...], ctx: Context, sign: int) -> list[str]:
    amount = ctx.time.duration
    assert amount is not None
    sql = []
    for plan in plans:
        if plan.start is None or (plan.table == "SCHEDULE" and plan.end is None):
            raise Decline("row time unknown")
        values: dict[str, sqlbuild.Value] = {plan.time_column: amount.apply(plan.start, sign)}
        if plan.end is not None and plan.table == "SCHEDULE":
            values["end_time"] = amount.apply(plan.end, sign)
        sql.append(sqlbuild.update(plan.table, values, sqlbuild.ids_condition([plan.id])))
    return sql


def _moved(plan: Plan, start: datetime, end: datetime | None) -> str:
    if plan.table == "TODO":
        if end is not None:
            raise Decline("a range for a todo")
        return sqlbuild.update("TODO", {"due_time": start}, sqlbuild.ids_condition([plan.id]))
    if end is None:
        length = plan.length
        if length is None:
            raise Decline("event length unknown")
        end = start + length
    if end < start:
        raise Decline("end before start")
    return sqlbuild.update("SCHEDULE", {"start_time": start, "end_time": end}, sqlbuild.ids_condition([plan.id]))


def _destination_text(ctx: Context) -> str:
    return " ".join(ctx.prompt[start:end] for start, end in ctx.time.spans)


def _new_times(ctx: Context, plan: Plan) -> tuple[datetime, datetime | None]:
    """A row's new start (and end when a range was given) at the destination."""
    tp = ctx.time
    if plan.start is None:
        raise Decline("row time unknown")
    if tp.end_day is not None and tp.end_day != tp.day:
        raise Decline("a destination spanning several days")
    if tp.day is not None and tp.clock is None:
        if tp.end_moment is not None:
            raise Decline("a day range as a new time")
        return datetime.combine(tp.day, plan.start.time()), None
    if tp.clock is None:
        raise Decline("no day or clock to move to")
    end_clock = tp.end_clock
    if tp.day is not None:
        day = tp.day
    elif _EXPLICIT_CLOCK.search(_destination_text(ctx)):
        day = plan.start.date()
    else:
        raise Decline("a bare hour for an existing plan")
    end = datetime.combine(day, end_clock) if end_clock is not None else None
    return datetime.combine(day, tp.clock), end


def _category_rows(ctx: Context, target: Target) -> tuple[Plan, ...]:
    if not target.by_condition:
        return target.plans
    tables = category_tables(ctx, target)
    return tuple(p for p in target.plans if p.table in tables)


# A command about when a plan ends (끝나는 시간, 종료 시간, the end of X): not a move of its start.
_END_WORDS = re.compile(
    r"끝나는|끝날|끝\s*시간|종료|마치는|\b(?:the\s+)?end\s+of\b|\bend(?:s|ing)?\s+(?:time|at)\b|\bend\s+§$",
    re.IGNORECASE,
)


# The end words as they stand around the plan's name, removed to find the plan.
_KO_END_PHRASE = re.compile(
    r"\s*(?:의\s*)?(?:끝나는|끝날|끝|종료|마치는)\s*(?:시간|시각)?(?:을|를|은|는|이|가)?(?=\s|$)"
)
_EN_END_PHRASE = re.compile(r"^(?:the\s+)?end(?:ing)?(?:\s+time)?\s+of\s+|\s+end(?:ing)?(?:\s+time)?$", _I)


def _end_hour(ctx: Context, day: datetime) -> datetime:
    """The new end: a bare hour read by the rule for a day (1–6 afternoon, 7–11 morning)."""
    clock = ctx.time.clock
    assert clock is not None
    if _EXPLICIT_CLOCK.search(_destination_text(ctx)):
        return datetime.combine(day.date(), clock)
    hour = clock.hour % 12 or 12
    hour = hour + 12 if 1 <= hour <= 6 else hour
    return datetime.combine(day.date(), clock.replace(hour=hour))


def _end_change(ctx: Context) -> EngineAnswer:
    """`X 끝나는 시간 5시로 바꿔` / `move the end of X to 5pm`: the end of one schedule, its start kept."""
    tp = ctx.time
    said_at = ctx.command.verb in ("make", "have", "let")  # "make X end at 4pm": no "to", still the new end
    if not (tp.destination or said_at) or tp.clock is None or tp.end_clock is not None or tp.end_moment is not None:
        raise Decline("an end change without one new clock time")
    if tp.dates or tp.anchor_offset is not None or tp.duration is not None or tp.condition_period is not None:
        raise Decline("other time words with an end change")
    body = _KO_END_PHRASE.sub(" ", ctx.command.body) if ctx.command.lang == "ko" else ctx.command.body
    body = _EN_END_PHRASE.sub(" ", body).strip()
    if _END_WORDS.search(body) or any(_END_WORDS.search(plan.title) for plan in ctx.records.plans):
        raise Decline("end words in the plan's name, or in another plan's")
    target = find_target(ctx, period=None, tables=("SCHEDULE",), body=body)
    if isinstance(target, EngineAnswer):
        return target
    if target.by_condition or len(target.plans) != 1:
        raise Decline("an end change of several rows")
    plan = target.plans[0]
    if plan.start is None or plan.end is None:
        raise Decline("row time unknown")
    day = datetime.combine(tp.day, plan.end.time()) if tp.day is not None else plan.end
    end = _end_hour(ctx, day)
    if end <= plan.start:
        raise Decline("the new end is not after the start")
    return ok("update", [sqlbuild.update("SCHEDULE", {"end_time": end}, sqlbuild.ids_condition([plan.id]))])


def _move(ctx: Context) -> EngineAnswer:
    tp = ctx.time
    if _END_WORDS.search(ctx.masked):
        return _end_change(ctx)
    if ctx.command.verb in lx.KO_EXTEND or ctx.command.verb in ("make", "have", "let"):
        raise Decline("lengthening or 'make X …' without end words")
    if not tp.destination:
        raise Decline("a time that is not where to move")
    if tp.dates or tp.anchor_offset is not None or tp.duration is not None:
        raise Decline("recurrence, anchor or amount in a move")
    condition = tp.condition_period
    target = find_target(ctx, period=condition)
    if isinstance(target, EngineAnswer):
        return target
    plans = _category_rows(ctx, target)
    if not target.by_condition and len(plans) > 1:
        raise Decline("several rows moved to one time")
    if len(plans) > 1 and tp.clock is not None:
        raise Decline("several rows set to one clock time")
    return ok("update", [_moved(plan, *_new_times(ctx, plan)) for plan in plans])


def _shift(ctx: Context) -> EngineAnswer:
    tp = ctx.time
    if _END_WORDS.search(ctx.masked) or ctx.command.verb in lx.KO_EXTEND:
        raise Decline("an amount on the end of a plan")
    if tp.dates or tp.anchor_offset is not None or tp.destination or tp.clock is not None:
        raise Decline("an amount with other time words")
    amount = tp.duration
    assert amount is not None
    if amount.months == 0 and amount.days == 0 and amount.minutes == 0:
        raise Decline("zero amount")
    condition = tp.condition_period
    target = find_target(ctx, period=condition)
    if isinstance(target, EngineAnswer):
        return target
    sign = _sign(ctx)
    if not target.by_condition and not _EACH.search(ctx.prompt):
        require_one_meaning(ctx, target, condition)
    return ok("update", _shift_rows(_category_rows(ctx, target), ctx, sign))


def handle_update(ctx: Context) -> EngineAnswer:
    """Move, re-time or shift the rows a command names."""
    tp = ctx.time
    if tp.duration is not None:
        return _shift(ctx)
    if tp.day is not None or tp.clock is not None:
        return _move(ctx)
    target = find_target(ctx, period=None)
    if isinstance(target, EngineAnswer):
        return target
    raise Decline("a change with no new time")
