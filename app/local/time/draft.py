"""The resolver's working state: the fields of a TimeParse while they are worked out."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from app.local.time.days import Duration
from app.local.time.pieces import Kind, Piece

Occurrence = tuple[datetime, datetime | None]
_JOINERS = frozenset({",", "~", "-", "–", "—", "∼", "〜"})


@dataclass(slots=True)
class Draft:
    """Mutable twin of TimeParse (see timeexpr for what each field means)."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    day: date | None = None
    end_day: date | None = None
    clock: time | None = None
    end_clock: time | None = None
    moment: datetime | None = None
    end_moment: datetime | None = None
    period: tuple[datetime, datetime] | None = None
    condition_period: tuple[datetime, datetime] | None = None
    dates: list[date] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    duration: Duration | None = None
    duration_sign: int = 0
    anchor_offset: Duration | None = None
    anchor_title: str | None = None
    anchor_span: tuple[int, int] | None = None
    destination: bool = False
    unknown: list[str] = field(default_factory=list)


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
