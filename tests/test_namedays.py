"""Named-day resolutions at several `now` values: before/after each holiday, a year end, a Sunday, a leap year."""

from datetime import date

import pytest

from app.namedays import holiday_break, holiday_date, lunar_to_solar, period_end, upcoming_named_days, weekend

# (holiday key, today, expected next occurrence on or after today)
HOLIDAY_CASES = [
    ("chuseok", date(2025, 9, 1), date(2025, 10, 6)),
    ("chuseok", date(2025, 10, 6), date(2025, 10, 6)),  # today is not passed
    ("chuseok", date(2025, 10, 7), date(2026, 9, 25)),  # passed → next year's
    ("seollal", date(2026, 1, 10), date(2026, 2, 17)),
    ("seollal", date(2026, 2, 18), date(2027, 2, 7)),
    ("seollal", date(2025, 12, 31), date(2026, 2, 17)),  # a year end
    ("buddha", date(2026, 1, 1), date(2026, 5, 24)),
    ("buddha", date(2025, 5, 6), date(2026, 5, 24)),
    ("childrens", date(2026, 1, 21), date(2026, 5, 5)),
    ("christmas", date(2025, 11, 23), date(2025, 12, 25)),  # a Sunday
    ("christmas", date(2025, 12, 26), date(2026, 12, 25)),
    ("new_year", date(2025, 12, 31), date(2026, 1, 1)),
    ("new_years_eve", date(2025, 12, 31), date(2025, 12, 31)),
    ("hangul", date(2025, 10, 10), date(2026, 10, 9)),
    ("parents", date(2026, 5, 9), date(2027, 5, 8)),
]


@pytest.mark.parametrize(("key", "today", "expected"), HOLIDAY_CASES)
def test_holiday_next_occurrence(key: str, today: date, expected: date) -> None:
    assert holiday_date(key, today) == expected


BREAK_CASES = [
    ("seollal", date(2026, 1, 10), (date(2026, 2, 16), date(2026, 2, 18))),
    ("seollal", date(2026, 2, 18), (date(2026, 2, 16), date(2026, 2, 18))),  # under way: this one
    ("seollal", date(2026, 2, 19), (date(2027, 2, 6), date(2027, 2, 8))),
    ("chuseok", date(2025, 9, 1), (date(2025, 10, 5), date(2025, 10, 7))),
    ("chuseok", date(2025, 12, 31), (date(2026, 9, 24), date(2026, 9, 26))),
]


@pytest.mark.parametrize(("key", "today", "expected"), BREAK_CASES)
def test_holiday_break(key: str, today: date, expected: tuple[date, date]) -> None:
    assert holiday_break(key, today) == expected


def test_holiday_in_a_named_year_and_breakless_holiday() -> None:
    assert holiday_date("chuseok", date(2025, 1, 1), year=2026) == date(2026, 9, 25)
    assert holiday_break("christmas", date(2025, 1, 1)) is None


# (month, day, today, year, expected solar date or None)
LUNAR_CASES = [
    (8, 15, date(2024, 1, 1), None, date(2024, 9, 17)),  # lunar 2023 8/15 passed → lunar 2024's
    (12, 10, date(2026, 1, 21), None, date(2026, 1, 28)),  # still lunar year 2025 in January
    (1, 1, date(2026, 1, 21), None, date(2026, 2, 17)),
    (3, 2, date(2025, 6, 1), None, date(2026, 4, 18)),
    (6, 15, date(2025, 7, 1), None, date(2025, 7, 9)),  # 2025 has a leap 6th month: the regular one
    (8, 15, date(2024, 9, 17), None, date(2024, 9, 17)),  # today has not passed
    (2, 30, date(2025, 1, 1), None, None),  # lunar 2025/2 has 29 days
    (13, 1, date(2025, 1, 1), None, None),
    (4, 8, date(2025, 1, 1), 2026, date(2026, 5, 24)),
]


@pytest.mark.parametrize(("month", "day", "today", "year", "expected"), LUNAR_CASES)
def test_lunar_to_solar(month: int, day: int, today: date, year: int | None, expected: date | None) -> None:
    assert lunar_to_solar(month, day, today, year) == expected


PERIOD_CASES = [
    ("weekend", date(2026, 1, 21), date(2026, 1, 25)),
    ("weekend", date(2025, 11, 23), date(2025, 11, 23)),  # a Sunday: today
    ("next_weekend", date(2026, 1, 21), date(2026, 2, 1)),
    ("week_after_next", date(2026, 1, 21), date(2026, 2, 8)),
    ("month_end", date(2024, 2, 3), date(2024, 2, 29)),  # a leap year
    ("next_month", date(2025, 12, 5), date(2026, 1, 31)),
    ("year_end", date(2025, 3, 1), date(2025, 12, 31)),
]


@pytest.mark.parametrize(("period", "today", "expected"), PERIOD_CASES)
def test_period_end(period: str, today: date, expected: date) -> None:
    assert period_end(period, today) == expected


def test_weekend_on_a_sunday_is_yesterday_and_today() -> None:
    assert weekend(date(2025, 11, 23)) == (date(2025, 11, 22), date(2025, 11, 23))


def test_upcoming_covers_a_year_of_holidays_in_order() -> None:
    rows = upcoming_named_days(date(2026, 1, 21))
    names = [name for name, _, _ in rows]
    assert "추석 / Chuseok" in names and "신정 / New Year's Day" in names
    assert [first for _, first, _ in rows] == sorted(first for _, first, _ in rows)
    assert all(first >= date(2026, 1, 21) for _, first, _ in rows)
