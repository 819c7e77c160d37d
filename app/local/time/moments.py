"""The spec's clock rules: a clock with no date, a clock range, the date range a piece covers."""

from datetime import date, datetime, time, timedelta

from app.local.time.days import END_OF_DAY, add_months, valid_date, weekday_on_or_after
from app.local.time.pieces import Clock, Kind, Piece

Interval = tuple[date, date]


def next_occurrence(now: datetime, clock: Clock) -> datetime:
    """A clock with no date: its first reading after now, today or tomorrow (at 20:25, 8시 → 08:00 tomorrow)."""
    for day in (now.date(), now.date() + timedelta(days=1)):
        for reading in clock.candidates():
            moment = datetime.combine(day, reading)
            if moment > now:
                return moment
    raise AssertionError("a clock always recurs within two days")


def on_day(day: date, clock: Clock | None) -> datetime:
    """A clock on a named day (bare 1–6 → afternoon); no clock → 23:59:59 of the day."""
    return datetime.combine(day, clock.dated() if clock else END_OF_DAY)


def _fix_start(start: Clock, end: Clock) -> Clock:
    """A bare start before a fixed end takes the latest reading still before it (7 to 11pm → 19:00)."""
    if not start.bare or end.bare:
        return start
    before = [reading for reading in start.candidates() if reading < end.dated()]
    return Clock(before[-1].hour, before[-1].minute) if before else start


def clock_range(
    now: datetime, start_day: date | None, start: Clock, end_day: date | None, end: Clock
) -> tuple[datetime, datetime] | None:
    """Start and end of '3시부터 5시까지'; None when the end cannot come after the start."""
    # The end is its first reading after the start, on the start's day or, crossing midnight, the
    # next one, unless the end names its own day.
    if end_day is None or end_day == start_day:
        start = _fix_start(start, end)
    begins = on_day(start_day, start) if start_day else next_occurrence(now, start)
    if end_day is not None:
        ends = on_day(end_day, end)
        return (begins, ends) if ends > begins else None
    base = begins.date()
    for day in (base, base + timedelta(days=1)):
        for reading in end.candidates():
            ends = datetime.combine(day, reading)
            if ends > begins:
                return begins, ends
    return None


def interval(found: Piece, first_of_range: Piece | None = None) -> Interval | None:
    """The dates a DAY or PERIOD piece covers; a bare 20일 after '11월 18일부터' is re-based on it."""
    if found.kind is Kind.PERIOD:
        return found.period
    if found.kind is not Kind.DAY:
        return None
    day = found.day
    if day and found.role == "weekday" and first_of_range and first_of_range.day:
        day = weekday_on_or_after(first_of_range.day, day.weekday())  # 다음주 월요일부터 금요일까지
    elif day and found.role == "month-day" and first_of_range and first_of_range.day and day < first_of_range.day:
        day = valid_date(day.year + 1, day.month, day.day)  # 12월 28일부터 1월 2일까지: into next year
    if found.dom is not None and first_of_range is not None and first_of_range.day is not None:
        base = first_of_range.day
        day = valid_date(base.year, base.month, found.dom)
        if day is not None and day < base:
            following = add_months(base.replace(day=1), 1)
            day = valid_date(following.year, following.month, found.dom)
    return (day, day) if day else None


def narrowest(intervals: list[Interval]) -> Interval | None:
    """The innermost of nested intervals; raises ValueError when they are not nested (conflict)."""
    if not intervals:
        return None
    inner = min(intervals, key=lambda span: (span[1] - span[0], span[0]))
    for first, last in intervals:
        if not (first <= inner[0] and inner[1] <= last):
            raise ValueError("conflicting dates")
    return inner


def start_of(day: date) -> datetime:
    """00:00:00 of a day."""
    return datetime.combine(day, time(0, 0, 0))
