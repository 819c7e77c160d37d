"""The named days a command mentions, resolved: what the LLM path puts in the user data."""

import re
from datetime import date

from app.namedays.holidays_kr import HOLIDAYS, holiday_break, holiday_date
from app.namedays.lunar import lunar_to_solar
from app.namedays.names import EN_HOLIDAY_NAMES, KO_HOLIDAY_NAMES
from app.namedays.periods import period_end, weekend

NamedSpan = tuple[str, date, date]
_LUNAR = re.compile(r"음력\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일")


def _holiday_keys(text: str) -> list[str]:
    squashed, lowered = "".join(text.split()), " ".join(text.lower().replace("’", "'").split())
    keys = [key for word, key in KO_HOLIDAY_NAMES.items() if "".join(word.split()) in squashed]
    keys += [key for word, key in EN_HOLIDAY_NAMES.items() if re.search(rf"\b{re.escape(word)}\b", lowered)]
    return list(dict.fromkeys(keys))


def mentioned_named_days(text: str, today: date) -> list[NamedSpan]:
    """(label, first day, last day): this and next weekend and this month's end, and every
    holiday, 연휴 and lunar date the text names (a loose word match: an extra line costs little)."""
    this_saturday, this_sunday = weekend(today)
    month_end = period_end("month_end", today)
    found: list[NamedSpan] = [
        ("이번 주말 / this weekend", this_saturday, this_sunday),
        ("다음 주말 / next weekend", *weekend(today, 1)),
        ("월말 / end of this month", month_end, month_end),
    ]
    for key in _holiday_keys(text):
        holiday = HOLIDAYS[key]
        day = holiday_date(key, today)
        if day is not None:
            found.append((f"{holiday.name_ko} / {holiday.name_en}", day, day))
        span = holiday_break(key, today)
        if span is not None:
            found.append((f"{holiday.name_ko} 연휴 / {holiday.name_en} holidays", *span))
    for match in _LUNAR.finditer(text):
        month, day_of_month = int(match["m"]), int(match["d"])
        solar = lunar_to_solar(month, day_of_month, today)
        if solar is not None:
            found.append((f"음력 {month}월 {day_of_month}일 / lunar {month}/{day_of_month}", solar, solar))
    return found
