"""English clock, amount and anchor handlers (3pm, at 7, noon, in 2 hours, back 30 minutes, 1 hour after)."""

import re

from app.local.time.amounts import is_article_amount, parse_en_amount
from app.local.time.clock import make_clock, range_pieces
from app.local.time.days import Duration
from app.local.time.pieces import Clock, Context, Kind, Piece, number, piece, unknown
from app.local.time.words import EN_DAY_PARTS, EN_NUMBERS, EN_SHIFT_WORDS

_WORD = re.compile(r"[a-z]+")
# Direction words that belong to a shift amount (push it back 30 minutes, 2 hours earlier).
_DIRECTION_BEFORE = re.compile(r"\b(?:back|forward|ahead|up)(?:\s+by)?\s+$", re.IGNORECASE)
_DIRECTION_AFTER = re.compile(r"\s+(?:later|earlier|sooner|back|forward|ahead)\b", re.IGNORECASE)


def _part_meridiem(m: re.Match[str]) -> str:
    written = (m.groupdict().get("part") or "").lower()
    return EN_DAY_PARTS[written.split()[-1]] if written else ""


def _with_part(m: re.Match[str], clock: Clock | None) -> list[Piece]:
    meridiem = _part_meridiem(m)
    if clock is not None and meridiem:
        clock = clock.with_meridiem(meridiem)
    return unknown(m) if clock is None else piece(Kind.CLOCK, m, clock=clock)


def clock_ampm(m: re.Match[str], ctx: Context) -> list[Piece]:
    """3pm, 3:30 p.m., 9am tonight."""
    return _with_part(m, make_clock(int(m["h"]), int(m["m"] or 0), m["ap"].lower() + "m"))


def clock_hour(m: re.Match[str], ctx: Context) -> list[Piece]:
    """at 7, 8 o'clock, at 8 in the evening: a bare hour unless a part of day says am/pm."""
    return _with_part(m, make_clock(number(m["h"], EN_NUMBERS), 0))


def noon(m: re.Match[str], ctx: Context) -> list[Piece]:
    """noon / midday = 12:00, midnight = 00:00."""
    return piece(Kind.CLOCK, m, clock=Clock(0 if m["w"].lower() == "midnight" else 12))


def clock_range(m: re.Match[str], ctx: Context) -> list[Piece]:
    """3-5pm, 9am-5pm, from 7 to 11pm, from 2 to 4: a bare end is read after the start by the resolver."""
    second = make_clock(int(m["h2"]), int(m["m2"] or 0), m["ap2"].lower() + "m" if m["ap2"] else None)
    meridiem = m["ap1"].lower() + "m" if m["ap1"] else None
    found = range_pieces(m, make_clock(int(m["h1"]), int(m["m1"] or 0), meridiem), second)
    if m.group(0).startswith("from"):
        found[0].preposition = "from"  # "move it from 3 to 5" is a move, not a range
    return found


def relative(m: re.Match[str], ctx: Context) -> list[Piece]:
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


def anchor(m: re.Match[str], ctx: Context) -> list[Piece]:
    """1 hour after 'X', 2 days before 'X', the day after 'X'."""
    offset = parse_en_amount(m["amt"]) if m["amt"] else Duration(days=1)
    if offset is None:
        return unknown(m)
    later = (m["dir"] or m["dir2"] or "after").lower().startswith(("after", "later"))
    return piece(Kind.ANCHOR, m, amount=offset if later else offset.negated())


def amount(m: re.Match[str], ctx: Context) -> list[Piece]:
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
    found[0].start = before_word.start() if before_word else m.start()
    found[0].end = after_word.end() if after_word else m.end()
    return found


def part(m: re.Match[str], ctx: Context) -> list[Piece]:
    """this morning, in the evening, at night: a meridiem for the clock of the same phrase."""
    pieces: list[Piece] = []
    word = m.group(0).lower().split()
    if word[0] == "this":  # this morning = today, in the morning
        pieces.append(Piece(Kind.DAY, m.start(), m.start(), "", day=ctx.today))
    pieces.append(Piece(Kind.PART, m.start(), m.end(), m.group(0), meridiem=EN_DAY_PARTS[word[-1]]))
    return pieces


def vague(m: re.Match[str], ctx: Context) -> list[Piece]:
    """Words naming a time the spec does not define: declined."""
    return unknown(m)
