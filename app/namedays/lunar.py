"""Lunar dates → solar dates from the KARI tables of `korean-lunar-calendar`."""

from datetime import date

from korean_lunar_calendar import KoreanLunarCalendar


def _solar(year: int, month: int, day: int) -> date | None:
    calendar = KoreanLunarCalendar()
    if not calendar.setLunarDate(year, month, day, False):
        return None  # a 30th in a 29-day month, or outside the tables
    return date.fromisoformat(calendar.SolarIsoFormat())


def lunar_year_of(today: date) -> int:
    """The lunar year `today` falls in (January before 설날 is still the previous one)."""
    calendar = KoreanLunarCalendar()
    calendar.setSolarDate(today.year, today.month, today.day)
    return int(calendar.lunarYear)


def lunar_to_solar(month: int, day: int, today: date, year: int | None = None) -> date | None:
    """음력 M월 D일 (a regular month) in `year`, else in the current lunar year or the next if passed."""
    if not (1 <= month <= 12 and 1 <= day <= 30):
        return None
    if year is not None:
        return _solar(year, month, day)
    current = lunar_year_of(today)
    found = _solar(current, month, day)
    if found is not None and found >= today:
        return found
    if found is None:
        return None  # the day does not exist this lunar year: which one was meant is unclear
    return _solar(current + 1, month, day)
