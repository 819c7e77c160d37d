"""Helpers for the time-resolver tables (tests/test_time_*.py): reference nows and a compact summary of a TimeParse."""

from datetime import date, datetime

from app.local.time import Duration, TimeParse, parse_time, remove_spans

# Reference moments the tables resolve against (weekday in the comment).
NOW = {
    "A": datetime(2023, 11, 23, 20, 25, 39),  # Thu, evening: bare hours roll over
    "B": datetime(2024, 4, 17, 14, 0, 0),  # Wed, exactly on the hour
    "C": datetime(2023, 12, 29, 17, 45, 0),  # Fri, year boundary ahead
    "D": datetime(2024, 8, 31, 22, 10, 0),  # Sat, last day of a month, late night
    "E": datetime(2025, 1, 6, 9, 30, 0),  # Mon, first day of a week
    "F": datetime(2024, 11, 4, 8, 0, 0),  # Mon, morning
    "G": datetime(2024, 12, 31, 23, 30, 0),  # Tue, last half hour of a year
    "H": datetime(2024, 1, 31, 10, 0, 0),  # Wed, month end before a leap February
}

Case = tuple[str, str, dict[str, object]]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _range(span: tuple[datetime, datetime] | None) -> str | None:
    """'2023-11-20..2023-11-26' for whole days, full stamps otherwise."""
    if span is None:
        return None
    first, last = span
    if first.time().isoformat() == "00:00:00" and last.time().isoformat() == "23:59:59":
        return f"{first.date()}..{last.date()}"
    return f"{_stamp(first)}..{_stamp(last)}"


def amount(duration: Duration | None, sign: int = 1) -> str | None:
    """'+1d', '-30m', '+1mo': a signed amount in one string."""
    if duration is None:
        return None
    parts = [(duration.months, "mo"), (duration.days, "d"), (duration.minutes, "m")]
    values = [f"{abs(value)}{unit}" for value, unit in parts if value]
    negative = any(value < 0 for value, _ in parts) != (sign < 0)
    return ("-" if negative else "+" if sign else "?") + "".join(values)


def _days(days: tuple[date, ...]) -> str:
    return " ".join(day.isoformat() for day in days)


def summary(parsed: TimeParse, text: str) -> dict[str, object]:
    """Every field of `parsed` as a short comparable value."""
    return {
        "moment": _stamp(parsed.moment) if parsed.moment else None,
        "end": _stamp(parsed.end_moment) if parsed.end_moment else None,
        "day": parsed.day.isoformat() if parsed.day else None,
        "end_day": parsed.end_day.isoformat() if parsed.end_day else None,
        "clock": parsed.clock.strftime("%H:%M") if parsed.clock else None,
        "period": _range(parsed.period),
        "cond": _range(parsed.condition_period),
        "dates": _days(parsed.dates),
        "at": " ".join(start.strftime("%m-%d %H:%M") for start, _ in parsed.occurrences),
        "until": " ".join(end.strftime("%m-%d %H:%M") for _, end in parsed.occurrences if end),
        "shift": amount(parsed.duration, parsed.duration_sign),
        "anchor": amount(parsed.anchor_offset),
        "anchor_title": parsed.anchor_title,
        "dest": parsed.destination,
        "title": remove_spans(text, parsed.spans),
        "unknown": bool(parsed.unknown),
    }


def check(now_key: str, text: str, expected: dict[str, object]) -> None:
    """Parse `text` at a reference now and compare the named fields; `unknown` must be empty unless named."""
    parsed = parse_time(text, NOW[now_key])
    got = summary(parsed, text)
    wanted = {"unknown": False, **expected}
    mismatched = {key: (got[key], value) for key, value in wanted.items() if got[key] != value}
    assert not mismatched, f"{text!r} @ {now_key}: (got, wanted) {mismatched}; unknown={parsed.unknown}"
