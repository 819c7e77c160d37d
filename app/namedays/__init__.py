"""Named days of the Korean calendar (holidays, lunar dates, weekends, period ends) resolved from `now`."""

from app.namedays.holidays_kr import HOLIDAYS, Holiday, holiday_break, holiday_date, holiday_on
from app.namedays.lunar import lunar_to_solar
from app.namedays.mentions import NamedSpan, mentioned_named_days
from app.namedays.names import EN_HOLIDAY_NAMES, KO_HOLIDAY_NAMES
from app.namedays.periods import period_end, weekend
from app.namedays.upcoming import upcoming_named_days

__all__ = [
    "EN_HOLIDAY_NAMES",
    "HOLIDAYS",
    "KO_HOLIDAY_NAMES",
    "Holiday",
    "NamedSpan",
    "holiday_break",
    "holiday_date",
    "holiday_on",
    "lunar_to_solar",
    "mentioned_named_days",
    "period_end",
    "upcoming_named_days",
    "weekend",
]
