"""Turns the pieces of a command into resolved times: moment, range, period, recurrence dates."""

from dataclasses import replace
from datetime import date, datetime

from app.local.time.days import day_bounds, days_between, month_range
from app.local.time.moments import clock_range, interval, narrowest, next_occurrence, on_day, start_of
from app.local.time.offsets import resolve_amounts, resolve_anchor
from app.local.time.pieces import Clock, Kind, Piece
from app.local.time.result import Conflict, Occurrence, TimeParse, describe, merge_spans, of_kind
from app.local.time.roles import Roles, attach_parts, destination_count, find_roles
from app.local.time.scan import Scan

Span = tuple[date, date]


def _one(values: list[Piece], what: str) -> Piece | None:
    """The single piece of a kind, or None; two that disagree are a conflict."""
    if len({(found.day, found.dom, found.clock, found.moment) for found in values}) > 1:
        raise Conflict(f"conflicting {what}: {describe(values)}")
    return values[0] if values else None


def _span_of(pieces: list[Piece]) -> Span | None:
    """The innermost date span the DAY/PERIOD pieces name; a conflict when they do not nest."""
    try:
        return narrowest([span for found in pieces if (span := interval(found)) is not None])
    except ValueError as error:
        raise Conflict(f"conflicting dates: {describe(pieces)}") from error


def _bounds(span: Span | None) -> tuple[datetime, datetime] | None:
    return day_bounds(*span) if span else None


def _clock_range_of(pieces: list[Piece], roles: Roles) -> tuple[Clock, Clock] | None:
    if roles.range_start is None or roles.range_end is None:
        return None
    first, last = pieces[roles.range_start].clock, pieces[roles.range_end].clock
    return (first, last) if first is not None and last is not None else None


def _resolve_range(now: datetime, pieces: list[Piece], roles: Roles, parse: TimeParse) -> tuple[TimeParse, Span | None]:
    """부터…까지 / from…to / A–B: fills start and end; returns the date span of a date range."""
    assert roles.range_start is not None and roles.range_end is not None
    first, last = pieces[roles.range_start], pieces[roles.range_end]
    before, between = pieces[: roles.range_start + 1], pieces[roles.range_start + 1 : roles.range_end + 1]
    after = pieces[roles.range_end + 1 :]
    clocks = _clock_range_of(pieces, roles)
    if clocks is not None:
        start_day = _one(of_kind(before + after, Kind.DAY), "days")
        end_day = _one(of_kind(between, Kind.DAY), "days")
        day = start_day.day if start_day else None
        end_span = interval(end_day, start_day) if end_day else None
        last_day = end_span[0] if end_span else None
        if (start_day and not day) or (end_day and not last_day):
            raise Conflict(f"day of an earlier month: {describe([first, last])}")
        parse = replace(parse, day=day, end_day=last_day)
        if of_kind(pieces, Kind.RECUR):
            if start_day or end_day:
                raise Conflict("a repeated plan with a day of its own")
            return replace(parse, clock=clocks[0].dated(), end_clock=clocks[1].dated()), None
        found = clock_range(now, day, clocks[0], last_day, clocks[1])
        if found is None:
            raise Conflict(f"range ends before it starts: {describe([first, last])}")
        parse = replace(parse, moment=found[0], end_moment=found[1], period=found, condition_period=found)
        return replace(parse, clock=found[0].time(), end_clock=found[1].time()), None
    first_span, last_span = interval(first), interval(last, first)
    if first_span is None or last_span is None or of_kind(before + between, Kind.CLOCK):
        raise Conflict(f"range: {describe([first, last])}")
    if last_span[1] < first_span[0]:
        raise Conflict(f"range ends before it starts: {describe([first, last])}")
    bounds = day_bounds(first_span[0], last_span[1])
    parse = replace(parse, day=first_span[0], end_day=last_span[1], period=bounds, condition_period=bounds)
    if not of_kind(pieces, Kind.RECUR):
        if of_kind(after, Kind.CLOCK):
            raise Conflict("a clock after a date range")
        parse = replace(parse, moment=start_of(first_span[0]), end_moment=bounds[1])
    return parse, (first_span[0], last_span[1])


def _resolve_single(now: datetime, pieces: list[Piece], roles: Roles, parse: TimeParse) -> TimeParse:
    """No range: one day and/or clock (the destination's, for a move), and the condition period."""
    chosen = set(roles.destination or [])
    main = [pieces[index] for index in sorted(chosen)] if chosen else pieces
    conditions = [found for index, found in enumerate(pieces) if index not in chosen]
    day, clock = _one(of_kind(main, Kind.DAY), "days"), _one(of_kind(main, Kind.CLOCK), "clocks")
    moment = _one(of_kind(main, Kind.MOMENT), "moments")
    written_clock = clock.clock if clock else None
    if day is not None and day.day is None:
        raise Conflict(f"day of an earlier month: {day.text.strip()}")
    at = parse.moment
    if moment is not None:
        if day or clock:
            raise Conflict(f"conflicting times: {describe([moment, *(p for p in (day, clock) if p)])}")
        at = moment.moment
    if day is not None and day.day is not None:
        parse = replace(parse, day=day.day)
        at = on_day(day.day, written_clock)
        _span_of([*of_kind(main, Kind.PERIOD), day])  # 11월 … 12월 3일 is a conflict
        if chosen and day.role == "weekday":
            _check_destination_week(day, conditions)
    elif not chosen and (period_moment := _period_moment(now, of_kind(main, Kind.PERIOD), written_clock)):
        at = period_moment
    elif written_clock is not None:
        condition_day = _one([p for p in of_kind(conditions, Kind.DAY) if p.day], "days") if chosen else None
        if condition_day is not None and condition_day.day is not None:
            at = on_day(condition_day.day, written_clock)
        elif of_kind(pieces, Kind.PERIOD):
            raise Conflict(f"a clock with a week or month but no day: {describe(pieces)}")
        else:
            at = next_occurrence(now, written_clock)
    if written_clock is not None:
        parse = replace(parse, clock=written_clock.dated())
    condition_period = _bounds(_span_of(conditions)) if conditions else None
    return replace(
        parse, moment=at, condition_period=condition_period, period=condition_period or _bounds(_span_of(main))
    )


def _period_moment(now: datetime, periods: list[Piece], clock: Clock | None) -> datetime | None:
    """A new plan's moment from one period alone: a deadline (이번주까지) is due at its end; a
    weekend or 연휴 falls on its first day still ahead (with a clock: whose moment is ahead)."""
    if len(periods) != 1 or periods[0].kind is not Kind.PERIOD or periods[0].period is None:
        return None
    found = periods[0]
    assert found.period is not None
    if found.deadline and found.marker == "end":
        return on_day(found.period[1], clock)
    for day in found.plan_days:
        moment = on_day(day, clock)
        if (moment > now) if clock is not None else (day >= now.date()):
            return moment
    return None


def _check_destination_week(day: Piece, conditions: list[Piece]) -> None:
    """'다음주 회의 금요일로' — a bare weekday outside the week the command is about is ambiguous."""
    for found in of_kind(conditions, Kind.PERIOD):
        assert found.period is not None and day.day is not None
        if not found.period[0] <= day.day <= found.period[1]:
            raise Conflict(f"which {day.text.strip()}?")


def _recurrence_window(today: date, pieces: list[Piece], span: Span | None, roles: Roles, daily: bool) -> Span:
    """The period a recurrence fills: a date range, a week/month named, or up to a 까지 day."""
    limits = [span] if span else []
    for index, found in enumerate(pieces):
        found_span = interval(found)
        if found_span is None or index in (roles.range_start, roles.range_end):
            continue
        if found.marker == "end":  # 금요일까지 매일: from today through that day
            limits.append((today, found_span[1]))
        elif found.kind is Kind.PERIOD:
            limits.append(found_span)
        else:
            raise Conflict(f"a repeated plan with a day of its own: {found.text.strip()}")
    if limits:
        return max(low for low, _ in limits), min(high for _, high in limits)
    if daily:
        raise Conflict("every day, but within which period?")
    return month_range(today.year, today.month)  # spec: 매주 X요일 alone = this month from today on


def _resolve_recurrence(
    now: datetime, pieces: list[Piece], span: Span | None, roles: Roles, parse: TimeParse
) -> TimeParse:
    """매주 X요일 / every X / 매일 inside a period: one date per matching day from today on."""
    repeats = of_kind(pieces, Kind.RECUR)
    if any(found.marker in ("start", "end", "from") for found in repeats):
        raise Conflict(f"a range of repeated days: {describe(repeats)}")  # 매주 월요일부터 금요일까지
    daily = any(found.daily for found in repeats)
    weekdays = {weekday for found in repeats for weekday in found.weekdays}
    if daily and weekdays:
        raise Conflict(f"every day and every weekday: {describe(repeats)}")
    first, last = _recurrence_window(now.date(), pieces, span, roles, daily)
    days = days_between(max(first, now.date()), last) if max(first, now.date()) <= last else []
    dates = tuple(day for day in days if daily or day.weekday() in weekdays)
    if not dates:
        raise Conflict(f"no {describe(repeats)} left in the period")
    clocks = _clock_range_of(pieces, roles)
    single = None if clocks else _one(of_kind(pieces, Kind.CLOCK), "clocks")
    occurrences = tuple(_occurrence(now, day, single.clock if single else None, clocks) for day in dates)
    if single is not None and single.clock is not None:
        parse = replace(parse, clock=single.clock.dated())
    bounds = day_bounds(first, last)
    return replace(
        parse, period=bounds, condition_period=bounds, dates=dates, occurrences=parse.occurrences + occurrences
    )


def _occurrence(now: datetime, day: date, clock: Clock | None, clocks: tuple[Clock, Clock] | None) -> Occurrence:
    if clocks is None:
        return on_day(day, clock), None
    found = clock_range(now, day, clocks[0], None, clocks[1])
    if found is None:
        raise Conflict("range ends before it starts")
    return found


def _resolve_pieces(text: str, now: datetime, pieces: list[Piece], scanned: Scan, parse: TimeParse) -> TimeParse:
    """The passes over the pieces: range, then recurrence or a single time, then amounts and anchor."""
    timed = [found for found in pieces if found.kind not in (Kind.AMOUNT, Kind.ANCHOR)]
    timed, roles = find_roles(timed, text)
    if destination_count(timed, text, roles) > 1:
        raise Conflict("two destinations")
    parse = replace(parse, destination=roles.destination is not None)
    span = None
    if roles.range_start is not None:
        parse, span = _resolve_range(now, timed, roles, parse)
    if of_kind(timed, Kind.RECUR):
        parse = _resolve_recurrence(now, timed, span, roles, parse)
    elif roles.range_start is None:
        parse = _resolve_single(now, timed, roles, parse)
    parse = resolve_amounts(pieces, parse)
    return resolve_anchor(text, pieces, scanned.quotes, parse)


def resolve(text: str, now: datetime, scanned: Scan) -> TimeParse:
    """Every field of a TimeParse, or only the spans and the reasons (in `unknown`) it cannot be trusted."""
    unknown = [found.text for found in scanned.pieces if found.kind is Kind.UNKNOWN]
    pieces = [found for found in scanned.pieces if found.kind is not Kind.UNKNOWN]
    spans = merge_spans(text, [(found.start, found.end) for found in pieces if found.end > found.start])
    pieces, notes = attach_parts(pieces, text)
    found = TimeParse(spans=tuple(spans))
    try:
        found = _resolve_pieces(text, now, pieces, scanned, found)
    except Conflict as conflict:
        notes.append(str(conflict))  # nothing half-resolved is kept: the caller declines anyway
    return replace(found, unknown=tuple(dict.fromkeys(unknown + notes)))
