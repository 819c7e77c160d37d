"""The one parse type (TimeParse) that every resolver pass takes and returns, and the helpers they share."""

from dataclasses import dataclass
from datetime import date, datetime, time

from app.local.time.days import END_OF_DAY, Duration
from app.local.time.pieces import Kind, Piece

Occurrence = tuple[datetime, datetime | None]
_JOINERS = frozenset({",", "~", "-", "–", "—", "∼", "〜"})


@dataclass(frozen=True)
class TimeParse:
    """The time expressions of one command, resolved against the client's `now`."""

    # [start, end) of the text taken by time expressions with their particles and prepositions
    # (에, 까지, 로, 거, at, on, from …): removing them leaves the title.
    spans: tuple[tuple[int, int], ...] = ()
    # The one day named (for a range, its first day).
    day: date | None = None
    # The time of day named, a bare hour read as with a date (4시 → 16:00, 8시 → 08:00): what a
    # move to "4시로" sets. A new plan uses `moment`, which applies the no-date rule instead.
    clock: time | None = None
    # The point for a NEW plan: day + clock; a day alone → 23:59:59; a clock alone → the no-date
    # rule (8시 at 20:25 → 08:00 tomorrow); N시간 후 / in N minutes → now + N, seconds kept.
    # A date-only range (금요일부터 일요일까지) starts at 00:00:00 of its first day.
    moment: datetime | None = None
    # The end of a range (3시부터 5시까지; a date-only range ends 23:59:59 of its last day).
    end_moment: datetime | None = None
    # The range used as a CONDITION: a day → 00:00:00..23:59:59, this week → Mon..Sun, a month,
    # a range. When a move has a destination and another time, it is the other time's range.
    period: tuple[datetime, datetime] | None = None
    # Recurrence days (매주 X요일 / every X / 매일 within a period), today on; empty otherwise.
    dates: tuple[date, ...] = ()
    # A bare amount for a shift (하루 미뤄, push back 30 minutes), unsigned: see duration_sign.
    duration: Duration | None = None
    # A signed offset from another plan ('X'보다 1시간 뒤에 → +60 min, 'X' 전날 → −1 day).
    anchor_offset: Duration | None = None
    # Time words not understood, or readings that conflict: the caller must decline.
    unknown: tuple[str, ...] = ()
    # ---- added fields ----
    # The last day of a range when one is named (금요일부터 일요일까지, 금요일 7시부터 일요일 5시까지).
    end_day: date | None = None
    # The time of day of a range's end.
    end_clock: time | None = None
    # (start, end or None) for each of `dates`, with the clock or the clock range applied.
    occurrences: tuple[Occurrence, ...] = ()
    # True when day/clock come from a move's target (토요일로, 5시로, to Thursday).
    destination: bool = False
    # The range of the expressions that are NOT the destination, None if there are none:
    # '내일 회의 금요일로 옮겨' → tomorrow, while day = Friday.
    condition_period: tuple[datetime, datetime] | None = None
    # +1 when the words say later (미뤄, 뒤로, back, later, postpone), −1 earlier (당겨, 앞으로,
    # earlier, forward), 0 when they do not say (옮겨, move by).
    duration_sign: int = 0
    # The quoted title right next to an anchor offset, and the span of it with its quotes.
    anchor_title: str | None = None
    anchor_span: tuple[int, int] | None = None

    @property
    def understood(self) -> bool:
        """True when nothing time-like was left unexplained."""
        return not self.unknown

    def resolve_anchor(self, anchor: datetime) -> datetime | None:
        """The new plan's moment from the anchor plan's time (due_time of a TODO, start of a SCHEDULE)."""
        # A day offset yields a date (at `clock`, else 23:59:59); a clock offset moves the moment.
        if self.anchor_offset is None:
            return None
        shifted = self.anchor_offset.apply(anchor)
        if self.anchor_offset.is_date_shift:
            return datetime.combine(shifted.date(), self.clock or END_OF_DAY)
        return shifted


class Conflict(Exception):
    """Two readings of the command disagree, or a needed part is missing: the resolver declines."""


def of_kind(pieces: list[Piece], kind: Kind) -> list[Piece]:
    """The pieces of one kind, in order."""
    return [found for found in pieces if found.kind is kind]


def describe(pieces: list[Piece]) -> str:
    """The texts of some pieces, for a reason in `unknown`."""
    return " / ".join(found.text.strip() for found in pieces)


def merge_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans joined where they overlap or only a comma or dash parts them (Sat, Nov 25; 12/24~12/26)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].strip() in _JOINERS):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
