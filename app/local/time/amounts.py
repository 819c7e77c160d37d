"""Amounts of time in Korean and English (하루, 한 시간 반, 90분, two hours, half an hour)."""

import re

from app.local.time.days import Duration
from app.local.time.pieces import number
from app.local.time.words import (
    EN_NUMBERS,
    KO_NATIVE_DAYS,
    KO_NATIVE_NUMBERS,
    KO_SINO_DIGITS,
    alternation,
)

KO_NATIVE = alternation(KO_NATIVE_NUMBERS)
KO_SINO_TENS = r"[이삼사오]?십[일이삼사오육칠팔구]?"
_KO_NATIVE_DAY_WORDS = alternation(KO_NATIVE_DAYS)

# One amount, no capture groups: embedded in the rules of korean.py.
KO_AMOUNT = (
    rf"(?:(?:\d{{1,3}}|{KO_NATIVE})\s*시간(?:\s*반|\s*\d{{1,2}}\s*분)?"
    rf"|(?:\d{{1,4}}|{KO_SINO_TENS})\s*분"
    rf"|\d{{1,3}}\s*일(?!\s*요일)|{_KO_NATIVE_DAY_WORDS}"
    r"|일주일|(?:\d{1,2}|한|두|세|네)\s*주(?:일)?"
    r"|(?:\d{1,2}|한|두|세|네|다섯|여섯)\s*(?:달|개월)"
    r"|(?:\d{1,2}|한|두)\s*년)"
)

_KO_PARTS = re.compile(
    rf"(?P<hours>\d+|{KO_NATIVE})\s*시간(?:\s*(?P<half>반)|\s*(?P<hour_minutes>\d+)\s*분)?"
    rf"|(?P<minutes>\d+|{KO_SINO_TENS})\s*분"
    r"|(?P<days>\d+)\s*일"
    rf"|(?P<native_days>{_KO_NATIVE_DAY_WORDS})"
    r"|(?P<one_week>일주일)|(?P<weeks>\d+|한|두|세|네)\s*주(?:일)?"
    r"|(?P<months>\d+|한|두|세|네|다섯|여섯)\s*(?:달|개월)"
    r"|(?P<years>\d+|한|두)\s*년"
)


def sino_number(token: str) -> int:
    """A digit string or a Sino-Korean number up to 99 (삼십오 → 35) as an int."""
    if token.isdigit():
        return int(token)
    tens, _, units = token.partition("십")
    if not _:
        return KO_SINO_DIGITS[token]
    return (KO_SINO_DIGITS[tens] if tens else 1) * 10 + (KO_SINO_DIGITS[units] if units else 0)


def parse_ko_amount(text: str) -> Duration | None:
    """The amount a KO_AMOUNT match names; None for years (not supported)."""
    parts = _KO_PARTS.fullmatch(text)
    if parts is None or parts["years"]:
        return None
    if parts["hours"]:
        extra = 30 if parts["half"] else int(parts["hour_minutes"] or 0)
        return Duration(minutes=number(parts["hours"], KO_NATIVE_NUMBERS) * 60 + extra)
    if parts["minutes"]:
        return Duration(minutes=sino_number(parts["minutes"]))
    if parts["days"]:
        return Duration(days=int(parts["days"]))
    if parts["native_days"]:
        return Duration(days=KO_NATIVE_DAYS[parts["native_days"]])
    if parts["one_week"]:
        return Duration(days=7)
    if parts["weeks"]:
        return Duration(days=7 * number(parts["weeks"], KO_NATIVE_NUMBERS))
    return Duration(months=number(parts["months"], KO_NATIVE_NUMBERS))


_EN_COUNT = rf"(?:\d{{1,4}}|{alternation(EN_NUMBERS)})"
_EN_UNIT = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"

# One amount, no capture groups: embedded in the rules of english.py.
EN_AMOUNT = (
    rf"(?:half\s+an?\s+hour|{_EN_COUNT}\s*-?\s*{_EN_UNIT}"
    r"(?:\s+and\s+(?:a\s+half|\d{1,2}\s+minutes?))?)"
)

_EN_PARTS = re.compile(
    rf"(?P<half_hour>half\s+an?\s+hour)|(?P<count>{_EN_COUNT})\s*-?\s*(?P<unit>{_EN_UNIT})"
    r"(?:\s+and\s+(?:(?P<and_half>a\s+half)|(?P<and_minutes>\d{1,2})\s+minutes?))?",
    re.IGNORECASE,
)


def parse_en_amount(text: str) -> Duration | None:
    """The amount an EN_AMOUNT match names; None when 'and a half' follows days or months."""
    parts = _EN_PARTS.fullmatch(text)
    if parts is None:
        return None
    if parts["half_hour"]:
        return Duration(minutes=30)
    count = number(parts["count"], EN_NUMBERS)
    unit = parts["unit"].lower()
    if unit.startswith(("min", "h")):
        minutes = count * (60 if unit.startswith("h") else 1)
        if parts["and_half"]:
            if not unit.startswith("h"):
                return None
            minutes += 30
        return Duration(minutes=minutes + int(parts["and_minutes"] or 0))
    if parts["and_half"] or parts["and_minutes"]:
        return None
    if unit.startswith("d"):
        return Duration(days=count)
    if unit.startswith("w"):
        return Duration(days=7 * count)
    return Duration(months=count)


def is_article_amount(text: str) -> bool:
    """True for 'a day', 'an hour': ordinary phrases ('once a day') unless context makes them time."""
    return text.lower().startswith(("a ", "an "))
