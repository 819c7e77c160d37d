"""What the scanner finds in a command: typed pieces of time text, each with its span and role."""

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypedDict, Unpack

from app.local.time.days import Duration
from app.local.time.words import KO_PARTICLE_MARKERS


class Kind(enum.Enum):
    """The kind of meaning a piece carries."""

    DAY = "day"  # one date
    CLOCK = "clock"  # a time of day
    PERIOD = "period"  # a date range: week, month, year, weekend
    RECUR = "recur"  # weekdays or every day, repeated inside a period
    MOMENT = "moment"  # an exact moment relative to now (N시간 후)
    AMOUNT = "amount"  # a bare amount: a shift (하루 미뤄) or a length (2시간 동안)
    ANCHOR = "anchor"  # an offset from another plan ('X'보다 1시간 뒤)
    PART = "part"  # an English part of day (tonight, in the evening): the meridiem of a clock
    UNKNOWN = "unknown"  # time words that are not understood


@dataclass(frozen=True, slots=True)
class Clock:
    """A time of day as written; a bare hour (1–11, no 오전/오후/am/pm) is morning or afternoon."""

    hour: int
    minute: int = 0
    bare: bool = False

    def dated(self) -> time:
        """The spec's reading with a date: bare 1–6 is afternoon, bare 7–11 is morning."""
        if self.bare and 1 <= self.hour <= 6:
            return time(self.hour + 12, self.minute)
        return time(self.hour, self.minute)

    def candidates(self) -> tuple[time, ...]:
        """The times of day this clock may mean, earliest first."""
        if self.bare:
            return time(self.hour, self.minute), time(self.hour + 12, self.minute)
        return (time(self.hour, self.minute),)

    def with_meridiem(self, meridiem: str) -> "Clock | None":
        """This clock read with am/pm; None when it contradicts an explicit reading."""
        if not self.bare:
            fixed_pm = self.hour >= 12
            return self if fixed_pm == (meridiem == "pm") or self.hour == 0 else None
        return Clock(self.hour + 12 if meridiem == "pm" else self.hour, self.minute)


@dataclass(frozen=True, slots=True, eq=False)
class Piece:
    """One time expression found in the text; `start:end` includes its particles and prepositions."""

    # Frozen: a pass that re-reads a piece returns a new one (dataclasses.replace), so no pass
    # changes what an earlier one handed it.

    kind: Kind
    start: int
    end: int
    text: str
    marker: str = ""  # start | from | end | dest | to | and: its role in a range or a move
    marker_before: bool = False  # the marker is a preposition before it (to Friday), not a particle after
    preposition: str = ""  # the English preposition taken in front of it, if any
    day: date | None = None
    dom: int | None = None  # a bare day of month (18일에): re-based by a range's first day
    period: tuple[date, date] | None = None
    clock: Clock | None = None
    weekdays: tuple[int, ...] = ()
    daily: bool = False
    moment: datetime | None = None
    amount: Duration | None = None
    role: str = ""  # AMOUNT: shift | length; DAY: weekday when it is a bare weekday
    sign: int = 0  # AMOUNT: +1 later, −1 earlier, 0 unstated; ANCHOR: always folded into amount
    meridiem: str = ""  # PART: am | pm
    # PERIOD: the days a new plan may fall on, earliest first (a weekend's Saturday and Sunday,
    # a 연휴's first day); a deadline period (이번주까지, 월말까지) is due at the period's end.
    plan_days: tuple[date, ...] = ()
    deadline: bool = False


@dataclass(frozen=True, slots=True)
class Context:
    """What every handler needs: the client's now."""

    now: datetime

    @property
    def today(self) -> date:
        """The client's date."""
        return self.now.date()


Handler = Callable[[re.Match[str], Context], list[Piece]]


class Meaning(TypedDict, total=False):
    """The meaning fields of a Piece a handler may give, so mypy checks each name and type."""

    day: date | None
    dom: int | None
    period: tuple[date, date] | None
    clock: Clock | None
    weekdays: tuple[int, ...]
    daily: bool
    moment: datetime | None
    amount: Duration | None
    role: str
    sign: int
    meridiem: str
    plan_days: tuple[date, ...]
    deadline: bool


def piece(kind: Kind, match: re.Match[str], **meaning: Unpack[Meaning]) -> list[Piece]:
    """A one-piece answer for `match`; its trailing particle (if any) sets the marker."""
    groups = match.groupdict()
    if groups.get("vague"):
        return unknown(match)
    marker = KO_PARTICLE_MARKERS.get(groups.get("particle") or "", "")
    return [Piece(kind, match.start(), match.end(), match.group(0), marker, **meaning)]


def unknown(match: re.Match[str], note: str = "") -> list[Piece]:
    """An answer that declines: the matched words are time-ish but not understood."""
    return [Piece(Kind.UNKNOWN, match.start(), match.end(), note or match.group(0).strip())]


def vague(m: re.Match[str], ctx: Context) -> list[Piece]:
    """Words naming a time the spec does not define (3시쯤, sometime next week): declined."""
    return unknown(m)


def number(token: str, words: dict[str, int]) -> int:
    """A digit string or a number word (세 → 3) as an int."""
    return int(token) if token.isdigit() else words[token.lower()]
