"""Korean holidays by name: the next occurrence on or after today, from the `holidays` package."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays


@dataclass(frozen=True, slots=True)
class Holiday:
    """One named day: its Korean name, its English name and where its date comes from."""

    key: str
    name_ko: str
    name_en: str
    # The English name the `holidays` package gives it (lunar and public holidays), or None for
    # a fixed-date observance that is not a public holiday (어버이날, 크리스마스 이브).
    library_name: str | None = None
    fixed: tuple[int, int] | None = None
    # 설날 and 추석 are three-day breaks (연휴): the day before, the day, the day after.
    has_break: bool = False


HOLIDAYS: dict[str, Holiday] = {
    holiday.key: holiday
    for holiday in (
        Holiday("new_year", "신정", "New Year's Day", "New Year's Day"),
        Holiday("seollal", "설날", "Lunar New Year", "Korean New Year", has_break=True),
        Holiday("independence", "삼일절", "Independence Movement Day", "Independence Movement Day"),
        Holiday("childrens", "어린이날", "Children's Day", "Children's Day"),
        Holiday("buddha", "부처님오신날", "Buddha's Birthday", "Buddha's Birthday"),
        Holiday("memorial", "현충일", "Memorial Day", "Memorial Day"),
        Holiday("liberation", "광복절", "Liberation Day", "Liberation Day"),
        Holiday("chuseok", "추석", "Chuseok", "Chuseok", has_break=True),
        Holiday("foundation", "개천절", "National Foundation Day", "National Foundation Day"),
        Holiday("hangul", "한글날", "Hangul Day", "Hangul Day"),
        Holiday("christmas", "크리스마스", "Christmas", "Christmas Day"),
        Holiday("parents", "어버이날", "Parents' Day", fixed=(5, 8)),
        Holiday("teachers", "스승의 날", "Teachers' Day", fixed=(5, 15)),
        Holiday("christmas_eve", "크리스마스 이브", "Christmas Eve", fixed=(12, 24)),
        Holiday("new_years_eve", "섣달 그믐", "New Year's Eve", fixed=(12, 31)),
    )
}


@lru_cache(maxsize=64)
def _library_dates(year: int) -> dict[str, date]:
    """English holiday name → date in `year` (substitute and temporary holidays are other names)."""
    found: dict[str, date] = {}
    for day, names in holidays.country_holidays("KR", years=year).items():
        for name in names.split("; "):
            found.setdefault(name, day)
    return found


def holiday_on(key: str, year: int) -> date | None:
    """The holiday's date in `year`, None when the tables do not have it."""
    holiday = HOLIDAYS[key]
    if holiday.fixed is not None:
        return date(year, *holiday.fixed)
    assert holiday.library_name is not None
    return _library_dates(year).get(holiday.library_name)


def holiday_date(key: str, today: date, year: int | None = None) -> date | None:
    """The holiday in `year`, else its next occurrence on or after `today`."""
    if year is not None:
        return holiday_on(key, year)
    this_year = holiday_on(key, today.year)
    if this_year is not None and this_year >= today:
        return this_year
    return holiday_on(key, today.year + 1)


def holiday_break(key: str, today: date, year: int | None = None) -> tuple[date, date] | None:
    """The 연휴 (day before → day after) under way today or next, or that of `year`."""
    if not HOLIDAYS[key].has_break:
        return None
    if year is not None:
        day = holiday_on(key, year)
    else:
        this_year = holiday_on(key, today.year)
        # A break under way today is this one: compare its last day, not the holiday itself.
        day = this_year if this_year is not None and this_year + timedelta(days=1) >= today else None
        day = day or holiday_on(key, today.year + 1)
    return (day - timedelta(days=1), day + timedelta(days=1)) if day else None
