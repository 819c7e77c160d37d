"""Clock readings shared by the Korean and English rules: hours, minutes, meridiem words."""

import re

from app.local.time.amounts import sino_number
from app.local.time.pieces import Clock, Context, Kind, Piece, number, piece, unknown
from app.local.time.words import KO_MERIDIEM_HOURS, KO_NATIVE_NUMBERS

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
