"""Calendar arithmetic for the time resolver: amounts of time, months, weeks and day ranges."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

START_OF_DAY = time(0, 0, 0)
END_OF_DAY = time(23, 59, 59)


def valid_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when the numbers name no real day (2월 30일, 13월)."""
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2999):
        return None
    if day > calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the last day of the target month (1/31 + 1 → 2/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def week_monday(day: date) -> date:
    """The Monday of the week holding `day` (weeks start on Monday)."""
    return day - timedelta(days=day.weekday())


def week_range(day: date, weeks_ahead: int = 0) -> tuple[date, date]:
    """Monday..Sunday of the week `weeks_ahead` weeks from the one holding `day`."""
    monday = week_monday(day) + timedelta(weeks=weeks_ahead)
    return monday, monday + timedelta(days=6)


def weekend_range(day: date, weeks_ahead: int = 0) -> tuple[date, date]:
    """Saturday..Sunday of the week `weeks_ahead` weeks from the one holding `day`."""
    monday = week_monday(day) + timedelta(weeks=weeks_ahead)
    return monday + timedelta(days=5), monday + timedelta(days=6)


def month_range(year: int, month: int) -> tuple[date, date]:
    """First..last day of a calendar month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def month_range_from(day: date, months_ahead: int) -> tuple[date, date]:
    """First..last day of the month `months_ahead` months from the one holding `day`."""
    first = add_months(day.replace(day=1), months_ahead)
    return month_range(first.year, first.month)


def weekday_on_or_after(day: date, weekday: int) -> date:
    """The first date with `weekday` (0 = Monday) on or after `day`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def weekday_in_week(day: date, weekday: int, weeks_ahead: int) -> date:
    """Day `weekday` of the week `weeks_ahead` weeks from the one holding `day`."""
    return week_monday(day) + timedelta(weeks=weeks_ahead, days=weekday)


def days_between(first: date, last: date) -> list[date]:
    """Every date from `first` through `last`, inclusive."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """00:00:00 of `first` .. 23:59:59 of `last`: a date range used as a condition."""
    return datetime.combine(first, START_OF_DAY), datetime.combine(last, END_OF_DAY)


@dataclass(frozen=True)
class Duration:
    """An amount of time; months are calendar months, hours are folded into minutes."""

    months: int = 0
    days: int = 0
    minutes: int = 0

    def apply(self, moment: datetime, sign: int = 1) -> datetime:
        """`moment` moved by this amount (`sign` −1 moves back); months clamp the day to the month end."""
        shifted = moment
        if self.months:
            moved = add_months(moment.date(), sign * self.months)
            shifted = datetime.combine(moved, moment.time())
        return shifted + timedelta(days=sign * self.days, minutes=sign * self.minutes)

    def negated(self) -> "Duration":
        """The same amount pointing the other way."""
        return Duration(-self.months, -self.days, -self.minutes)

    def plus(self, other: "Duration") -> "Duration":
        """The sum of two amounts."""
        return Duration(self.months + other.months, self.days + other.days, self.minutes + other.minutes)

    @property
    def is_date_shift(self) -> bool:
        """True when only whole days/months move: the result is a date, not a moment."""
        return self.minutes == 0 and (self.days != 0 or self.months != 0)
