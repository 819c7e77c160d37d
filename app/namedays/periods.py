"""Weekends and period ends (이번주, 주말, 이번달, 월말, 연말) as dates relative to today."""

import calendar
from datetime import date, timedelta


def weekend(today: date, weeks_ahead: int = 0) -> tuple[date, date]:
    """Saturday and Sunday of the current week (weeks start on Monday), or of a later week."""
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)
    return monday + timedelta(days=5), monday + timedelta(days=6)


def period_end(period: str, today: date) -> date:
    """The last day of a named period: week/weekend → Sunday, month → its last day, year → 12/31."""
    if period in ("this_week", "weekend"):
        return weekend(today)[1]
    if period in ("next_week", "next_weekend"):
        return weekend(today, 1)[1]
    if period == "week_after_next":
        return weekend(today, 2)[1]
    if period in ("this_month", "month_end"):
        return date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    if period == "next_month":
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return date(year, month, calendar.monthrange(year, month)[1])
    if period == "year_end":
        return date(today.year, 12, 31)
    raise ValueError(f"unknown period {period!r}")
