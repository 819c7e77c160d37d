"""Which of a repeated plan's rows the command's day words pick (화요일 러닝: the coming Tuesday's)."""

import re
from collections.abc import Sequence
from datetime import date, timedelta

from app.schemas import Record, SqlRequest

_WEEKDAYS = ("월", "화", "수", "목", "금", "토", "일")
_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = {"오늘": 0, "today": 0, "내일": 1, "tomorrow": 1, "모레": 2, "어제": -1, "yesterday": -1}
# Keyed without spaces: 이번 주 = 이번주, "this week" = thisweek.
_WEEKS = {"이번주": 0, "thisweek": 0, "다음주": 1, "nextweek": 1, "지난주": -1, "lastweek": -1}
_SPACE = re.compile(r"\s+")
_DAY = re.compile(
    r"(?<!\w)(?P<day>[월화수목금토일]요일|" + "|".join(_WEEKDAYS_EN) + "|" + "|".join(_RELATIVE) + r")(?P<after>'s)?"
    r"(?P<target>\s*(?:으로|로|까지))?",
    re.IGNORECASE,
)
_WEEK = re.compile(r"이번\s*주|다음\s*주|지난\s*주|this week|next week|last week", re.IGNORECASE)
# "move X to Friday": the day after to/until is where the plan goes, not which plan.
_TO = re.compile(r"\b(?:to|until|till)\s+$", re.IGNORECASE)


def rows_on_named_day(
    *, request: SqlRequest, records: Sequence[Record], ids: list[int]
) -> tuple[str, list[int]] | None:
    """The day words and the ids among `ids` whose plan falls on them, when they pick some but not all."""
    prompt = request.prompt
    sources = [m for m in _DAY.finditer(prompt) if not m["target"] and not _TO.search(prompt[: m.start()])]
    weeks = {_SPACE.sub("", w[0].lower()) for w in _WEEK.finditer(prompt)}
    if len(sources) > 1 or len(weeks) > 1 or not (sources or weeks):
        return None
    today = date.fromisoformat(request.now[:10])
    monday = today - timedelta(days=today.weekday())
    week = _WEEKS[next(iter(weeks))] if weeks else None
    days = _days(sources[0]["day"].lower() if sources else None, today, monday, week)
    if not days:
        return None
    picked = [r.id for r in records if r.id in ids and _day(r) in days]
    said = " ".join([*(w[0] for w in _WEEK.finditer(prompt)), *(m["day"] for m in sources)])
    return (said, picked) if picked and len(picked) < len(ids) else None


def _days(word: str | None, today: date, monday: date, week: int | None) -> set[date]:
    if word in _RELATIVE:
        return {today + timedelta(days=_RELATIVE[word])} if week is None else set()
    if word is None:
        return {monday + timedelta(days=7 * week + n) for n in range(7)} if week is not None else set()
    weekday = _WEEKDAYS_EN.index(word) if word in _WEEKDAYS_EN else _WEEKDAYS.index(word[0])
    if week is not None:
        return {monday + timedelta(days=7 * week + weekday)}
    # A bare weekday is the first such day on or after today (conversion-rules.md).
    return {today + timedelta(days=(weekday - today.weekday()) % 7)}


def _day(record: Record) -> date | None:
    text = getattr(record, "due_time", None) or getattr(record, "start_time", None)
    try:
        return date.fromisoformat(text[:10]) if isinstance(text, str) else None
    except ValueError:
        return None
