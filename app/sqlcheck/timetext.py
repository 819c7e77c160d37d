"""Time text rules: which string literals are well-formed times, date prefixes and date modifiers."""

import re
from datetime import date, time

_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_CLOCK = re.compile(r"(\d{2}):(\d{2}):(\d{2})")
# Anything shaped roughly like a date, a month, a date-time or a clock time (sloppy digits included).
_DATE_LIKE = r"(\d{4}-\d{1,2}(-\d{1,2})?|\d{1,4}([/.])\d{1,2}\3\d{1,4}|\d{1,2}-\d{1,2}-\d{4})"
_LOOKS_LIKE_TIME = re.compile(
    rf"{_DATE_LIKE}([ T]\d{{1,2}}:\d{{1,2}}(:\d{{1,2}}(\.\d+)?)?)?|\d{{1,2}}:\d{{2}}(:\d{{2}})?"
)
_DATE_PREFIX = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_TIME_PREFIX = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?: (\d{2})(?::(\d{2})(?::(\d{2}))?)?)?)?)?")
_MODIFIERS = (
    re.compile(r"[+-]?\d+(\.\d+)? (day|hour|minute|second|month|year)s?"),
    re.compile(r"[+-]\d{2}:\d{2}(:\d{2})?"),
    re.compile(r"start of (day|month|year)"),
    re.compile(r"weekday [0-6]"),
    # 'auto' and 'julianday' need SQLite 3.38, newer than many phones.
    re.compile(r"unixepoch"),
)


def is_timestamp(text: str) -> bool:
    """True for a real moment written `YYYY-MM-DD HH:MM:SS`."""
    match = _TIMESTAMP.fullmatch(text)
    return match is not None and _real(*map(int, match.groups()))


def is_date(text: str) -> bool:
    """True for a real date written `YYYY-MM-DD`."""
    match = _DATE.fullmatch(text)
    return match is not None and _real(*map(int, match.groups()))


def is_valid_time_text(text: str) -> bool:
    """False for a literal that looks like a time but is malformed ('2023-13-01', '9:00')."""
    if not _LOOKS_LIKE_TIME.fullmatch(text.strip()):
        return True
    if is_timestamp(text) or is_date(text):
        return True
    if match := _MONTH.fullmatch(text):
        return _real(int(match[1]), int(match[2]), 1)
    if match := _CLOCK.fullmatch(text):
        return _real(2000, 1, 1, *map(int, match.groups()))
    return False


def is_time_prefix(text: str) -> bool:
    """True for a real time or a leading part of one: 'YYYY', 'YYYY-MM', 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM'."""
    match = _TIME_PREFIX.fullmatch(text)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(part) if part else None for part in match.groups())
    assert year is not None  # the pattern requires it
    return _real(year, month or 1, day or 1, hour or 0, minute or 0, second or 0)


def is_date_prefix_pattern(pattern: str, *, wildcard: str) -> bool:
    """True for a LIKE/GLOB pattern 'YYYY-MM-DD%', 'YYYY-MM%' or 'YYYY%' naming a real date/month."""
    if not pattern.endswith(wildcard):
        return False
    match = _DATE_PREFIX.fullmatch(pattern[: -len(wildcard)])
    if not match:
        return False
    year, month, day = match.groups()
    if month is None:
        return True
    return _real(int(year), int(month), int(day or 1))


def is_date_modifier(text: str) -> bool:
    """True for an SQLite date modifier that keeps local time ('localtime' and 'utc' do not)."""
    return any(pattern.fullmatch(text.strip().lower()) for pattern in _MODIFIERS)


def _real(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> bool:
    try:
        date(year, month, day)
        time(hour, minute, second)
    except ValueError:
        return False
    return True
