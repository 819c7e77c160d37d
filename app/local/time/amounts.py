"""Amounts of time in both languages and their rules: from now, shifts, lengths, anchors (하루 미뤄, in 2 hours)."""

import re
from dataclasses import replace

from app.local.time.days import Duration
from app.local.time.pieces import Context, Kind, Piece, number, piece, unknown
from app.local.time.words import (
    EN_NUMBERS,
    EN_SHIFT_WORDS,
    KO_NATIVE_DAYS,
    KO_NATIVE_NUMBERS,
    KO_SHIFT_WORDS,
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


def ko_relative_amount(m: re.Match[str], ctx: Context) -> list[Piece]:
    """N 후/뒤 from now; 'X'보다 N 뒤 or 'X' N 전 from an anchor; N 뒤로 미뤄 a shift."""
    amount = parse_ko_amount(m["amt"])
    later = m["dir"] in ("뒤", "후", "늦게")
    before = m.string[: m.start()].rstrip()
    anchored = bool(m["boda"]) or before.endswith(("'", '"', "’", "”", "」", "』"))
    if amount is None:
        return unknown(m)
    if anchored:
        return piece(Kind.ANCHOR, m, amount=amount if later else amount.negated())
    if m["particle"] in ("로", "으로") or m["dir"] in ("늦게", "일찍", "먼저"):
        return piece(Kind.AMOUNT, m, amount=amount, role="shift", sign=1 if later else -1)
    if not later:  # 1시간 전에 with no anchor: before what?
        return unknown(m)
    if amount.is_date_shift:
        return piece(Kind.DAY, m, day=amount.apply(ctx.now).date())
    if amount.months or amount.days:
        return unknown(m)
    return piece(Kind.MOMENT, m, moment=amount.apply(ctx.now))


def _shift_sign(window: str) -> int | None:
    """The direction stated by shift words in `window`, 0 if unstated, None if none is there."""
    signs = {sign for word, sign in KO_SHIFT_WORDS.items() if word in window}
    if not signs:
        return None
    stated = signs - {0}
    return stated.pop() if len(stated) == 1 else 0


def ko_bare_amount(m: re.Match[str], ctx: Context) -> list[Piece]:
    """하루 미뤄 / 30분 당겨 (a shift), 2시간 동안 (a length); otherwise maybe a title word."""
    amount = parse_ko_amount(m["amt"])
    if amount is None or m["approx"]:
        return unknown(m)
    if m["length"]:
        return piece(Kind.AMOUNT, m, amount=amount, role="length")
    sign = _shift_sign(m.string[m.end() : m.end() + 14])
    if sign is None:
        return unknown(m)
    return piece(Kind.AMOUNT, m, amount=amount, role="shift", sign=sign)


def ko_anchor_day(m: re.Match[str], ctx: Context) -> list[Piece]:
    """'X' 다음날 / 이튿날 (a day after), 전날 (a day before)."""
    days = 1 if ("다음" in m["w"] or "이튿" in m["w"]) else -1
    return piece(Kind.ANCHOR, m, amount=Duration(days=days))


_WORD = re.compile(r"[a-z]+")
# Direction words that belong to a shift amount (push it back 30 minutes, 2 hours earlier).
_DIRECTION_BEFORE = re.compile(r"\b(?:back|forward|ahead|up)(?:\s+by)?\s+$", re.IGNORECASE)
_DIRECTION_AFTER = re.compile(r"\s+(?:later|earlier|sooner|back|forward|ahead)\b", re.IGNORECASE)


def en_relative(m: re.Match[str], ctx: Context) -> list[Piece]:
    """in 3 hours / 2 days from now / a week ago."""
    offset = parse_en_amount(m["amt"] or m["amt2"])
    if offset is None:
        return unknown(m)
    if m["ago"]:
        offset = offset.negated()
    if offset.is_date_shift:
        return piece(Kind.DAY, m, day=offset.apply(ctx.now).date())
    if offset.months or offset.days:  # 1 day and 3 hours: not a form people use for a plan
        return unknown(m)
    return piece(Kind.MOMENT, m, moment=offset.apply(ctx.now))


def en_anchor(m: re.Match[str], ctx: Context) -> list[Piece]:
    """1 hour after 'X', 2 days before 'X', the day after 'X'."""
    offset = parse_en_amount(m["amt"]) if m["amt"] else Duration(days=1)
    if offset is None:
        return unknown(m)
    later = (m["dir"] or m["dir2"] or "after").lower().startswith(("after", "later"))
    return piece(Kind.ANCHOR, m, amount=offset if later else offset.negated())


def en_amount(m: re.Match[str], ctx: Context) -> list[Piece]:
    """push back 30 minutes / 2 hours earlier (a shift), for 2 hours (a length)."""
    written = parse_en_amount(m["amt"])
    before = _WORD.findall(m.string[max(0, m.start() - 48) : m.start()].lower())[-5:]
    after = _WORD.findall(m.string[m.end() : m.end() + 12].lower())[:1]
    if before[-1:] == ["for"]:
        return piece(Kind.AMOUNT, m, amount=written, role="length") if written else unknown(m)
    signs = {EN_SHIFT_WORDS[word] for word in before + after if word in EN_SHIFT_WORDS}
    if written is None or not signs:
        return [] if is_article_amount(m["amt"]) else unknown(m)
    stated = signs - {0}
    found = piece(Kind.AMOUNT, m, amount=written, role="shift", sign=stated.pop() if len(stated) == 1 else 0)
    before_word = _DIRECTION_BEFORE.search(m.string, max(0, m.start() - 16), m.start())
    after_word = _DIRECTION_AFTER.match(m.string, m.end())
    start = before_word.start() if before_word else m.start()
    return [replace(found[0], start=start, end=after_word.end() if after_word else m.end())]
