"""The named days within a window from today, as lines the LLM path puts in the user data."""

from datetime import date, timedelta

from app.namedays.holidays_kr import HOLIDAYS, holiday_break, holiday_date
from app.namedays.periods import weekend


def upcoming_named_days(today: date, days: int = 366) -> list[tuple[str, date, date]]:
    """(name, first day, last day) of every holiday, 연휴 and the next two weekends within `days`."""
    horizon = today + timedelta(days=days)
    found: list[tuple[str, date, date]] = []
    for holiday in HOLIDAYS.values():
        name = f"{holiday.name_ko} / {holiday.name_en}"
        day = holiday_date(holiday.key, today)
        if day is not None and day <= horizon:
            found.append((name, day, day))
        span = holiday_break(holiday.key, today)
        if span is not None and span[0] <= horizon:
            found.append((f"{holiday.name_ko} 연휴 / {holiday.name_en} holidays", *span))
    for offset, label in ((0, "이번 주말 / this weekend"), (1, "다음 주말 / next weekend")):
        found.append((label, *weekend(today, offset)))
    return sorted(found, key=lambda row: (row[1], row[0]))
