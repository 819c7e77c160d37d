"""Clocks in both languages: hours, minutes, meridiem words, ranges (오후 3시 반, 3~5시, 3pm, at 7, noon, tonight)."""

import re
from dataclasses import replace

from app.local.time.amounts import sino_number
from app.local.time.pieces import Clock, Context, Kind, Piece, number, piece, unknown
from app.local.time.words import EN_DAY_PARTS, EN_NUMBERS, KO_MERIDIEM_HOURS, KO_NATIVE_NUMBERS

# English am/pm read through the Korean tables: am = 오전, pm = 오후.
MERIDIEM_TABLES = {**KO_MERIDIEM_HOURS, "am": KO_MERIDIEM_HOURS["오전"], "pm": KO_MERIDIEM_HOURS["오후"]}


def make_clock(hour: int, minute: int, meridiem: str | None = None, leading_zero: bool = False) -> Clock | None:
    """The clock for an hour as written, or None when it names no time (25시, 오후 13시, 3:75)."""
    if not 0 <= minute <= 59:
        return None
    if meridiem:
        fixed = MERIDIEM_TABLES[meridiem.lower()].get(hour)
        return None if fixed is None else Clock(fixed, minute)
    if hour == 0 or 12 <= hour <= 23 or (leading_zero and hour <= 23):
        return Clock(hour, minute)
    if 1 <= hour <= 11:
        return Clock(hour, minute, bare=True)
    return None


def _minute(m: re.Match[str], suffix: str = "") -> int:
    groups = m.groupdict()
    if groups.get("half" + suffix):
        return 30
    written = groups.get("m" + suffix) or groups.get("mk" + suffix)
    return sino_number(written) if written else 0


def ko_clock(m: re.Match[str], ctx: Context) -> list[Piece]:
    """오후 3시 반, 15:30, 세 시, 정오, 자정."""
    groups = m.groupdict()
    if groups.get("w"):
        return piece(Kind.CLOCK, m, clock=Clock(12 if m["w"] == "정오" else 0))
    written = m["h"]
    clock = make_clock(number(written, KO_NATIVE_NUMBERS), _minute(m), groups.get("mer"), written.startswith("0"))
    return unknown(m) if clock is None else piece(Kind.CLOCK, m, clock=clock)


def range_pieces(m: re.Match[str], first: Clock | None, second: Clock | None) -> list[Piece]:
    """Two clock pieces for one 'A-B' match: the start covers the text, the end sits at its end."""
    if first is None or second is None or m.groupdict().get("vague"):
        return unknown(m)
    start = Piece(Kind.CLOCK, m.start(), m.end(), m.group(0), "start", clock=first)
    end = Piece(Kind.CLOCK, m.end(), m.end(), "", "end", marker_before=True, clock=second)
    return [start, end]


def ko_clock_range(m: re.Match[str], ctx: Context) -> list[Piece]:
    """3~5시, 오후 3시-5시, 10:00~12:30: one meridiem word before the start covers a later end too."""
    first_hour, second_hour = int(m["h1"]), int(m["h2"])
    first = make_clock(first_hour, _minute(m, "1"), m["mer"])
    inherited = m["mer"] if m["mer"] and second_hour >= first_hour else None
    second = make_clock(second_hour, _minute(m, "2"), m["mer2"] or inherited)
    return range_pieces(m, first, second)


def _part_meridiem(m: re.Match[str]) -> str:
    written = (m.groupdict().get("part") or "").lower()
    return EN_DAY_PARTS[written.split()[-1]] if written else ""


def _with_part(m: re.Match[str], clock: Clock | None) -> list[Piece]:
    meridiem = _part_meridiem(m)
    if clock is not None and meridiem:
        clock = clock.with_meridiem(meridiem)
    return unknown(m) if clock is None else piece(Kind.CLOCK, m, clock=clock)


def en_clock_ampm(m: re.Match[str], ctx: Context) -> list[Piece]:
    """3pm, 3:30 p.m., 9am tonight."""
    return _with_part(m, make_clock(int(m["h"]), int(m["m"] or 0), m["ap"].lower() + "m"))


def en_clock_hour(m: re.Match[str], ctx: Context) -> list[Piece]:
    """at 7, 8 o'clock, at 8 in the evening: a bare hour unless a part of day says am/pm."""
    return _with_part(m, make_clock(number(m["h"], EN_NUMBERS), 0))


def en_noon(m: re.Match[str], ctx: Context) -> list[Piece]:
    """noon / midday = 12:00, midnight = 00:00."""
    return piece(Kind.CLOCK, m, clock=Clock(0 if m["w"].lower() == "midnight" else 12))


def en_clock_range(m: re.Match[str], ctx: Context) -> list[Piece]:
    """3-5pm, 9am-5pm, from 7 to 11pm, from 2 to 4: a bare end is read after the start by the resolver."""
    second = make_clock(int(m["h2"]), int(m["m2"] or 0), m["ap2"].lower() + "m" if m["ap2"] else None)
    meridiem = m["ap1"].lower() + "m" if m["ap1"] else None
    found = range_pieces(m, make_clock(int(m["h1"]), int(m["m1"] or 0), meridiem), second)
    if m.group(0).startswith("from"):
        found[0] = replace(found[0], preposition="from")  # "move it from 3 to 5" is a move, not a range
    return found


def en_part(m: re.Match[str], ctx: Context) -> list[Piece]:
    """this morning, in the evening, at night: a meridiem for the clock of the same phrase."""
    pieces: list[Piece] = []
    word = m.group(0).lower().split()
    if word[0] == "this":  # this morning = today, in the morning
        pieces.append(Piece(Kind.DAY, m.start(), m.start(), "", day=ctx.today))
    pieces.append(Piece(Kind.PART, m.start(), m.end(), m.group(0), meridiem=EN_DAY_PARTS[word[-1]]))
    return pieces
